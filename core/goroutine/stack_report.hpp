// core/goroutine/stack_report.hpp — what happens when a goroutine overflows its stack.
//
// Owns: the stack-overflow handler of the running go::Runtime. The fiber layer detects the hit on
// the guard page (core/fiber/stack_overflow.hpp) and calls us on the signal stack; we print Go's
// report naming the goroutine:
//   runtime: goroutine 7 stack exceeds 262144-byte limit
//   fatal error: stack overflow
//
//   goroutine 7 [running]:
// trace a RuntimeError StackOverflow event, save the trace so far if a path was configured
// (Config::crash_trace_path / environment ASYNCSCOPE_CRASH_TRACE), and _exit(2) — never a bare
// SIGSEGV. One runtime at a time owns the handler (the scope below).
#pragma once

namespace as::go::detail {

class Sched;

class StackOverflowScope {
 public:
  explicit StackOverflowScope(Sched& sched);
  ~StackOverflowScope();
  StackOverflowScope(const StackOverflowScope&) = delete;
  StackOverflowScope& operator=(const StackOverflowScope&) = delete;
};

}  // namespace as::go::detail
