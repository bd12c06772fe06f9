// core/future/time/sleep.hpp — sleep, sleep_until, interval (tokio::time), as leaf futures.
//
// Sleep is a hand-written state machine: Unregistered → (first poll) Armed in the polling worker's
// wheel with the task's waker → Fired (that worker fired it and woke the task) → Ready. Dropping an
// armed Sleep cancels its timer (TimerCancel): that is what makes `timeout` and `select` with a
// sleep cheap. Invariant: pinned after the first poll (the wheel links to entry_).
#pragma once

#include <chrono>

#include "core/future/coop.hpp"
#include "core/future/executor/scheduler.hpp"

namespace as::future {

class Sleep {
 public:
  // Sleep until deadline_ns on the runtime clock (sleep_until).
  explicit Sleep(int64_t deadline_ns) : deadline_(deadline_ns) {}
  // A Sleep made outside a runtime measures its duration from its first poll.
  static Sleep after(int64_t duration_ns) {
    Sleep s(duration_ns);
    s.relative_ = true;
    return s;
  }
  Sleep(Sleep&& o) noexcept : deadline_(o.deadline_), relative_(o.relative_) {}  // before 1st poll
  Sleep& operator=(Sleep&&) = delete;
  ~Sleep() {
    if (sched_ && sched_->time().cancel(&entry_))
      sched_->emit(trace::EventKind::TimerCancel, tl_current.worker, tl_current.task, entry_.id);
  }

  int64_t deadline() const { return deadline_; }

  Poll<Unit> poll(Context& cx) {
    if (!coop::poll_proceed(cx)) return pending;
    if (!sched_) {
      sched_ = current_scheduler();
      if (!sched_) throw std::logic_error("Sleep polled outside a runtime");
      if (relative_) deadline_ += sched_->platform().now();
      relative_ = false;
      if (sched_->platform().now() >= deadline_) {
        sched_ = nullptr;
        done_ = true;
      } else {
        entry_.deadline_tick = sched_->time().tick_of_deadline(deadline_);
        // Armed in the wheel of the worker polling it first (time/driver.hpp): it fires it.
        entry_.shard = sched_->time_shard();
      }
    }
    if (done_) return Unit{};
    const int shard = entry_.shard;
    const int64_t earliest_before = sched_->time().next_deadline_ns(shard);
    bool armed = false;
    if (!sched_->time().register_or_update(&entry_, cx.waker(), &armed)) {
      done_ = true;
      return Unit{};
    }
    if (armed) {
      sched_->emit(trace::EventKind::TimerArm, tl_current.worker, tl_current.task, entry_.id,
                   static_cast<uint64_t>(deadline_));
      // The wheel's owner may be parked until a later deadline (or armed from another thread).
      if (deadline_ < earliest_before) sched_->timer_moved_earlier(shard);
    }
    note_block(trace::Reason::Sleep, entry_.id);
    return pending;
  }

 private:
  int64_t deadline_;
  bool relative_ = false;
  Scheduler* sched_ = nullptr;
  bool done_ = false;
  time::TimerEntry entry_;
};

int64_t now_ns();

// sleep waits for d from now (tokio::time::sleep).
inline Sleep sleep(std::chrono::nanoseconds d) {
  if (!current_scheduler()) return Sleep::after(d.count());
  return Sleep(now_ns() + d.count());
}
inline Sleep sleep_until(int64_t deadline_ns) {
  return Sleep(deadline_ns);
}

// Interval ticks every period (tokio::time::interval, MissedTickBehavior::Burst): the first tick
// completes at once; tick() returns a Sleep for the next deadline.
class Interval {
 public:
  explicit Interval(std::chrono::nanoseconds period) : period_(period.count()), next_(now_ns()) {}
  Sleep tick() {
    Sleep s(next_);
    next_ += period_;
    return s;
  }

 private:
  int64_t period_;
  int64_t next_;
};

}  // namespace as::future
