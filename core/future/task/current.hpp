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
// send causes, that wake's TaskUnblock) reuse that time (kWakeSameTime): reading the clock costs
// more than recording an event on real threads (~11 ns vs ~5 ns here).
#pragma once

#include <cstdint>

#include "core/trace/event.hpp"
#include "core/trace/recorder.hpp"

namespace as::future {

class Scheduler;

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
  // events reuse that timestamp (or kWakeSameTime) instead of reading the clock (0 = read it).
  int64_t wake_ts = 0;
  bool expected_self_wake = false;  // yield_now / budget: a self-wake that is not a diagnostic
};

inline thread_local CurrentTask tl_current;

// note_block records why the current task is about to return Pending (traced in TaskBlock).
inline void note_block(trace::Reason reason, uint64_t object) {
  tl_current.block_reason = reason;
  tl_current.block_object = object;
}

// wake_ts value: the wakes take the time of this thread's previous event, which was their cause
// (a channel send). Honoured only when that event went to the woken task's recorder.
inline constexpr int64_t kWakeSameTime = -1;

// WakeReasonScope sets the reason traced by the wakes issued in its lifetime, and optionally the
// timestamp they carry (`ts` of the event that caused them, or kWakeSameTime; 0 = read the clock).
class WakeReasonScope {
 public:
  explicit WakeReasonScope(trace::Reason r, int64_t ts = 0)
      : saved_(tl_current.wake_reason), saved_ts_(tl_current.wake_ts) {
    tl_current.wake_reason = r;
    tl_current.wake_ts = ts;
  }
  ~WakeReasonScope() {
    tl_current.wake_reason = saved_;
    tl_current.wake_ts = saved_ts_;
  }
  WakeReasonScope(const WakeReasonScope&) = delete;
  WakeReasonScope& operator=(const WakeReasonScope&) = delete;

 private:
  trace::Reason saved_;
  int64_t saved_ts_;
};

}  // namespace as::future
