// core/future/time/driver.hpp — the time driver: the wheel, its lock, the clock (tokio
// runtime/time/).
//
// Owns: the Wheel of one runtime, the translation platform-ns ↔ 1 ms ticks (deadlines round UP,
// so a sleep never ends early), and firing: expired entries are unlinked under the lock, their
// wakers collected, and woken after the lock is released (never wake while holding a lock: the
// woken task may be polled on another worker that needs it).
//
// Invariants: entries are touched only under mu_; `fired` is final. Why one lock and not Tokio's
// sharded wheels: one lock is simple and fast enough for a teaching runtime at 2 workers; the
// bench's timers workload shows its cost.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/future/time/wheel.hpp"
#include "core/trace/recorder.hpp"

namespace as::future::time {

inline constexpr int64_t kTickNs = 1'000'000;  // 1 ms resolution, as Tokio

class TimeDriver {
 public:
  explicit TimeDriver(int64_t origin_ns) : origin_(origin_ns) {}

  int64_t origin() const { return origin_; }
  uint64_t tick_of_deadline(int64_t deadline_ns) const {
    if (deadline_ns <= origin_) return 0;
    return static_cast<uint64_t>((deadline_ns - origin_ + kTickNs - 1) / kTickNs);
  }
  uint64_t tick_of_now(int64_t now_ns) const {
    return now_ns <= origin_ ? 0 : static_cast<uint64_t>((now_ns - origin_) / kTickNs);
  }
  int64_t ns_of_tick(uint64_t tick) const { return origin_ + static_cast<int64_t>(tick) * kTickNs; }

  // register_or_update arms e with waker w (or refreshes its waker). Returns false if the entry
  // already fired (then the caller is Ready). `armed` is set when e was newly inserted.
  bool register_or_update(TimerEntry* e, const Waker& w, bool* armed) {
    std::lock_guard<std::mutex> lk(mu_);
    if (e->fired) return false;
    *armed = false;
    if (e->level < 0) {
      if (e->deadline_tick <= wheel_.elapsed()) {
        e->fired = true;
        return false;
      }
      e->id = ++next_id_;
      wheel_.insert(e);
      *armed = true;
      update_next_locked();
    }
    e->waker.clone_if_changed(w);
    return true;
  }

  // cancel removes e if still armed; returns true if it was armed (traced TimerCancel).
  bool cancel(TimerEntry* e) {
    Waker w;
    bool was = false;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (e->level >= 0) {
        wheel_.remove(e);
        was = true;
        update_next_locked();
      }
      w = std::move(e->waker);
    }
    return was;
  }

  // is_fired reads the entry's final state.
  bool is_fired(TimerEntry* e) {
    std::lock_guard<std::mutex> lk(mu_);
    return e->fired;
  }

  // process fires everything due at now_ns; appends the fired entries' wakers and ids to out.
  void process(int64_t now_ns, std::vector<Waker>& wakers, std::vector<uint64_t>& ids) {
    if (next_deadline_ns_.load(std::memory_order_acquire) > now_ns) return;
    std::lock_guard<std::mutex> lk(mu_);
    wheel_.advance(tick_of_now(now_ns), [&](TimerEntry* e) {
      e->fired = true;
      ids.push_back(e->id);
      wakers.push_back(std::move(e->waker));
    });
    update_next_locked();
  }

  // next_deadline_ns is when the next timer is due (INT64_MAX if none). Lock-free read.
  int64_t next_deadline_ns() const { return next_deadline_ns_.load(std::memory_order_acquire); }
  size_t armed() {
    std::lock_guard<std::mutex> lk(mu_);
    return wheel_.size();
  }

 private:
  void update_next_locked() {
    auto t = wheel_.next_expiration();
    next_deadline_ns_.store(t ? ns_of_tick(*t) : INT64_MAX, std::memory_order_release);
  }

  int64_t origin_;
  std::mutex mu_;
  Wheel wheel_;
  uint64_t next_id_ = 0;
  std::atomic<int64_t> next_deadline_ns_{INT64_MAX};
};

}  // namespace as::future::time
