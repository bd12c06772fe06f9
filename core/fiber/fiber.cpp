// core/fiber/fiber.cpp — symmetric fiber switching on Boost.Context (see fiber.hpp).
//
// The one trick: boost::context::fiber looks asymmetric — resume() hands the *target* the
// caller's continuation (as the return value of the target's own earlier resume(), or as the
// argument of its entry function). The target stores that continuation into the caller's Fiber
// object, so any fiber can later switch back to it directly: symmetric switching with no
// trampoline through a parent. Who the caller was travels in the target's own Fiber object
// (Fiber::switch_in_): the switcher writes it just before the jump and the target reads it first
// thing after, on the same OS thread (a switch never crosses threads, even though a fiber may be
// resumed later on another thread). No thread-local is involved, which matters because every
// thread-local access here is an out-of-line call (see below).
// (resume_with(fn) would do the same in one call, but costs about three plain resumes.)
//
// Every switch, in order:
//   switcher (from)                          target
//   (first switch to target only: take a stack from the pool and build target's context)
//   from.saved_sp = SP; current = target
//   target.switch_in = {from, after, arg}
//   asan start / tsan switch
//   resume() ──────────────────────────────> resumed(): asan finish; from.context = caller;
//                                            after(arg); target continues (its own switch_to
//                                            returns, or its entry function starts)
// A fiber whose entry returned resumes its successor through Boost's exit path (the record and
// stack are freed on the successor's stack); the successor's resume() then returns an empty
// continuation, which resumed() recognises.
//
// TSan keeps a shadow call stack per fiber, fed by the function entry/exit hooks the compiler
// inserts. Any instrumented frame that is entered before __tsan_switch_to_fiber and left after it
// (Boost's inline resume(), this file's helpers, the exit path's frames) would pop the wrong
// fiber's shadow stack and corrupt it. So in TSan builds this one file is compiled WITHOUT TSan
// instrumentation (core/fiber/CMakeLists.txt): it only calls the TSan fiber API. Code it calls —
// the fiber's entry function, after-switch callbacks, the stack pool — is instrumented as usual.
#include "core/fiber/fiber.hpp"

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>

#include "core/fiber/stack_overflow.hpp"

#if defined(ASYNCSCOPE_ASAN) || defined(__SANITIZE_ADDRESS__)
#define AS_FIBER_ASAN 1
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(ASYNCSCOPE_TSAN) || defined(__SANITIZE_THREAD__)
#define AS_FIBER_TSAN 1
#include <sanitizer/tsan_interface.h>
// A macro, not a function: a function's own exit would run after the switch (see do_switch).
#define AS_TSAN_SWITCH_TO(fiber) __tsan_switch_to_fiber((fiber).tsan_fiber_, 0)
#else
#define AS_TSAN_SWITCH_TO(fiber) ((void)0)
#endif

namespace as::fiber {

namespace bctx = boost::context;
static_assert(sizeof(bctx::fiber) == sizeof(void*), "Fiber::context_ holds one boost fiber");

namespace {

// Thread-locals are read through non-inlined functions: a fiber may suspend on one thread and
// resume on another, and the compiler may otherwise keep the old thread's TLS address in a
// register across the switch.
thread_local Fiber* t_current = nullptr;
thread_local std::unique_ptr<Fiber> t_main;

[[gnu::noinline]] Fiber* load_current() {
  asm volatile("" ::: "memory");
  return t_current;
}
[[gnu::noinline]] void store_current(Fiber* f) {
  asm volatile("" ::: "memory");
  t_current = f;
}

// PoolStackAllocator hands Boost a stack we already took from a StackPool and gives it back to
// the pool when Boost destroys the finished fiber's record.
struct PoolStackAllocator {
  StackPool* pool;
  Stack stack;

  bctx::stack_context allocate() {
    bctx::stack_context sc;
    sc.size = stack.usable_bytes();
    sc.sp = stack.top();
    return sc;
  }
  void deallocate(bctx::stack_context&) noexcept { pool->release(stack); }
};

}  // namespace

namespace detail {
// running_fiber is the fiber running on this thread, for the SIGSEGV handler (no allocation).
const Fiber* running_fiber() {
  return load_current();
}
}  // namespace detail

// FiberAccess — the switch machinery, with access to Fiber's private state.
struct FiberAccess {
  static bctx::fiber& context(Fiber& f) {
    return *std::launder(reinterpret_cast<bctx::fiber*>(f.context_));
  }

  // start_switch announces the switch to ASan. `from` is null when the current fiber is finishing
  // for good (ASan then frees its fake stack). TSan is told separately, by AS_TSAN_SWITCH_TO.
  static void start_switch([[maybe_unused]] Fiber* from, [[maybe_unused]] Fiber& to) {
#ifdef AS_FIBER_ASAN
    __sanitizer_start_switch_fiber(from ? &from->asan_fake_stack_ : nullptr, to.asan_stack_bottom_,
                                   to.asan_stack_size_);
#endif
  }

  // finish_switch completes the switch on the new stack. If we came from a main fiber, learn its
  // stack bounds (ASan reports them here), so that switching back can announce them.
  static void finish_switch([[maybe_unused]] Fiber& to, [[maybe_unused]] Fiber* from) {
#ifdef AS_FIBER_ASAN
    const void* old_bottom = nullptr;
    size_t old_size = 0;
    __sanitizer_finish_switch_fiber(to.asan_fake_stack_, &old_bottom, &old_size);
    if (from && from->main_) {
      from->asan_stack_bottom_ = old_bottom;
      from->asan_stack_size_ = old_size;
    }
#endif
  }

  // resumed runs first thing on the fiber `self` that was just switched to. `caller` is the
  // switcher's continuation (empty when the switcher was a finishing fiber).
  static void resumed(Fiber& self, bctx::fiber&& caller) {
    const Fiber::SwitchIn rec = self.switch_in_;
    finish_switch(self, rec.from_finished ? nullptr : rec.from);
    if (!rec.from_finished) context(*rec.from) = std::move(caller);
    if (rec.after) rec.after(rec.arg);
  }

  // create_context gives a Created fiber its stack and its Boost context, on the first switch to
  // it: a fiber that has not run holds no stack (a spawn storm whose goroutines run one after
  // another then reuses one warm stack instead of first-touching a fresh one per goroutine).
  static void create_context(Fiber& f) {
    f.stack_ = f.pool_->acquire();
    try {
      context(f) = bctx::fiber(
          std::allocator_arg, PoolStackAllocator{f.pool_, f.stack_},
          [&f](bctx::fiber&& caller) { return FiberAccess::entry(f, std::move(caller)); });
    } catch (...) {
      f.pool_->release(f.stack_);
      f.stack_ = Stack{};
      throw;
    }
    f.asan_stack_bottom_ = f.stack_.limit();
    f.asan_stack_size_ = f.stack_.usable_bytes();
  }

  static void do_switch(Fiber& target, Fiber::AfterSwitch after, void* arg) {
    // A misuse here would resume a dead or running context (Running includes the current fiber):
    // report it instead of crashing.
    if (target.state_ == Fiber::State::Running || target.state_ == Fiber::State::Finished)
        [[unlikely]] {
      throw std::logic_error("Fiber::switch_to: target '" + target.name_ + "' is " +
                             (target.state_ == Fiber::State::Running ? "running" : "finished"));
    }
    Fiber* from = load_current();
    if (from == nullptr) [[unlikely]]
      from = &Fiber::current();  // the thread's first switch: make its main fiber
    if (target.state_ == Fiber::State::Created && !target.main_) create_context(target);
    from->saved_sp_ = __builtin_frame_address(0);
    from->state_ = Fiber::State::Suspended;
    target.resumed_by_ = from;
    target.state_ = Fiber::State::Running;
    target.switch_in_ = {from, after, arg, false};
    store_current(&target);
    start_switch(from, target);
    AS_TSAN_SWITCH_TO(target);  // last thing before the jump (see "TSan" at the top)
    bctx::fiber caller = std::move(context(target)).resume();
    // Resumed, maybe on another OS thread. `from` is this fiber again.
    resumed(*from, std::move(caller));
    if (from->unwind_requested_) [[unlikely]]
      throw FiberUnwind{};
  }

  // entry runs on the fiber's own stack; `caller` is the continuation of the first switcher.
  static bctx::fiber entry(Fiber& self, bctx::fiber&& caller) {
    resumed(self, std::move(caller));
    prepare_thread_for_fibers();
    if (!self.unwind_requested_) {
      try {
        self.entry_();
      } catch (const FiberUnwind&) {
        // destroyed while suspended: the stack is unwound, nothing to report
      } catch (...) {
        self.exception_ = std::current_exception();
      }
    }
    self.entry_ = nullptr;  // destroy captured state while its owner still runs
    // An unwinding fiber goes back to its destroyer; otherwise to return_to (or its resumer).
    Fiber* next = (!self.unwind_requested_ && self.return_to_) ? self.return_to_ : self.resumed_by_;
    if (next == nullptr || next == &self || next->state_ == Fiber::State::Running ||
        next->state_ == Fiber::State::Finished) {
      // Nowhere to go: a bug in the caller (return_to is finished or running elsewhere). There is
      // no stack to throw on once the entry function has returned, so say so and stop.
      std::fprintf(stderr, "fatal error: fiber '%s' finished with no fiber to return to\n",
                   self.name_.c_str());
      std::abort();
    }
    self.state_ = Fiber::State::Finished;
    self.stack_ = Stack{};  // Boost frees the record and hands the stack back to the pool
    // next->resumed_by_ is left alone: a finished fiber can never be returned to.
    next->state_ = Fiber::State::Running;
    next->switch_in_ = {&self, nullptr, nullptr, true};
    store_current(next);
    start_switch(nullptr, *next);
    AS_TSAN_SWITCH_TO(*next);
    return std::move(context(*next));
  }
};

Fiber::Fiber(MainTag) : state_(State::Running), main_(true) {
  new (context_) bctx::fiber();
  name_ = "main";
#ifdef AS_FIBER_TSAN
  tsan_fiber_ = __tsan_get_current_fiber();
#endif
}

Fiber::Fiber(StackPool& pool, Entry entry, std::string name, uint64_t tag)
    : pool_(&pool), entry_(std::move(entry)), name_(std::move(name)), tag_(tag) {
  install_stack_overflow_detection();
  new (context_) bctx::fiber();  // empty: the stack and context come with the first switch
#ifdef AS_FIBER_TSAN
  tsan_fiber_ = __tsan_create_fiber(0);
  __tsan_set_fiber_name(tsan_fiber_, name_.c_str());
#endif
}

Fiber::~Fiber() {
  if (!main_) {
    assert(state_ != State::Running && "a running fiber cannot be destroyed");
    if (state_ == State::Suspended) {
      // Unwind: run the fiber once more; it throws FiberUnwind from its switch point and comes
      // back here when finished. (A Created fiber never ran: it has no stack and no context.)
      unwind_requested_ = true;
      set_return_to(nullptr);
      switch_to(*this);
    }
#ifdef AS_FIBER_TSAN
    __tsan_destroy_fiber(tsan_fiber_);
#endif
  }
  FiberAccess::context(*this).~fiber();
}

Fiber& Fiber::current() {
  Fiber* f = load_current();
  if (f) return *f;
  prepare_thread_for_fibers();
  t_main.reset(new Fiber(MainTag{}));
  store_current(t_main.get());
  return *t_main;
}

void Fiber::switch_to(Fiber& target) {
  FiberAccess::do_switch(target, nullptr, nullptr);
}

void Fiber::switch_to(Fiber& target, AfterSwitch after, void* arg) {
  FiberAccess::do_switch(target, after, arg);
}

size_t Fiber::used_bytes() const {
  if (!stack_.valid()) return 0;
  const char* sp = static_cast<const char*>(saved_sp_);
  if (state_ == State::Running && load_current() == this) {
    sp = static_cast<const char*>(__builtin_frame_address(0));
  }
  if (state_ == State::Created || sp == nullptr || !stack_.contains(sp)) return 0;
  return static_cast<size_t>(stack_.top() - sp);
}

size_t Fiber::shrink_stack() {
  if (!stack_.valid() || state_ == State::Running || state_ == State::Finished) return 0;
  // Keep the live frames, the registers Boost saved below the SP and the red zone: 8 KiB margin.
  constexpr size_t kMargin = 8 * 1024;
  const char* keep = state_ == State::Created ? stack_.top() - kMargin
                                              : static_cast<const char*>(saved_sp_) - kMargin;
  return stack_.release_below(keep);
}

}  // namespace as::fiber
