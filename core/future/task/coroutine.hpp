// core/future/task/coroutine.hpp — Task<T>: a lazy C++20 coroutine that is a Future.
//
// Owns: the promise type, `co_await` on any Future / on another Task / on a Result (`?`), the
// frame allocation hook (FrameAlloc/FrameFree: the frame is the future's "stack"), and the
// trampoline that keeps deep await chains off the machine stack.
//
// How a Task is polled. A chain of coroutines awaiting each other (root → child → grandchild...)
// is driven by the *root* Task's poll, which owns a CoroChain: the innermost suspended coroutine
// and, when that coroutine waits on a hand-written leaf future, a type-erased pointer to poll the
// leaf.
//   poll(cx):  if a leaf is pending: poll it with cx; Pending → return Pending;
//              loop { resume the innermost coroutine; root finished → Ready;
//                     a leaf said Pending → Pending; else (trampoline bounce) → loop }
// So only leaf futures ever return Pending; coroutines are resumed only once their leaf is Ready,
// which is exactly how rustc's generated state machines poll their inner futures.
//
// Invariants:
//   - lazy: creating a Task runs nothing (initial_suspend is suspend_always);
//   - a Task must not be moved after its first poll (Rust's Pin), nor polled after Ready;
//   - destroying a Task destroys every frame of its chain exactly once, innermost first
//   (iteratively,
//     so a cancelled 1,000,000-deep chain does not recurse); a leaf future pending in the innermost
//     frame is destroyed with it — that is cancellation at an await point;
//   - at most kMaxSymmetricHops control transfers between coroutines happen inside one resume():
//     a transfer (await a child / a child finishing) uses symmetric transfer while below the bound,
//     then bounces back to the root loop (the trampoline), which resumes the innermost coroutine
//     from a fresh, shallow stack. g++ turns symmetric transfer into a tail call only when
//     optimising; the bound makes 1,000,000 chained awaits safe at -O0 too.
// Compiler bug to know (g++ 12.2): when a coroutine is destroyed while suspended in
// `co_await Agg{...}` — an aggregate-initialised temporary as the operand — g++ runs that
// temporary's destructor twice (once on a stale copy). Futures returned by functions or built with
// a constructor are not affected; every API here returns them that way. Hand-written leaf futures
// that own resources should have a constructor (see scenarios/future/lost_waker.cpp).
// Frame diet (every coroutine frame carries a promise; a parked task is mostly frames):
//   - the promise is one word (the parent, tagged) plus the result: no handle to itself (g++
//     and clang place the promise right after the frame's two function pointers, so the frame
//     address is computed — checked in every promise constructor), no owner slot for a chain
//     teardown to null (Task::destroy tells the awaiter instead), no exception slot (a thread
//     has at most one exception in flight: the one a finished coroutine hands to its awaiter, or
//     a leaf re-poll's; it is handed over inside one poll of the chain, so it waits on that
//     poll's stack, ChainCursor::exception), no size field (a root frame — one nobody awaits yet —
//     keeps its size in its parent word: only spawn reads it, before anything awaits it);
//   - the `?` hook of a Result coroutine is a field of Result promises only (a tag bit in the
//     parent word says the promise has one);
//   - the Context and the hop count of the poll in progress are per thread (ChainCursor), not
//     per task;
//   - a parked task's Task is its chain alone: three pointers. The chain's innermost coroutine
//     is the root until the first poll and again once the root finished; while a leaf is pending
//     the root is found from the innermost by its parent links (only a cancellation needs it).
//     "Started" is a non-null `leaf` (set by the first suspension, never cleared), "done" a
//     marker in `leaf`;
//   - a leaf awaiter whose output is an empty type (Unit) stores nothing but the future.
// Why: cppcoro/folly use symmetric transfer alone; that is only stack-safe when the compiler
// guarantees the tail call. Tokio has no such problem because rustc compiles async fns into one
// flat state machine; the trampoline gives the same property to C++ coroutines.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/future/future.hpp"
#include "core/future/result.hpp"
#include "core/future/task/current.hpp"
#include "core/future/task/task_memory.hpp"

namespace as::future {

template <class T = void>
class Task;

// A Task's poll re-polls the leaf its innermost coroutine waits on before resuming any coroutine.
template <class T>
inline constexpr bool polls_leaf_first_v<Task<T>> = true;

namespace detail {

struct PromiseBase;

// CoroChain is the root's view of a running chain of coroutines (see the file comment). It lives
// in the root Task, so a spawned task carries one.
inline char kChainDone;  // CoroChain::leaf of a chain whose root finished (its address)

struct CoroChain {
  // The coroutine to resume next: the root until the first poll and once the root finished (the
  // chain owns the root's frame through it); null for an empty Task.
  PromiseBase* innermost = nullptr;
  bool (*poll_leaf)(void* awaiter, Context&) = nullptr;  // non-null: a leaf future is pending
  // The pending leaf's awaiter (stale once it was Ready); &kChainDone once the root finished (or
  // returned via ?); null until the first suspension. Between polls, non-null = polled: a poll
  // returns only with a leaf pending or the root done. (After the first poll the Task may not move.)
  void* leaf = nullptr;

  bool started() const { return leaf != nullptr; }
  bool done() const { return leaf == &kChainDone; }
  void set_done() { leaf = &kChainDone; }
};

// ChainCursor is what the poll in progress on this thread needs: its chain, its Context and the
// transfers since the root loop last resumed (per poll, so not stored in every task).
struct ChainCursor {
  CoroChain* chain = nullptr;
  Context* cx = nullptr;
  // The exception in flight: thrown out of a coroutine (its awaiter rethrows it in the parent,
  // or the root's poll does) or by a leaf's re-poll (rethrown in the awaiting coroutine). Set and
  // taken within one poll of the chain — only this file's machinery runs in between — so it
  // lives on the stack of the root's poll, and no task carries a slot.
  std::exception_ptr* exception = nullptr;
  int hops = 0;
};

inline constexpr int kMaxSymmetricHops = 64;
// The chain whose root loop is running on this thread (leaf awaiters poll with its Context).
// A coroutine runs only inside its root's poll loop, so this is also every running coroutine's
// chain: promises do not store it.
inline thread_local ChainCursor tl_run;
// Size of the frame most recently allocated on this thread (read by Task's constructor).
inline thread_local uint32_t tl_last_frame_bytes = 0;
// in_flight is the running chain's exception slot (ChainCursor::exception).
inline std::exception_ptr& in_flight() {
  return *tl_run.exception;
}

// A traced frame allocation's FrameAlloc is held back (one per thread) until the frame is first
// used: spawned — then the TaskCreate right after it takes its time (one clock read for the pair:
// every spawn allocates a frame right before) — awaited, polled, or until the next frame
// allocation or free, a platform call or the end of the poll, whichever comes first
// (flush_held_frame_alloc; the event is stamped then). So a FrameAlloc never leaves the poll
// that allocated the frame, and in the usual `spawn(f())` / `co_await f()` it keeps its place.
struct HeldFrameAlloc {
  trace::Recorder* rec = nullptr;  // null: nothing held
  trace::TaskId task = 0;
  trace::WorkerId worker = trace::kNoWorker;
  uint32_t bytes = 0;
};
inline thread_local HeldFrameAlloc tl_held_frame_alloc;
void trace_frame_alloc(size_t bytes);  // task/coroutine.cpp
void trace_frame_free(size_t bytes);
void flush_frame_alloc();  // writes the held FrameAlloc (one is held)
inline void flush_held_frame_alloc() {
  if (tl_held_frame_alloc.rec != nullptr) [[unlikely]]
    flush_frame_alloc();
}
// Set (to its recorder) by the executor while it drops a finished task's future right after
// that task's PollEnd, on real threads: the frame frees are follow-ons of the PollEnd and take
// its time (as the completion's TaskStop and TaskDestroy do) instead of reading the clock.
inline thread_local trace::Recorder* tl_frame_free_same_time = nullptr;

// The promise's offset in its frame (g++ and clang: after the resume and destroy pointers, for
// a promise aligned to at most 16 bytes; Task static_asserts the alignment).
inline constexpr std::ptrdiff_t kPromiseOffset = 2 * sizeof(void*);

using PropagateFn = bool (*)(PromiseBase* self, PromiseBase* parent);

// While Task::destroy tears a cancelled chain down (innermost first), the frame it destroyed
// last: the TaskAwaiter suspended in the frame being destroyed now owns that frame and must not
// destroy it again. (No per-promise "owner slot" to null: one word less in every frame.)
inline thread_local void* tl_destroyed_child = nullptr;

struct PromiseBase {
  // One word: the coroutine awaiting this one (its address; bit 0 = kHasPropagate, set in a
  // PropagatingPromise, Result coroutines). A root — nobody awaits it (yet) — has kRoot set and
  // keeps its frame's size above the tag bits instead: spawn, the one reader of the size, takes a
  // Task nobody awaits, and awaiting it replaces the word with the parent.
  std::uintptr_t link = kRoot;
  static constexpr std::uintptr_t kHasPropagate = 1;
  static constexpr std::uintptr_t kRoot = 2;
  static constexpr int kSizeShift = 2;

  // parent is the coroutine awaiting this one (null for a root).
  PromiseBase* parent() const {
    return link & kRoot ? nullptr : reinterpret_cast<PromiseBase*>(link & ~kHasPropagate);
  }
  void set_parent(PromiseBase* p) {
    link = reinterpret_cast<std::uintptr_t>(p) | (link & kHasPropagate);
  }
  uint32_t root_frame_bytes() const {
    return link & kRoot ? static_cast<uint32_t>(link >> kSizeShift) : 0;
  }

  // handle is this coroutine (its frame starts kPromiseOffset bytes before the promise).
  std::coroutine_handle<> handle() {
    return std::coroutine_handle<>::from_address(reinterpret_cast<char*>(this) - kPromiseOffset);
  }

  // Frames come from the task allocator (task_memory.hpp): no malloc header, no lock. Untraced,
  // a frame's allocation and free are the allocator's inline fast paths and one test.
  // A frame gets a block in 8-byte steps (allocate_packed), not 16: operator new is not told the
  // frame's alignment (C++20), but n is the size of the frame's type, and a type's size is a
  // multiple of its alignment. So a frame of an odd multiple of 8 bytes needs no more than 8-byte
  // alignment, and gets it; any other size is served from an even class, whose blocks are all
  // 16-aligned (task_memory.hpp) — as aligned as ::operator new(n) would give. A parked task's
  // frame of 136 bytes then takes 136, not 144 (tests/future/frame_memory_test.cpp).
  static void* operator new(std::size_t n) {
    void* p = memory::allocate_packed(n);
    tl_last_frame_bytes = static_cast<uint32_t>(n);
    if (tl_current.recorder) trace_frame_alloc(n);
    return p;
  }
  static void operator delete(void* p, std::size_t n) {
    if (tl_current.recorder) trace_frame_free(n);
    memory::deallocate_packed(p, n);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }
  void unhandled_exception() { in_flight() = std::current_exception(); }

  // transfer_to continues with `next` — by symmetric transfer while under the hop bound,
  // otherwise by returning to the root loop (which resumes chain->innermost).
  static std::coroutine_handle<> transfer_to(PromiseBase* next) {
    tl_run.chain->innermost = next;
    if (++tl_run.hops < kMaxSymmetricHops) return next->handle();
    return std::noop_coroutine();
  }

  // finish: this coroutine has its result (normal end or `?`): hand control to the parent.
  std::coroutine_handle<> finish() noexcept;
  std::coroutine_handle<> finish_propagating() noexcept;

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      return h.promise().finish();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
};

// PropagatingPromise: a Result coroutine's promise. A propagating await (`?` on a Task<Result>)
// sets `propagate`: it moves our Err into the parent's result and returns true, in which case the
// parent finishes instead of resuming.
struct PropagatingPromise : PromiseBase {
  PropagatingPromise() { link |= kHasPropagate; }
  PropagateFn propagate = nullptr;
};

inline std::coroutine_handle<> PromiseBase::finish() noexcept {
  if (link & kRoot) {
    tl_run.chain->innermost = this;  // the chain points at its root again (a `?` may skip frames)
    tl_run.chain->set_done();
    return std::noop_coroutine();
  }
  if (link & kHasPropagate) [[unlikely]]
    return finish_propagating();
  return transfer_to(reinterpret_cast<PromiseBase*>(link));  // no tag bits: the parent itself
}

// finish_propagating is finish() for a Result coroutine: an Err it returns to a propagating
// awaiter (`?`) finishes the parent too. Out of line: the common finish stays small.
[[gnu::noinline]] inline std::coroutine_handle<> PromiseBase::finish_propagating() noexcept {
  auto* const parent = reinterpret_cast<PromiseBase*>(link & ~kHasPropagate);
  PropagateFn fn = static_cast<PropagatingPromise*>(this)->propagate;
  if (fn && !in_flight() && fn(this, parent)) return parent->finish();
  return transfer_to(parent);
}

// destroy_below_root destroys a cancelled chain from its innermost frame up to (not including)
// the root — the first frame without a parent; each frame's suspended TaskAwaiter sees that its
// child is gone (tl_destroyed_child). Returns the root, and in *last the last frame destroyed (the
// root's child; null if the root is the innermost).
[[gnu::noinline]] inline PromiseBase* destroy_below_root(PromiseBase* p, void** last) {
  void* destroyed = nullptr;
  while (PromiseBase* parent = p->parent()) {
    tl_destroyed_child = destroyed;
    destroyed = p->handle().address();
    p->handle().destroy();
    p = parent;
  }
  *last = destroyed;
  return p;
}

// Result storage: return_value for T, return_void for void; Result coroutines can propagate.
template <class T>
struct PromiseValue : std::conditional_t<IsResult<T>::value, PropagatingPromise, PromiseBase> {
  std::optional<T> value;
  template <class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  OutputOf<T> take() { return std::move(*value); }
};
template <>
struct PromiseValue<void> : PromiseBase {
  void return_void() {}
  Unit take() { return {}; }
};
// An empty result (Unit, a tag type) is not stored: the promise stays one word, as for void. A
// `co_return Unit{}` coroutine — a task that only waits, the common spawned kind — then carries no
// optional in its frame (its engaged flag alone would cost a padded word).
template <class T>
requires(std::is_empty_v<T> && std::is_trivially_destructible_v<T> &&
         std::is_default_constructible_v<T> && !IsResult<T>::value)
struct PromiseValue<T> : PromiseBase {
  template <class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& v) { (void)static_cast<T>(std::forward<U>(v)); }
  OutputOf<T> take() { return T{}; }
};

// LeafAwaiter: `co_await future` for a hand-written Future. Polls once in await_ready (most
// leaves are ready at once: no suspension at all), otherwise registers itself as the chain's
// pending leaf; the root loop re-polls it and resumes this coroutine only when it is Ready.
// A re-poll that throws leaves `out` empty and parks the exception in in_flight() (the one slot
// for an exception in flight), so the awaiter — which sits in every parked frame — carries no
// exception slot of its own.
// LeafOut holds a leaf's output until await_resume: an optional; a small output's flat members
// (poll.hpp FlatRepr: no union, so g++ copies it member by member instead of one wide load of
// narrow stores — a store-forwarding stall on every ready send or recv); or nothing at all for
// an empty output type (Unit) — the awaiter of a parked `co_await notified` is then the future
// alone.
template <class Out, bool kStateless = std::is_empty_v<Out>&& std::is_trivially_destructible_v<Out>,
          bool kFlat = FlatRepr<Out>::kFlat>
struct LeafOut {
  std::optional<Out> v;
  void set(Out&& o) { v.emplace(std::move(o)); }
  Out take() { return std::move(*v); }
};
template <class Out>
struct LeafOut<Out, false, true> {
  FlatRepr<Out> v;
  void set(Out&& o) { v = FlatRepr<Out>::of(std::move(o)); }
  Out take() { return v.get(); }
};
template <class Out, bool kFlat>
struct LeafOut<Out, true, kFlat> {
  void set(Out&&) {}
  Out take() { return Out{}; }
};

// LeafFuture is how the awaiter holds its future: the future itself for an rvalue; for an lvalue
// (`auto waiting = n.notified(); ... co_await waiting;`) a pointer stored unaligned (packed:
// alignment 1). g++ lays a frame out in source order, and an awaiter follows the 1-byte result of
// its await_resume (a Unit): an 8-aligned awaiter would leave 7 bytes of padding in every parked
// frame. (An x86-64 or AArch64 unaligned load costs the same as an aligned one.)
template <class F>
struct LeafFuture {
  F f;
  F& get() { return f; }
};
template <class T>
struct [[gnu::packed]] LeafFuture<T&> {
  LeafFuture(T& t) : p(std::addressof(t)) {}  // NOLINT: implicit, as the reference it replaces
  T* p;
  T& get() const { return *p; }
};

template <class F>
struct LeafAwaiter {
  using Out = FutureOutput<std::remove_reference_t<F>>;
  LeafFuture<F> fut;  // a pointer for lvalue futures, the future itself for rvalues
  [[no_unique_address]] LeafOut<Out> out;  // set by the Ready poll (unless it threw)

  bool await_ready() {
    Poll<Out> p = fut.get().poll(*tl_run.cx);
    if (p.is_pending()) return false;
    out.set(p.take());
    return true;
  }
  static bool poll_leaf(void* self, Context& cx) {
    auto* a = static_cast<LeafAwaiter*>(self);
    // Re-polled first thing in its task's poll (see Task::poll): the future itself is the leaf.
    if (tl_current.fresh_leaf == self) [[unlikely]]
      tl_current.fresh_leaf = std::addressof(a->fut.get());
    try {
      Poll<Out> p = a->fut.get().poll(cx);
      if (p.is_pending()) return false;
      a->out.set(p.take());
    } catch (...) {
      // rethrown inside the awaiting coroutine by await_resume
      in_flight() = std::current_exception();
    }
    return true;
  }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    CoroChain* c = tl_run.chain;
    c->innermost = &h.promise();
    c->leaf = this;
    c->poll_leaf = &poll_leaf;
  }
  Out await_resume() {
    // An exception in flight here is this leaf's re-poll's: a child's is taken by its awaiter.
    if (std::exception_ptr& e = in_flight()) std::rethrow_exception(std::exchange(e, nullptr));
    return out.take();
  }
};

// TaskAwaiter: `co_await task` — the child joins the parent's chain.
template <class U>
struct TaskAwaiter {
  void* frame;  // the child's frame, owned here (already destroyed if tl_destroyed_child)
  explicit TaskAwaiter(void* f) : frame(f) {}
  TaskAwaiter(TaskAwaiter&& o) noexcept : frame(std::exchange(o.frame, nullptr)) {}
  TaskAwaiter(const TaskAwaiter&) = delete;
  ~TaskAwaiter() {
    if (frame && frame != tl_destroyed_child)
      std::coroutine_handle<>::from_address(frame).destroy();
  }
  auto& child() {
    return std::coroutine_handle<typename Task<U>::promise_type>::from_address(frame).promise();
  }
  bool await_ready() { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) {
    auto& cp = child();
    cp.set_parent(&parent.promise());
    return PromiseBase::transfer_to(&cp);
  }
  OutputOf<U> await_resume() {
    auto& cp = child();
    // The child finished by throwing: its exception is the one in flight.
    if (std::exception_ptr& e = in_flight()) std::rethrow_exception(std::exchange(e, nullptr));
    if constexpr (std::is_void_v<U>) {
      return Unit{};
    } else {
      return cp.take();
    }
  }
};

// PropagatingTaskAwaiter: `co_await task` where both the child and the awaiting coroutine return a
// Result — Rust's `task.await?`: Ok(v) resumes the parent with v, Err(e) finishes the parent with
// Err(e) right away (its awaiter receives it).
template <class U, class E, class ParentPromise>
struct PropagatingTaskAwaiter : TaskAwaiter<Result<U, E>> {
  using Base = TaskAwaiter<Result<U, E>>;
  using Base::Base;
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> parent) {
    this->child().propagate = [](PromiseBase* self, PromiseBase* par) -> bool {
      auto* c = static_cast<PromiseValue<Result<U, E>>*>(self);
      if (!c->value || c->value->is_ok()) return false;
      static_cast<ParentPromise*>(par)->return_value(Err<E>{std::move(*c->value).error()});
      return true;
    };
    return Base::await_suspend(parent);
  }
  OutputOf<U> await_resume() { return std::move(Base::await_resume()).value(); }
};

// TryAwaiter: `co_await result` / `co_await try_(result)` inside a coroutine returning a Result.
template <class T, class E>
struct TryAwaiter {
  Result<T, E> r;
  bool await_ready() { return r.is_ok(); }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) {
    auto& p = h.promise();
    p.return_value(Err<E>{std::move(r).error()});
    return p.finish();
  }
  OutputOf<T> await_resume() { return std::move(r).value(); }
};

}  // namespace detail

// Task<T> — see the file comment. Returned by any coroutine function `Task<T> f(...)`.
template <class T>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::PromiseValue<T> {
    promise_type() {
      // The frame layout handle() relies on (see kPromiseOffset): a constant comparison.
      if (std::coroutine_handle<promise_type>::from_promise(*this).address() !=
          static_cast<detail::PromiseBase*>(this)->handle().address())
        std::terminate();
    }
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this).address());
    }

    template <class U>
    auto await_transform(Task<U>&& t) {
      if constexpr (IsResult<OutputOf<T>>::value && IsResult<U>::value) {
        using R = U;
        return detail::PropagatingTaskAwaiter<typename R::Value, typename R::Error, promise_type>(
            t.release());
      } else {
        return detail::TaskAwaiter<U>(t.release());
      }
    }
    template <class U, class E>
    auto await_transform(Result<U, E> r) {
      static_assert(IsResult<OutputOf<T>>::value,
                    "co_await on a Result (the `?` operator) needs a coroutine returning a Result");
      return detail::TryAwaiter<U, E>{std::move(r)};
    }
    template <class U, class E>
    auto await_transform(TryResult<Result<U, E>> r) {
      return await_transform(std::move(r.result));
    }
    template <class F>
    requires Future<std::remove_reference_t<F>>
    auto await_transform(F&& f) { return detail::LeafAwaiter<F>{std::forward<F>(f), {}}; }
  };
  using Output = OutputOf<T>;

  Task() = default;
  Task(Task&& o) noexcept : chain_(std::exchange(o.chain_, detail::CoroChain{})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      destroy();
      chain_ = std::exchange(o.chain_, detail::CoroChain{});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { destroy(); }

  bool valid() const { return chain_.innermost != nullptr; }
  // frame_bytes is the size of this coroutine's frame (its own state machine, children excluded).
  // Known until the Task is first polled or awaited (spawn reads it before either).
  uint32_t frame_bytes() const {
    if (!valid() || chain_.started()) return 0;
    return promise().root_frame_bytes();
  }

  // poll drives the chain (see the file comment). Precondition: not moved since the first poll.
  [[gnu::always_inline]] Poll<Output> poll(Context& cx) {
    detail::CoroChain& c = chain_;  // not started: innermost is the root already
    if (!c.started()) detail::flush_held_frame_alloc();  // first use of the frame (HeldFrameAlloc)
    std::exception_ptr in_flight;  // see ChainCursor::exception
    struct Restore {
      detail::ChainCursor saved;
      ~Restore() { detail::tl_run = saved; }
    } restore{detail::tl_run};
    detail::tl_run = detail::ChainCursor{&c, &cx, &in_flight, 0};
    // The task's PollBegin time, if nothing but the executor ran since (run_task sets it on real
    // threads with tracing on; only the first Task::poll of a task's poll gets it).
    const int64_t poll_ts = tl_current.poll_ts;
    if (poll_ts != 0) [[unlikely]]
      tl_current.poll_ts = 0;
    if (c.poll_leaf) {  // woken: re-poll the leaf the innermost coroutine waits on
      bool ready;
      if (poll_ts != 0) [[unlikely]] {
        // That leaf is polled right after PollBegin: its events may take PollBegin's time (a
        // clock read saved) — it finds itself in fresh_leaf (LeafAwaiter::poll_leaf translates).
        tl_current.fresh_ts = poll_ts;
        tl_current.fresh_leaf = c.leaf;
        ready = c.poll_leaf(c.leaf, cx);
        tl_current.fresh_leaf = nullptr;
      } else {
        ready = c.poll_leaf(c.leaf, cx);
      }
      if (!ready) return pending;
      c.poll_leaf = nullptr;
    }
    while (!c.done()) {
      detail::tl_run.hops = 0;
      c.innermost->handle().resume();
      if (c.poll_leaf) return pending;  // a leaf returned Pending (already polled by await_ready)
      // otherwise the trampoline bounced: resume the innermost coroutine from this shallow frame
    }
    if (in_flight) std::rethrow_exception(std::exchange(in_flight, nullptr));
    return Poll<Output>(promise().take());  // done: innermost is the root again
  }

  // release gives up ownership of the frame (used by co_await on a Task).
  void* release() {
    if (chain_.started())
      throw std::logic_error("Task: co_await on a Task that was already polled");
    detail::flush_held_frame_alloc();  // first use of the frame (see HeldFrameAlloc)
    if (!valid()) return nullptr;
    return std::exchange(chain_.innermost, nullptr)->handle().address();
  }

 private:
  // Called from get_return_object, right after operator new recorded the frame's size.
  explicit Task(void* frame) {
    chain_.innermost = &std::coroutine_handle<promise_type>::from_address(frame).promise();
    promise().link |= std::uintptr_t{detail::tl_last_frame_bytes}
                      << detail::PromiseBase::kSizeShift;
  }
  static_assert(static_cast<std::ptrdiff_t>(alignof(promise_type)) <= detail::kPromiseOffset,
                "Task<T>: an over-aligned T would move the promise in the frame (box it)");
  // promise is the root's promise: only while innermost is the root (not started, or done).
  promise_type& promise() const { return static_cast<promise_type&>(*chain_.innermost); }
  void destroy() {
    detail::PromiseBase* root = chain_.innermost;
    if (!root) return;
    chain_.innermost = nullptr;
    void* const outer = detail::tl_destroyed_child;  // a teardown this one runs inside of
    // Cancelled while suspended: the frames below the root go first (out of line: rare).
    void* below = nullptr;
    if (chain_.started() && !chain_.done()) root = detail::destroy_below_root(root, &below);
    if ((below != nullptr) | (outer != nullptr)) detail::tl_destroyed_child = below;
    root->handle().destroy();
    if ((below != nullptr) | (outer != nullptr)) detail::tl_destroyed_child = outer;
  }

  detail::CoroChain chain_;  // owns the root frame (see CoroChain::innermost)
};

}  // namespace as::future
