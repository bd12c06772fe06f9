// core/fiber/stack_overflow.hpp — turn a fiber's guard-page hit into a clear report.
//
// Owns: the process-wide SIGSEGV/SIGBUS handler and each thread's alternate signal stack.
//
// Why: a fiber that overflows its stack writes into the guard page below it and the kernel sends
// SIGSEGV. The signal handler cannot run on the overflowed stack (it is full), so every OS thread
// that runs fibers gets a sigaltstack (done automatically the first time a thread switches
// fibers). The handler checks whether the faulting address — or the interrupted stack pointer —
// lies in the guard page of the fiber running on this thread; if so it calls the registered
// handler (the goroutine runtime prints "runtime: goroutine N stack overflow", saves the trace so
// far and calls _exit(2)). If the handler returns, or none is registered, a default one-line report
// is written to stderr and the process _exits with status 2.
// Any other fault is not ours: the previous handler (e.g. the sanitizer's) is called, or the
// default action is restored and the fault re-raised, so real crashes still crash normally.
#pragma once

#include <cstddef>
#include <cstdint>

namespace as::fiber {

class Fiber;

struct StackOverflowInfo {
  const Fiber* fiber = nullptr;  // the fiber that overflowed (its name(), tag(), user())
  const char* fiber_name = "";   // fiber->name().c_str(), for convenience
  uint64_t tag = 0;              // fiber->tag() (e.g. the goroutine id)
  void* user = nullptr;          // fiber->user()
  const void* fault_address = nullptr;
  size_t reserved_bytes = 0;  // the fiber's stack reservation
};

// The handler runs ON THE SIGNAL STACK inside a SIGSEGV handler: keep it short; it should not
// return (call _exit). Writing a report with write(2) and flushing a trace file are fine in
// practice since the faulting thread is stopped at a well-defined point of user code.
using StackOverflowHandler = void (*)(const StackOverflowInfo& info);

// set_stack_overflow_handler registers the process-wide handler (nullptr = default report) and
// installs the signal handler if not done yet. Thread-safe.
void set_stack_overflow_handler(StackOverflowHandler handler);

// install_stack_overflow_detection installs the SIGSEGV/SIGBUS handler (idempotent). Called
// automatically when the first Fiber is created.
void install_stack_overflow_detection();

// prepare_thread_for_fibers gives the calling thread an alternate signal stack (idempotent; freed
// at thread exit). Called automatically on a thread's first fiber switch.
void prepare_thread_for_fibers();

}  // namespace as::fiber
