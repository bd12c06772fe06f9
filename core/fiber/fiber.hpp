// core/fiber/fiber.hpp — a fiber: a function running on its own stack, switched to explicitly.
//
// Owns: symmetric context switching. This folder is the ONLY code that includes Boost.Context
// (fiber.cpp); this header keeps it out of everyone else's includes.
//
// Model
//   - Every OS thread has an implicit MAIN fiber: its own stack. Fiber::current() is the fiber
//     running on the calling thread (the main fiber until the thread switches to another one).
//   - Switching is SYMMETRIC: switch_to(target) suspends whatever fiber is running and resumes
//     `target`, from any fiber to any other. There is no hidden parent: a goroutine's fiber running
//     on a simulated worker can switch straight to the simulator loop and back. (The resumed fiber
//     stores the continuation Boost hands it into the switcher's Fiber; see fiber.cpp.)
//   - A fiber is Created (never run), Running, Suspended, or Finished. It takes its stack from the
//     StackPool on the first switch to it, not at construction: a Created fiber holds no stack,
//     so 100k spawned-but-not-yet-run goroutines cost no stack memory, and goroutines that run one
//     after another reuse the same warm stack (LIFO pool). When its entry function returns,
//     control switches to return_to() — by default the fiber that most recently switched to it —
//     and its stack goes back to the StackPool at once.
//   - An exception escaping the entry function is caught at the fiber boundary and kept in
//     exception(); it never terminates the process. Exceptions thrown and caught inside a fiber
//     behave normally.
//   - Destroying a Suspended (started, unfinished) fiber UNWINDS it first: the destructor switches
//     into it, a FiberUnwind exception is thrown from its switch point so destructors of its
//     frames run, and control comes back to the destroyer. Code running in fibers that uses
//     catch (...) must rethrow FiberUnwind (and platform::RunCancelled). Destroying a Created
//     fiber runs nothing (it has no stack yet). The destructor must not run on the fiber itself.
//   - A suspended non-main fiber may be resumed from any thread (runtimes migrate tasks between
//     workers). A main fiber belongs to its thread and must only be resumed there.
//
// Sanitizers: under ASan every switch is announced with __sanitizer_start_switch_fiber /
// __sanitizer_finish_switch_fiber; under TSan each fiber has a TSan fiber (__tsan_create_fiber,
// __tsan_switch_to_fiber, __tsan_destroy_fiber). Without this their reports are noise.
//
// Thread safety: a Fiber is driven by one thread at a time; the runtime must ensure a fiber is not
// resumed twice concurrently (e.g. by two workers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "core/fiber/stack.hpp"

namespace as::fiber {

// FiberUnwind is thrown inside a suspended fiber that is being destroyed (see the file comment).
struct FiberUnwind {};

class Fiber {
 public:
  using Entry = std::function<void()>;
  enum class State : uint8_t { Created, Running, Suspended, Finished };

  // Fiber creates a fiber that will run entry() on a stack from pool (the pool must outlive the
  // fiber's run). It does not start running until someone switches to it. name/tag/user are for
  // the runtime and for stack-overflow reports (e.g. name "goroutine 7", tag 7).
  Fiber(StackPool& pool, Entry entry, std::string name = {}, uint64_t tag = 0);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // current returns the fiber running on the calling thread (its main fiber if no other).
  static Fiber& current();
  // switch_to suspends the current fiber and runs target until someone switches back. target must
  // not be Running (that includes the current fiber) or Finished: std::logic_error otherwise.
  // The first switch to a fiber takes its stack from the pool (std::bad_alloc if mmap fails).
  // Throws FiberUnwind if the current fiber is being destroyed while suspended here.
  static void switch_to(Fiber& target);
  // switch_to(target, after, arg) additionally calls after(arg) once the current fiber is fully
  // suspended (its context saved), running on target's stack before target continues. This is
  // Go's mcall(park_m): publish "this task may now be resumed" (unlock, push to a run queue) only
  // from `after`, otherwise another thread could resume a fiber whose context is not saved yet.
  using AfterSwitch = void (*)(void* arg);
  static void switch_to(Fiber& target, AfterSwitch after, void* arg);

  State state() const { return state_; }
  bool finished() const { return state_ == State::Finished; }
  bool is_main() const { return main_; }
  // exception is what escaped the entry function (null if it returned normally or still runs).
  std::exception_ptr exception() const { return exception_; }

  // return_to is where control goes when the entry function returns (nullptr = the fiber that
  // most recently switched to this one).
  void set_return_to(Fiber* fiber) { return_to_ = fiber; }
  Fiber* return_to() const { return return_to_; }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  uint64_t tag() const { return tag_; }
  void set_tag(uint64_t tag) { tag_ = tag; }
  void* user() const { return user_; }
  void set_user(void* user) { user_ = user; }

  // ---- stack measurement (0 for main fibers unless noted) ---------------------------------------
  // stack is the fiber's stack (invalid for main fibers, before the first switch, once Finished).
  const Stack& stack() const { return stack_; }
  // used_bytes is the depth at the last switch-out (Suspended) or now (Running, when called on
  // the current fiber): stack top minus stack pointer.
  size_t used_bytes() const;
  size_t committed_bytes() const { return stack_.valid() ? stack_.committed_bytes() : 0; }
  size_t high_water_bytes() const { return stack_.valid() ? stack_.high_water_bytes() : 0; }
  size_t reserved_bytes() const { return stack_.valid() ? stack_.reserved_bytes() : 0; }
  // committed_sample / set_committed_sample: the stack's carried committed figure (Stack).
  size_t committed_sample() const { return stack_.valid() ? stack_.committed_sample() : 0; }
  void set_committed_sample(size_t bytes) {
    if (stack_.valid()) stack_.set_committed_sample(bytes);
  }
  // shrink_stack gives back the pages below the suspended fiber's stack pointer (keeping a small
  // margin), like Go shrinking the stack of a goroutine at GC. Returns bytes released. Only for a
  // Suspended or Created fiber.
  size_t shrink_stack();

 private:
  struct MainTag {};
  explicit Fiber(MainTag);
  friend struct FiberAccess;  // fiber.cpp internals

  // Boost's continuation of this fiber while it is not running, kept opaque so this header does
  // not include Boost (a boost::context::fiber is exactly one pointer; checked in fiber.cpp).
  alignas(void*) unsigned char context_[sizeof(void*)];

  StackPool* pool_ = nullptr;
  Stack stack_;
  Entry entry_;
  std::string name_;
  uint64_t tag_ = 0;
  void* user_ = nullptr;
  State state_ = State::Created;
  bool main_ = false;
  bool unwind_requested_ = false;
  Fiber* return_to_ = nullptr;
  Fiber* resumed_by_ = nullptr;  // who switched to us most recently
  // What the fiber that switches to us tells us (written by the switcher right before the jump,
  // read by us right after it, on the same thread; see fiber.cpp).
  struct SwitchIn {
    Fiber* from = nullptr;
    AfterSwitch after = nullptr;
    void* arg = nullptr;
    bool from_finished = false;  // `from` returned from its entry (Boost's exit path)
  };
  SwitchIn switch_in_;
  std::exception_ptr exception_;
  const void* saved_sp_ = nullptr;  // approximate SP at the last switch-out

  // Sanitizer bookkeeping (unused unless built with ASan/TSan).
  void* asan_fake_stack_ = nullptr;
  const void* asan_stack_bottom_ = nullptr;
  size_t asan_stack_size_ = 0;
  void* tsan_fiber_ = nullptr;
};

}  // namespace as::fiber
