// core/future/task/current.hpp — what the executor tells the code it is polling, per OS thread.
//
// Owns: the thread-local "current task" record set by the executor around each poll: the recorder,
// the task id and worker (for tracing waker calls, frame allocations and leaf-future block
// reasons), the cooperative budget (coop.hpp) and the reason/object the last Pending leaf reported.
//
// Invariant: valid only between the executor's PollBegin and PollEnd on this thread; outside a poll
// task == 0 and the budget is unconstrained. Why thread-local: Tokio keeps the same things in its
// runtime CONTEXT thread-local (runtime/context.rs) so that leaf futures can reach them without
// widening Context.
//
// Timestamps: the first event of an operation that user code started inside a poll (a channel
// send or receive, a spawn, a waker.wake() in a hand-written future) reads the clock — user code
// may have computed for milliseconds since the previous event. Its follow-on events (the wake a
// send causes, that wake's TaskUnblock) reuse that time (WakeReasonScope's ts): reading the clock
// costs more than recording an event on real threads (~11 ns vs ~5 ns here). A wake never takes a
// time before the latest PollBegin of the task it makes runnable (RawTask::wake).
#pragma once

#include <cstdint>

#include "core/trace/event.hpp"
#include "core/trace/recorder.hpp"

namespace as::future {

class Scheduler;

// WakeCause is an operation's event that its code has stamped but not written yet because a wake
// follows at the same instant on the same lane (a channel send that readies its receiver). The
// wake writes it: with its own TaskUnblock packed in (trace::FollowOn: one event's price for two)
// when it schedules the task on the waker's worker, else followed by the wake's event as usual.
// The operation writes it itself if no wake did (`written` still false: e.g. a non-task waker).
struct WakeCause {
  trace::Recorder* rec = nullptr;
  int64_t ts = 0;
  trace::EventKind kind = trace::EventKind::Annotation;
  uint64_t a0 = 0, a1 = 0, a2 = 0;
  bool written = false;
};

struct CurrentTask {
  trace::Recorder* recorder = nullptr;  // null = tracing off
  trace::TaskId task = 0;               // task being polled, 0 = none
  trace::WorkerId worker = trace::kNoWorker;
  Scheduler* scheduler = nullptr;  // executor of the running task (spawn goes there)
  int budget = -1;                 // remaining coop budget, -1 = unconstrained
  // Set by a leaf future that returns Pending: why the task is about to block, on what object.
  trace::Reason block_reason = trace::Reason::Waker;
  uint64_t block_object = 0;
  // Set by code that wakes a task (channel send, timer, reactor): why it woke it.
  trace::Reason wake_reason = trace::Reason::Waker;
  // Set by code that wakes right after tracing its own event (a task's completion): the wake's
  // events reuse that timestamp instead of reading the clock (0 = read it).
  int64_t wake_ts = 0;
  // Set by code that wakes right after an operation it has not traced yet (see WakeCause).
  WakeCause* wake_cause = nullptr;
  // The task's PollBegin time while nothing but the executor has run since (real threads, traced;
  // 0 = unknown). Taken by the first Task::poll, which hands it to the pending leaf it re-polls
  // first: fresh_leaf is that leaf future (while it is being polled), fresh_ts the time. Such a
  // leaf stamps its event with fresh_ts instead of reading the clock (mpsc's receive).
  int64_t poll_ts = 0;
  const void* fresh_leaf = nullptr;
  int64_t fresh_ts = 0;
  bool expected_self_wake = false;  // yield_now / budget: a self-wake that is not a diagnostic
  // Time this poll spent in the runtime's own stall starting a blocking-pool thread (real threads,
  // traced; see Scheduler::push_blocking): not the task's doing, so the LongPoll diagnostic leaves
  // it out. Thread creation can take tens of ms on a busy machine (under TSan pthread_create
  // waits until the new thread runs).
  int64_t runtime_stall_ns = 0;
};

inline thread_local CurrentTask tl_current;

namespace detail {
// HeldFrameFree: while the executor drops a finished task's future right after its PollEnd (real
// threads, traced), the FrameFree of the frame freed last is held here instead of written, and
// the executor writes it carrying the completion's TaskStop and TaskDestroy (one record, one
// instant). Only a Task's drop frees its frame last, with nothing traced after it: TaskCell's
// drop_future_fn turns the hold off (rec = null) for any other future.
struct HeldFrameFree {
  trace::Recorder* rec = nullptr;  // the executor's recorder while holding is allowed
  trace::TaskId task = 0;          // the held event (when `held`)
  trace::WorkerId worker = trace::kNoWorker;
  uint32_t bytes = 0;
  bool held = false;
};
inline thread_local HeldFrameFree tl_held_frame_free;
void flush_held_frame_free();  // writes a held FrameFree (task/coroutine.cpp)
}  // namespace detail

// polls_leaf_first_v<F>: after a wake, F's poll re-polls its pending leaf before it runs any user
// code — a Task (coroutine.hpp specializes it). A spawned task's poll keeps tl_current.poll_ts for
// its future only then (TaskCell::poll_fn drops it for any other future type).
template <class F>
inline constexpr bool polls_leaf_first_v = false;

// note_block records why the current task is about to return Pending (traced in TaskBlock).
inline void note_block(trace::Reason reason, uint64_t object) {
  tl_current.block_reason = reason;
  tl_current.block_object = object;
}

// WakeReasonScope sets the reason traced by the wakes issued in its lifetime, and optionally the
// timestamp they carry (`ts` of the event that caused them; 0 = read the clock).
class WakeReasonScope {
 public:
  // A scope without a cause: its wakes are not those of an enclosing scope's operation.
  explicit WakeReasonScope(trace::Reason r, int64_t ts = 0)
      : saved_(tl_current.wake_reason),
        saved_ts_(tl_current.wake_ts),
        saved_cause_(tl_current.wake_cause) {
    tl_current.wake_reason = r;
    tl_current.wake_ts = ts;
    tl_current.wake_cause = nullptr;
  }
  // With a cause (see WakeCause): the wakes take its time, and the first one writes it.
  WakeReasonScope(trace::Reason r, WakeCause& cause)
      : saved_(tl_current.wake_reason),
        saved_ts_(tl_current.wake_ts),
        saved_cause_(tl_current.wake_cause) {
    tl_current.wake_reason = r;
    tl_current.wake_ts = cause.ts;
    tl_current.wake_cause = &cause;
  }
  ~WakeReasonScope() {
    tl_current.wake_reason = saved_;
    tl_current.wake_ts = saved_ts_;
    tl_current.wake_cause = saved_cause_;
  }
  WakeReasonScope(const WakeReasonScope&) = delete;
  WakeReasonScope& operator=(const WakeReasonScope&) = delete;

 private:
  trace::Reason saved_;
  int64_t saved_ts_;
  WakeCause* saved_cause_;
};

}  // namespace as::future
