// core/future/task/raw_task.cpp — the task state transitions and the task waker vtable.
// See raw_task.hpp for the state machine (mirrors tokio runtime/task/state.rs + waker.rs).
// Tracing a wake: one event — TaskUnblock(cause, reason) when it makes the task runnable, WakerWake
// when it schedules nothing (merged with a pending wake, the task is running, or it finished).
#include "core/future/task/raw_task.hpp"

#include <algorithm>

#include "core/future/executor/scheduler.hpp"

namespace as::future {
namespace {

using trace::EventKind;

RawTask* task_of(const void* data) {
  return static_cast<RawTask*>(const_cast<void*>(data));
}

const void* waker_clone(const void* data) {
  RawTask* t = task_of(data);
  const uint64_t prev =
      t->state.fetch_add(RawTask::kRefOne + RawTask::kLiveOne, std::memory_order_relaxed);
  if (trace::Recorder* rec = t->scheduler->recorder()) {
    const uint32_t live = RawTask::live_of(prev) + 1;
    if (t->traced_live.load(std::memory_order_relaxed) != live) {
      t->traced_live.store(live, std::memory_order_relaxed);
      rec->emit(EventKind::WakerClone, tl_current.worker, t->id, live);
    }
  }
  return data;
}

void waker_drop(const void* data) {
  RawTask* t = task_of(data);
  trace::Recorder* const rec = t->scheduler->recorder();
  const trace::TaskId id = t->id;
  // Everything that touches the cell happens before the RMW: after it, another thread may free it.
  if (rec) t->traced_live.store(t->live_wakers() - 1, std::memory_order_relaxed);
  const uint64_t prev =
      t->state.fetch_sub(RawTask::kRefOne + RawTask::kLiveOne, std::memory_order_acq_rel);
  if (rec) rec->emit(EventKind::WakerDrop, tl_current.worker, id, RawTask::live_of(prev) - 1);
  if (RawTask::refs_of(prev) == 1) t->vtable->dealloc(t);
}

void waker_wake_by_ref(const void* data) {
  task_of(data)->wake(false);
}

void waker_wake(const void* data) {
  task_of(data)->wake(true);  // the waker's reference becomes the queue's (or is released)
}

}  // namespace

const WakerVTable kTaskWakerVTable{&waker_clone, &waker_wake, &waker_wake_by_ref, &waker_drop};

void WakerSlot::replace(const Waker& w) {
  std::uintptr_t next = 0;
  if (w.vtable() == &kTaskWakerVTable) {
    next = reinterpret_cast<std::uintptr_t>(kTaskWakerVTable.clone(w.data()));
  } else if (!w.empty()) {
    next = reinterpret_cast<std::uintptr_t>(new Waker(w)) | kBoxed;
  }
  const std::uintptr_t old = std::exchange(word_, next);  // the new clone first, then the old
  if (old != 0) drop(old);                                // one's drop (as Waker's assignment)
}

void WakerSlot::drop(std::uintptr_t w) noexcept {
  if (w & kBoxed) {
    delete reinterpret_cast<Waker*>(w & ~kBoxed);
  } else {
    kTaskWakerVTable.drop(reinterpret_cast<const void*>(w));
  }
}

Waker WakerSlot::unbox(std::uintptr_t w) {
  Waker* boxed = reinterpret_cast<Waker*>(w & ~kBoxed);
  Waker out = std::move(*boxed);
  delete boxed;
  return out;
}

Waker RawTask::waker() {
  return Waker(waker_clone(this), &kTaskWakerVTable);
}

namespace {

// wake_stamp is when a traced wake happened: the cause's time when the waker gave one
// (tl_current.wake_ts: a channel send, a fired timer, a completion), else a clock read. Read before
// the wake's transition, so the wake's event precedes the poll it leads to; RawTask::wake moves it
// later if the task was polled since (see restamp_after_poll).
[[gnu::noinline]] int64_t wake_stamp(trace::Recorder* rec) {
  const int64_t cause_ts = tl_current.wake_ts;
  return cause_ts > 0 ? cause_ts : rec->now();
}

// restamp_after_poll: the wake made an idle task runnable, and its time `at` was read before that
// transition — yet not after the task's latest PollBegin (see RawTask::wake). It reads the clock
// again: later than that PollBegin, since the CAS that saw the task idle follows that poll's end.
[[gnu::noinline]] int64_t restamp_after_poll(uint32_t begin_lo, trace::Recorder* rec) {
  const int64_t now = rec->now();
  // The same instant as the PollBegin would sort ahead of it: one nanosecond later at least.
  const int64_t floor = now + static_cast<int32_t>(begin_lo - static_cast<uint32_t>(now)) + 1;
  return std::max(now, floor);
}

// trace_wake emits a wake's one event: TaskUnblock(by_task, by_worker, reason) when it made the
// task runnable, WakerWake(by_task, by_worker, by_ref) when it scheduled nothing. Event::worker =
// the worker whose queue will hold the task (kNoWorker = inject queue); inside a poll of this
// runtime that is the polling worker (no platform call needed). Also reports a self-wake.
[[gnu::noinline]] void trace_wake(RawTask* t, trace::Recorder* rec, int64_t at, bool scheduled,
                                  bool running, bool owned) {
  Scheduler* s = t->scheduler;
  const int cw = tl_current.scheduler == s ? tl_current.worker : s->platform().current_worker();
  const auto queue_worker =
      static_cast<trace::WorkerId>(cw >= 0 && cw < s->workers() ? cw : trace::kNoWorker);
  const EventKind kind = scheduled ? EventKind::TaskUnblock : EventKind::WakerWake;
  const uint64_t a2 =
      scheduled ? static_cast<uint64_t>(tl_current.wake_reason) : (owned ? 0 : 1);  // by_ref
  // The operation that caused the wake, if it left its event to us (see WakeCause): it goes first,
  // carrying the TaskUnblock when both are on one lane (readers get the same two events).
  if (WakeCause* c = tl_current.wake_cause; c && !c->written && c->rec == rec) {
    c->written = true;
    if (scheduled && queue_worker == tl_current.worker && at == c->ts) {
      rec->emit_at(c->ts, c->kind, tl_current.worker, tl_current.task, c->a0, c->a1, c->a2, 0,
                   trace::FollowOn{kind, t->id, static_cast<uint16_t>(a2)});
      return;  // scheduled: it was not running, so not a self-wake
    }
    rec->emit_at(c->ts, c->kind, tl_current.worker, tl_current.task, c->a0, c->a1, c->a2);
  }
  rec->emit_at(at, kind, queue_worker, t->id, tl_current.task, tl_current.worker, a2);
  if (running && tl_current.task == t->id && !tl_current.expected_self_wake)
    s->report(trace::ErrorKind::SelfWake, "task woke itself during its own poll", t->id);
}

}  // namespace

void RawTask::wake(bool owned) {
  Scheduler* s = scheduler;
  trace::Recorder* rec = s->recorder();
  int64_t at = 0;
  if (rec) at = wake_stamp(rec);
  // A consumed Waker gives up its live count and (unless it becomes the queue's) its reference.
  const uint64_t consumed = owned ? kLiveOne : 0;
  uint64_t cur = state.load(std::memory_order_acquire);
  uint64_t want;
  for (;;) {
    if (cur & (kComplete | kNotified)) {  // merged with a pending poll, or finished
      if (rec) trace_wake(this, rec, at, false, false, owned);
      if (owned) {
        // Drop the reference and the live count in one RMW (this may free the cell).
        if (refs_of(state.fetch_sub(kRefOne + kLiveOne, std::memory_order_acq_rel)) == 1)
          vtable->dealloc(this);
      }
      return;
    }
    want = (cur | kNotified) - consumed;
    if (!(cur & kRunning) && !owned) want += kRefOne;  // the queue's reference
    if (state.compare_exchange_weak(cur, want, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      break;
  }
  if (cur & kRunning) {
    // Woken during its poll: the harness re-queues it when the poll returns, with the queue's
    // reference it holds. A consumed Waker's reference is dropped only after the trace read the
    // task: the runner may complete it meanwhile, and then ours may be the last reference.
    if (rec) trace_wake(this, rec, at, false, true, owned);
    if (owned) release();
    return;
  }
  if (rec) {
    // The task may have been polled between `at` and the transition — woken by something else, or
    // by this very cause: a receiver that began polling after a send read its time, then parked
    // before the send took its waker. The wake must not precede that poll's PollBegin, or the
    // timeline would show the task queued while it ran and a poll beginning before its wake.
    // Real threads only: in the simulation a wake's stamp and its transition are one step of one
    // fiber, with no poll in between.
    if (s->coarse_clock()) {
      const uint32_t begin_lo = poll_begin_lo.load(std::memory_order_relaxed);  // 0: unpolled
      if (begin_lo != 0 && static_cast<int32_t>(static_cast<uint32_t>(at) - begin_lo) <= 0)
          [[unlikely]]
        at = restamp_after_poll(begin_lo, rec);
    }
    // The common traced wake: a channel send on this runtime's worker that left its event to us
    // (see trace_wake) — written here with the TaskUnblock packed in, without the general path.
    WakeCause* c = tl_current.wake_cause;
    if (c && !c->written && c->rec == rec && at == c->ts && tl_current.scheduler == s &&
        tl_current.worker < s->workers()) {
      c->written = true;
      rec->emit_at(c->ts, c->kind, tl_current.worker, tl_current.task, c->a0, c->a1, c->a2, 0,
                   trace::FollowOn{EventKind::TaskUnblock, id,
                                   static_cast<uint16_t>(tl_current.wake_reason)});
    } else {
      trace_wake(this, rec, at, true, false, owned);  // the cause: send, timer, I/O, wake()
    }
  }
  if (s->charges_costs()) s->model_cost(s->platform().costs().wake_ns);
  s->schedule_woken(this, cur);  // cur: the word the CAS replaced (its kBlocking is fixed)
}

namespace {

// write_caused_unblock: a traced operation's event (kind, a0, a1 at ts, on the lane of the task
// polling here) with the TaskUnblock of task t it made runnable packed in — called after the CAS
// that made t runnable. As in RawTask::wake, the wake is not stamped at or before t's latest
// PollBegin: then the cause is written at its time and the TaskUnblock at a fresh clock read.
// `owned`: the wake consumed a Waker (only the general path's WakerWake would show it).
[[gnu::always_inline]] inline void write_caused_unblock(RawTask* t, trace::Recorder* rec,
                                                        int64_t ts, EventKind kind, uint64_t a0,
                                                        uint64_t a1, trace::Reason reason,
                                                        bool owned) {
  const uint32_t begin_lo = t->poll_begin_lo.load(std::memory_order_relaxed);
  if (t->scheduler->coarse_clock() && begin_lo != 0 &&
      static_cast<int32_t>(static_cast<uint32_t>(ts) - begin_lo) <= 0) [[unlikely]] {
    const int64_t at = restamp_after_poll(begin_lo, rec);
    WakeCause cause{rec, ts, kind, a0, a1, 0};
    WakeReasonScope why(reason, cause);
    trace_wake(t, rec, at, true, false, owned);  // the cause, then the TaskUnblock
  } else {
    rec->emit_at_inlined(
        ts, kind, tl_current.worker, tl_current.task, a0, a1, 0, 0,
        trace::FollowOn{EventKind::TaskUnblock, t->id, static_cast<uint16_t>(reason)});
  }
}

}  // namespace

bool RawTask::wake_caused(Waker& w, trace::Recorder* rec, int64_t ts, trace::EventKind kind,
                          uint64_t a0, uint64_t a1, trace::Reason reason) {
  if (w.vtable() != &kTaskWakerVTable) return false;
  RawTask* const t = task_of(w.data());
  Scheduler* const s = t->scheduler;
  // The preconditions of the packed record (RawTask::wake's fast case): this runtime's worker,
  // its recorder, a cause time the wake may take.
  if (tl_current.scheduler != s || s->recorder() != rec || ts <= 0 ||
      tl_current.worker >= s->workers())
    return false;
  w.into_raw();  // its reference and live count are consumed below
  uint64_t cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (kComplete | kNotified | kRunning)) [[unlikely]] {
      // Nothing to schedule (merged, finished) or re-queued by its runner: the general path.
      WakeCause cause{rec, ts, kind, a0, a1, 0};
      WakeReasonScope why(reason, cause);
      t->wake(true);  // writes the cause (trace_wake)
      return true;
    }
    // The waker's reference becomes the queue's; its live count goes.
    if (t->state.compare_exchange_weak(cur, (cur | kNotified) - kLiveOne, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      break;
  }
  write_caused_unblock(t, rec, ts, kind, a0, a1, reason, true);
  if (s->charges_costs()) s->model_cost(s->platform().costs().wake_ns);
  s->schedule(t, false);
  return true;
}

RawTask::Notify RawTask::notify_untraced() {
  if (scheduler->recorder() != nullptr) return Notify::kUseWake;
  uint64_t cur = state.load(std::memory_order_acquire);
  if (cur & kBlocking) return Notify::kUseWake;  // fixed at spawn: schedule_notified skips it
  for (;;) {
    if (cur & (kComplete | kNotified)) return Notify::kNothing;
    uint64_t want = cur | kNotified;
    if (!(cur & kRunning)) want += kRefOne;  // the queue's reference
    if (state.compare_exchange_weak(cur, want, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      return cur & kRunning ? Notify::kNothing : Notify::kSchedule;
  }
}

RawTask::Notify RawTask::notify_traced(trace::Recorder* rec, int64_t ts) {
  Scheduler* const s = scheduler;
  // The preconditions of the packed record (see wake_caused).
  if (tl_current.scheduler != s || s->recorder() != rec || ts <= 0 ||
      tl_current.worker >= s->workers())
    return Notify::kUseWake;
  uint64_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & (kComplete | kNotified | kRunning | kBlocking)) return Notify::kUseWake;
    if (state.compare_exchange_weak(cur, (cur | kNotified) + kRefOne, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      return Notify::kSchedule;  // the same CAS took the queue's reference
  }
}

void RawTask::schedule_notified_traced(trace::Recorder* rec, int64_t ts, trace::EventKind kind,
                                       uint64_t a0, uint64_t a1, trace::Reason reason) {
  Scheduler* const s = scheduler;
  write_caused_unblock(this, rec, ts, kind, a0, a1, reason, false);
  if (s->charges_costs()) s->model_cost(s->platform().costs().wake_ns);
  s->schedule_woken(this, 0);  // not a blocking task (notify_traced)
}

void RawTask::schedule_notified() {
  Scheduler* s = scheduler;
  if (s->charges_costs()) s->model_cost(s->platform().costs().wake_ns);
  s->schedule_woken(this, 0);  // not a blocking task (notify_untraced)
}

void RawTask::abort() {
  uint64_t cur = state.load(std::memory_order_acquire);
  uint64_t want;
  for (;;) {
    if (cur & (kComplete | kCancelled)) return;
    want = cur | kCancelled | kNotified;
    if (!(cur & (kRunning | kNotified))) want += kRefOne;  // the queue's reference
    if (state.compare_exchange_weak(cur, want, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      break;
  }
  if (cur & (kRunning | kNotified)) return;  // the harness will see CANCELLED
  if (trace::Recorder* rec = scheduler->recorder())
    rec->emit(EventKind::TaskUnblock, tl_current.worker, id, tl_current.task, tl_current.worker,
              static_cast<uint64_t>(trace::Reason::Cancelled));
  scheduler->schedule(this, false);
}

}  // namespace as::future
