// core/future/task/raw_task.hpp — a spawned task: header, state word, reference count, task waker.
//
// Owns: the type-erased heap object behind spawn(): its lifecycle state machine and the waker
// vtable that schedules it. Mirrors tokio/src/runtime/task/{core.rs, state.rs, raw.rs, waker.rs}.
//
// State word (one 64-bit atomic, transitions by CAS — see state.rs in Tokio). Like Tokio's, it
// holds the reference count too, so a transition that also takes or drops a reference (a wake that
// queues the task, a poll that ends Pending and drops the queue's reference) is ONE locked
// instruction, not two. Layout: bits 0..7 flags, 8..31 live Waker clones, 32..63 references.
//   RUNNING   a worker is polling it right now (exactly one worker: the one that cleared NOTIFIED)
//   NOTIFIED  it is in a run queue, or will be re-queued by the worker polling it; a wake while
//             NOTIFIED does nothing: that is how "wakes before the poll merge"
//   COMPLETE  the future is gone (finished, panicked or cancelled); output/error waits for the
//   handle CANCELLED abort() was requested; the next run drops the future instead of polling it
//   JOIN_INTEREST a JoinHandle still exists (cleared when it is dropped: detach)
//   JOIN_WAKER    the JoinHandle stored its waker in join_waker (see "The join side" below)
//   OWNED_BY_WORKER set at spawn, never changed: on the owned-task list of executor worker
//             `owner`, else on the shared one (scheduler.hpp)
//   BLOCKING  set at spawn, never changed: a spawn_blocking task (runs on the blocking pool)
// wake(): idle → NOTIFIED + push to the scheduler (taking a reference for the queue, same CAS);
//         RUNNING → NOTIFIED only (the runner re-queues it after poll returns Pending);
//         NOTIFIED / COMPLETE → nothing.
//
// References: one per JoinHandle, one per live Waker clone, one per queue slot, one for the
// scheduler's list of owned tasks (kept until the task completes, so shutdown can find and cancel
// every live task). The last release frees the cell. Waking by value (Waker::wake) hands the
// waker's reference to the run queue instead of taking a new one and dropping the old (tokio
// waker.rs wake_by_val). Locked instructions per message-passing round on one task: the wake's CAS,
// the poll's two CASes (NOTIFIED→RUNNING, RUNNING→idle dropping the queue's reference) and the
// clone the next Pending stores — each a single RMW of this word, as in Tokio. An mpsc channel
// spares the clone: it keeps its receiver's waker and wakes it by reference, the CAS taking the
// queue's reference (notify_untraced / notify_traced and schedule_notified(_traced) below). The
// live Waker count (the lost-waker lint, the WakerClone/WakerDrop counts) rides in the same word: a
// clone or drop changes it in the RMW that changes the reference count, so it costs nothing extra,
// traced or not. A wake by value consumes a waker without a WakerDrop event, so the trace still
// shows the count of the last clone/drop; the re-clone that brings the count back to exactly that
// value (the store-wake-store cycle of every channel or timer wait) is not traced again: the
// trace's count stays right with half the waker events. traced_live is the count the trace shows;
// it is only a filter for that repeat (plain loads and stores: when two threads clone or drop one
// task's wakers at the same moment a repeat may be traced twice or a count shown by the other
// thread's event skipped — every traced count is still the exact live count of its moment).
// Invariants checked by the lifecycle tests: the future is destroyed exactly once (by the worker
// that completes or cancels it, or by shutdown), the output or error is delivered to the JoinHandle
// at most once and dropped otherwise.
//
// The join side (output slot, join waker) needs no lock: the state word says who owns what
// (tokio state.rs: JOIN_WAKER). The output is written before COMPLETE is set and read only after
// COMPLETE is seen; while JOIN_INTEREST is set only the handle reads it, once it is cleared only
// the worker that completes (or the handle's detach, whichever sees the other's transition) drops
// it. join_waker belongs to the handle while JOIN_WAKER is clear (it stores a waker, then sets the
// bit with a CAS that fails once COMPLETE — then it takes the waker back), and to the completing
// worker once its COMPLETE transition saw JOIN_WAKER set (it takes the waker and wakes it). A
// handle polled again while JOIN_WAKER is set first clears the bit (a CAS that fails once
// COMPLETE). So a completion nobody waits for yet is ONE locked instruction: COMPLETE, !RUNNING and
// the references it drops, in one CAS.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include "core/future/future.hpp"
#include "core/future/task/current.hpp"
#include "core/future/task/join_error.hpp"
#include "core/future/task/task_memory.hpp"
#include "core/future/task/waker_slot.hpp"
#include "core/trace/event.hpp"

namespace as::future {

class Scheduler;
struct RawTask;

struct TaskVTable {
  bool (*poll)(RawTask*, Context&);             // polls the future; true = Ready (output stored)
  void (*drop_future)(RawTask*);                // destroys the future (exactly once)
  void (*drop_output)(RawTask*);                // destroys a stored output / panic
  void (*dealloc)(RawTask*);                    // frees the cell (refs reached 0)
  std::exception_ptr* (*panic_slot)(RawTask*);  // where a panic is kept (the future's storage)
};

struct RawTask {
  static constexpr uint64_t kRunning = 1u << 0;
  static constexpr uint64_t kNotified = 1u << 1;
  static constexpr uint64_t kComplete = 1u << 2;
  static constexpr uint64_t kCancelled = 1u << 3;
  static constexpr uint64_t kJoinInterest = 1u << 4;
  static constexpr uint64_t kJoinWaker = 1u << 5;
  // Fixed before the task is shared: it is on its current-thread worker's own owned list.
  static constexpr uint64_t kOwnedByWorker = 1u << 6;
  // Fixed before the task is shared: it runs on the blocking pool (spawn_blocking). A flag, not a
  // field: the header has no byte to spare (its tail padding holds a small output).
  static constexpr uint64_t kBlocking = 1u << 7;
  static constexpr uint64_t kLiveOne = uint64_t{1} << 8;  // one live Waker clone
  static constexpr uint64_t kRefOne = uint64_t{1} << 32;  // one reference
  static constexpr uint64_t kLiveMask = kRefOne - kLiveOne;
  static uint32_t refs_of(uint64_t word) { return static_cast<uint32_t>(word >> 32); }
  static uint32_t live_of(uint64_t word) { return static_cast<uint32_t>((word & kLiveMask) >> 8); }

  RawTask(const TaskVTable* v, Scheduler* s, trace::TaskId task_id)
      : vtable(v), scheduler(s), id(task_id) {}

  // Born queued, with a JoinHandle: references of the handle, the owned list and the queue.
  std::atomic<uint64_t> state{kNotified | kJoinInterest | 3 * kRefOne};
  const TaskVTable* vtable;
  Scheduler* scheduler;
  RawTask* next = nullptr;        // intrusive link: inject queue / run queue (owner: that queue)
  RawTask* owned_prev = nullptr;  // intrusive links of the scheduler's owned-task list
  RawTask* owned_next = nullptr;
  WakerSlot join_waker;  // the awaiting JoinHandle's waker (owner: see JOIN_WAKER; one word)
  trace::TaskId id;
  std::atomic<uint32_t> traced_live{0};  // the live count the last WakerClone/WakerDrop showed
  // Traced runs: the low 32 bits of the time of its latest PollBegin, with bit 0 set (0 = never
  // polled). Written by its runner; read by a wake after the CAS that made the task runnable (see
  // RawTask::wake): 32 bits order two times less than ~2 s apart, and a wrong answer only costs a
  // clock read. It doubles as the "polled" flag, which only tracing needs (the first poll writes
  // TaskStart): a separate bool would push a Unit output out of the header's tail padding.
  std::atomic<uint32_t> poll_begin_lo{0};
  bool polled() const { return poll_begin_lo.load(std::memory_order_relaxed) != 0; }
  // The byte-sized fields come last: the header's tail padding then holds a small output slot
  // (TaskCore<Unit>::output) instead of the cell growing by a word for it.
  // With kOwnedByWorker: the executor worker whose owned-task list holds it (fixed at spawn).
  uint8_t owner = 0;
  // The future threw: the exception is kept in the future's storage (panic_slot), which is dead
  // by then (it is stored after drop_future) — a panic and a live future never coexist, so the
  // cell carries no exception slot of its own. Owned like the output once COMPLETE.
  bool panicked = false;

  // set_panic stores the future's exception; the future must be dropped already (the harness).
  void set_panic(std::exception_ptr e) {
    new (vtable->panic_slot(this)) std::exception_ptr(std::move(e));
    panicked = true;
  }
  const std::exception_ptr& panic() { return *vtable->panic_slot(this); }  // if panicked
  void drop_panic() {
    if (!panicked) return;
    panicked = false;
    std::destroy_at(vtable->panic_slot(this));
  }

  // set_join_waker publishes the waker the handle stored (JOIN_WAKER); false: already COMPLETE.
  bool set_join_waker() {
    uint64_t cur = state.load(std::memory_order_acquire);
    while (!(cur & kComplete)) {
      if (state.compare_exchange_weak(cur, cur | kJoinWaker, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        return true;
    }
    return false;
  }
  // unset_join_waker takes join_waker back for the handle (clears JOIN_WAKER); false: COMPLETE
  // (the completing worker owns the waker then).
  bool unset_join_waker() {
    uint64_t cur = state.load(std::memory_order_acquire);
    while (!(cur & kComplete)) {
      if (state.compare_exchange_weak(cur, cur & ~kJoinWaker, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        return true;
    }
    return false;
  }

  bool blocking() const { return (state.load(std::memory_order_relaxed) & kBlocking) != 0; }

  uint32_t refs() const { return refs_of(state.load(std::memory_order_acquire)); }
  uint32_t live_wakers() const { return live_of(state.load(std::memory_order_acquire)); }
  void add_ref() { state.fetch_add(kRefOne, std::memory_order_relaxed); }
  void release() { release_n(1); }
  // release_n drops n references at once (one locked instruction); frees the cell at zero.
  void release_n(uint32_t n) {
    const uint64_t d = n * kRefOne;
    if (refs_of(state.fetch_sub(d, std::memory_order_acq_rel)) == n) vtable->dealloc(this);
  }
  // release_and_clear drops one reference and clears `flags` (set) in one RMW (JoinHandle).
  // Returns the word before.
  uint64_t release_and_clear(uint64_t flags) {
    const uint64_t prev = state.fetch_sub(kRefOne + flags, std::memory_order_acq_rel);
    if (refs_of(prev) == 1) vtable->dealloc(this);
    return prev;
  }

  // waker makes a new owning Waker for this task (clone; traced).
  Waker waker();
  // wake_by_ref implements the wake transition above (takes a reference for the queue).
  void wake_by_ref() { wake(false); }
  // wake is the transition; `owned`: the caller gives up one reference and one live Waker (a
  // Waker consumed by Waker::wake): the reference becomes the queue's, or is released if no
  // scheduling is needed — in the transition's own RMW.
  void wake(bool owned);
  // wake_caused is Waker::wake for a traced operation that stamped its event (kind, a0, a1 at
  // ts, not written yet) and leaves it to the wake — a channel send that readies its receiver —
  // when `w` is a task waker of the runtime polling on this thread (on one of its workers, `rec`
  // its recorder, ts > 0): the same transition and events as w.wake() under a
  // WakeReasonScope(reason, WakeCause{rec, ts, kind, a0, a1}), without that scope's thread-local
  // round trip, the waker vtable and the general tracing path. When it makes the task runnable,
  // the event is written with the TaskUnblock packed in, encoded inline. Returns true when it
  // consumed w (the event is written then); false: not such a waker (or empty), w is untouched
  // and the event not written.
  static bool wake_caused(Waker& w, trace::Recorder* rec, int64_t ts, trace::EventKind kind,
                          uint64_t a0, uint64_t a1, trace::Reason reason);
  // abort requests cancellation (JoinHandle::abort).
  void abort();

  // A wake split in two, for a Waker that its keeper (an mpsc channel's receiver waker) keeps
  // stored and wakes while holding its lock — so the waiting task's next Pending finds it stored
  // and clones nothing (one atomic RMW less per message). notify_untraced is wake_by_ref's
  // transition alone: kSchedule — the task became runnable, and the same CAS took the queue's
  // reference, which keeps the cell alive until the caller, after unlocking, calls
  // schedule_notified(); kNothing — merged with a pending wake, running (its runner re-queues
  // it) or complete. kUseWake: nothing was done — the runtime traces (see notify_traced) or it
  // is a spawn_blocking task: use wake() (the keeper hands the Waker over as before).
  enum class Notify : uint8_t { kNothing, kSchedule, kUseWake };
  Notify notify_untraced();
  void schedule_notified();
  // The same split for a traced runtime, for an operation that stamped its event (kind, a0, a1
  // at ts, on the lane of the task polling here) and leaves it to the wake, as wake_caused does.
  // notify_traced makes the transition only in the one case whose events are fixed before it
  // happens — an idle task of the runtime polling on this thread becomes runnable (kSchedule);
  // anything else (merged, running, complete, blocking, another thread or runtime) is kUseWake
  // and nothing was done. schedule_notified_traced, after unlocking, writes the cause's event
  // with the TaskUnblock packed in (not stamped at or before the task's latest PollBegin: the
  // check reads poll_begin_lo after the CAS, as RawTask::wake does) and schedules the task. The
  // trace is the one wake_caused writes; the WakerClone/WakerDrop counts too (a waker woken by
  // value and re-cloned to the same live count wrote no event either).
  Notify notify_traced(trace::Recorder* rec, int64_t ts);
  void schedule_notified_traced(trace::Recorder* rec, int64_t ts, trace::EventKind kind,
                                uint64_t a0, uint64_t a1, trace::Reason reason);
};

// TaskCore<Out> is the part of a task the JoinHandle sees: header + output slot.
template <class Out>
struct TaskCore : RawTask {
  using RawTask::RawTask;
  std::optional<Out> output;  // set by the worker on Ready, before COMPLETE (see JOIN_WAKER)
};

// TaskCell<F> is the concrete allocation: header + output slot + the future itself.
template <class F>
struct TaskCell final : TaskCore<FutureOutput<F>> {
  using Out = FutureOutput<F>;

  TaskCell(F&& f, Scheduler* s, trace::TaskId task_id)
      : TaskCore<Out>(&kVTable, s, task_id), future(std::move(f)) {}
  ~TaskCell() { this->drop_panic(); }

  union {
    F future;                        // alive from construction until drop_future
    std::exception_ptr panic_store;  // then, if the future threw (RawTask::set_panic)
  };

  static bool poll_fn(RawTask* t, Context& cx) {
    auto* c = static_cast<TaskCell*>(t);
    // Any other future may run user code before its leaves: they must read the clock.
    if constexpr (!polls_leaf_first_v<F>) tl_current.poll_ts = 0;
    Poll<Out> p = c->future.poll(cx);
    if (p.is_pending()) return false;
    c->output.emplace(p.take());
    return true;
  }
  static void drop_future_fn(RawTask* t) {
    // Any other future may trace after freeing a frame: its FrameFree is written at once.
    if constexpr (!polls_leaf_first_v<F>) detail::tl_held_frame_free.rec = nullptr;
    static_cast<TaskCell*>(t)->future.~F();
  }
  static void drop_output_fn(RawTask* t) {
    auto* c = static_cast<TaskCell*>(t);
    c->output.reset();
    c->drop_panic();
  }
  static void dealloc_fn(RawTask* t) { delete static_cast<TaskCell*>(t); }
  static std::exception_ptr* panic_slot_fn(RawTask* t) {
    return std::addressof(static_cast<TaskCell*>(t)->panic_store);
  }

  // Cells come from the task allocator (task_memory.hpp), unless over-aligned; a cell that needs
  // no more than 8-byte alignment (the usual case) takes a block sized in 8-byte steps.
  static void* operator new(std::size_t n) {
    if constexpr (alignof(TaskCell) > memory::kGranule) {
      return ::operator new (n, std::align_val_t{alignof(TaskCell)});
    } else if constexpr (alignof(TaskCell) > memory::kPackedGranule) {
      return memory::allocate(n);
    } else {
      return memory::allocate_packed(n);
    }
  }
  static void operator delete(void* p, std::size_t n) {
    if constexpr (alignof(TaskCell) > memory::kGranule) {
      ::operator delete (p, std::align_val_t{alignof(TaskCell)});
    } else if constexpr (alignof(TaskCell) > memory::kPackedGranule) {
      memory::deallocate(p, n);
    } else {
      memory::deallocate_packed(p, n);
    }
  }
  static constexpr TaskVTable kVTable{&poll_fn, &drop_future_fn, &drop_output_fn, &dealloc_fn,
                                      &panic_slot_fn};
};

}  // namespace as::future
