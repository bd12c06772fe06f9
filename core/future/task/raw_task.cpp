// core/future/task/raw_task.cpp — the task state transitions and the task waker vtable.
// See raw_task.hpp for the state machine (mirrors tokio runtime/task/state.rs + waker.rs).
// Tracing a wake: one event — TaskUnblock(cause, reason) when it makes the task runnable, WakerWake
// when it schedules nothing (merged with a pending wake, the task is running, or it finished).
#include "core/future/task/raw_task.hpp"

#include "core/future/executor/scheduler.hpp"

namespace as::future {
namespace {

using trace::EventKind;

RawTask* task_of(const void* data) {
  return static_cast<RawTask*>(const_cast<void*>(data));
}

const void* waker_clone(const void* data) {
  RawTask* t = task_of(data);
  t->add_ref();
  if (trace::Recorder* rec = t->scheduler->recorder()) {
    const uint32_t live = t->live_wakers.fetch_add(1, std::memory_order_relaxed) + 1;
    if (t->traced_live.exchange(live, std::memory_order_relaxed) != live)
      rec->emit(EventKind::WakerClone, tl_current.worker, t->id, live);
  }
  return data;
}

void waker_drop(const void* data) {
  RawTask* t = task_of(data);
  if (trace::Recorder* rec = t->scheduler->recorder()) {
    const uint32_t live = t->live_wakers.fetch_sub(1, std::memory_order_relaxed) - 1;
    t->traced_live.store(live, std::memory_order_relaxed);
    rec->emit(EventKind::WakerDrop, tl_current.worker, t->id, live);
  }
  t->release();
}

void waker_wake_by_ref(const void* data) {
  task_of(data)->wake(false);
}

void waker_wake(const void* data) {
  RawTask* t = task_of(data);
  if (t->scheduler->recorder()) t->live_wakers.fetch_sub(1, std::memory_order_relaxed);
  t->wake(true);  // the waker's reference becomes the queue's (or is released)
}

}  // namespace

const WakerVTable kTaskWakerVTable{&waker_clone, &waker_wake, &waker_wake_by_ref, &waker_drop};

Waker RawTask::waker() {
  return Waker(waker_clone(this), &kTaskWakerVTable);
}

void RawTask::wake(bool owned) {
  Scheduler* s = scheduler;
  const trace::TaskId by_task = tl_current.task;
  const trace::WorkerId by_worker = tl_current.worker;
  trace::Recorder* rec = s->recorder();
  // The wake's one event is stamped with its cause's time when the waker gave one (a channel send
  // traced just before on this thread and recorder; a completion), otherwise with a clock read
  // taken before the transition (so it precedes the poll the wake leads to).
  int64_t ts = 0;
  bool same_time = false;
  if (rec) {
    const int64_t cause_ts = tl_current.wake_ts;
    if (cause_ts > 0) {
      ts = cause_ts;
    } else if (cause_ts == kWakeSameTime && tl_current.recorder == rec) {
      same_time = true;
    } else {
      ts = rec->now();
    }
  }
  // trace_wake: TaskUnblock when this wake makes the task runnable, WakerWake when it schedules
  // nothing (merged with a pending wake, the task is running, or it finished). Event::worker = the
  // worker whose queue will hold the task (kNoWorker = inject queue); inside a poll of this runtime
  // that is the polling worker (no platform call needed).
  auto trace_wake = [&](EventKind kind, uint64_t a2) {
    const int cw = tl_current.scheduler == s ? tl_current.worker : s->platform().current_worker();
    const auto queue_worker =
        static_cast<trace::WorkerId>(cw >= 0 && cw < s->workers() ? cw : trace::kNoWorker);
    if (same_time) {
      rec->emit_same_time(kind, queue_worker, id, by_task, by_worker, a2);
    } else {
      rec->emit_at(ts, kind, queue_worker, id, by_task, by_worker, a2);
    }
  };
  uint32_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (kComplete | kNotified)) {  // merged with a pending poll, or finished
      if (rec) trace_wake(EventKind::WakerWake, owned ? 0 : 1);
      if (owned) release();
      return;
    }
    uint32_t want = cur | kNotified;
    if (state.compare_exchange_weak(cur, want, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      break;
  }
  if (cur & kRunning) {
    // Woken during its own poll: the harness re-queues it when the poll returns.
    if (rec) trace_wake(EventKind::WakerWake, owned ? 0 : 1);
    if (by_task == id && !tl_current.expected_self_wake && rec)
      s->report(trace::ErrorKind::SelfWake, "task woke itself during its own poll", id);
    if (owned) release();
    return;
  }
  // The cause: channel send, timer, I/O, waker.wake...
  if (rec) trace_wake(EventKind::TaskUnblock, static_cast<uint64_t>(tl_current.wake_reason));
  if (!owned) add_ref();  // the queue's reference
  if (s->charges_costs()) s->model_cost(s->platform().costs().wake_ns);
  s->schedule(this, false);
}

void RawTask::abort() {
  uint32_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (kComplete | kCancelled)) return;
    uint32_t want = cur | kCancelled | kNotified;
    if (state.compare_exchange_weak(cur, want, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      break;
  }
  if (cur & (kRunning | kNotified)) return;  // the harness will see CANCELLED
  if (trace::Recorder* rec = scheduler->recorder())
    rec->emit(EventKind::TaskUnblock, tl_current.worker, id, tl_current.task, tl_current.worker,
              static_cast<uint64_t>(trace::Reason::Cancelled));
  add_ref();
  scheduler->schedule(this, false);
}

}  // namespace as::future
