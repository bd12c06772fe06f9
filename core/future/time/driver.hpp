// core/future/time/driver.hpp — the time driver: one timer wheel per worker, their locks, the
// clock (tokio runtime/time/; the per-worker split is Go's per-P timers, and Tokio's sharded
// wheels).
//
// Owns: one Shard (Wheel + lock + next deadline) per executor worker, the translation platform-ns
// ↔ 1 ms ticks (deadlines round UP, so a sleep never ends early), and firing: expired entries are
// unlinked under their shard's lock, their wakers collected, and woken after the lock is released
// (never wake while holding a lock: the woken task may be polled on another worker that needs it).
//
// Why a wheel per worker: a Sleep is armed in the wheel of the worker that polls it, and that
// worker fires it (scheduler.cpp: it parks with its own wheel's next deadline), so the woken task
// runs on the worker whose cache holds it, and two workers arming timers never contend for one
// lock. A shard's lock is still taken by other threads — a cancel from another worker, a busy
// worker firing the overdue timers of a stuck one — so it stays a lock (see ShardLock).
//
// Invariants: a shard's next_deadline_ns is its wheel's next expiration whenever its lock is free
// (an insert can only make it earlier: min with the slot insert() reports, no scan); an entry
// lives in the wheel of shard `entry.shard` (fixed when it is armed); entries
// are touched only under that shard's lock, except `fired`: it is final, and stored (release) as
// the driver's last touch of a fired entry, so a Sleep that reads it true (acquire) is Ready and
// drops without taking any lock — one lock per timer from the task side instead of three.
// Timer ids are unique per runtime: shard s numbers its timers s+1, s+1+n, s+1+2n... (n shards), so
// they are deterministic in the simulation without a shared counter.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/future/time/wheel.hpp"
#include "core/trace/recorder.hpp"

namespace as::future::time {

inline constexpr int64_t kTickNs = 1'000'000;  // 1 ms resolution, as Tokio

class TimeDriver {
 public:
  TimeDriver(int64_t origin_ns, int shards) : origin_(origin_ns) {
    for (int i = 0; i < std::max(1, shards); ++i) shards_.push_back(std::make_unique<Shard>());
  }

  int64_t origin() const { return origin_; }
  int shards() const { return static_cast<int>(shards_.size()); }
  uint64_t tick_of_deadline(int64_t deadline_ns) const {
    if (deadline_ns <= origin_) return 0;
    return static_cast<uint64_t>((deadline_ns - origin_ + kTickNs - 1) / kTickNs);
  }
  uint64_t tick_of_now(int64_t now_ns) const {
    return now_ns <= origin_ ? 0 : static_cast<uint64_t>((now_ns - origin_) / kTickNs);
  }
  int64_t ns_of_tick(uint64_t tick) const { return origin_ + static_cast<int64_t>(tick) * kTickNs; }

  // register_or_update arms e with waker w in shard e->shard (set by its owner before the first
  // call, never changed after), or refreshes its waker. Returns false if the entry already fired
  // (then the caller is Ready). `armed` is set when e was newly inserted. A re-poll after the fire
  // costs no lock.
  bool register_or_update(TimerEntry* e, const Waker& w, bool* armed) {
    *armed = false;
    if (e->fired.load(std::memory_order_acquire)) return false;
    Shard& s = *shards_[static_cast<size_t>(clamp(e->shard))];
    std::lock_guard<ShardLock> lk(s.mu);
    if (e->fired.load(std::memory_order_relaxed)) return false;
    if (e->level < 0) {
      if (e->deadline_tick <= s.wheel.elapsed()) {
        e->fired.store(true, std::memory_order_release);
        return false;
      }
      e->id = s.next_id++ * shards_.size() + static_cast<uint64_t>(clamp(e->shard)) + 1;
      // The next deadline can only move earlier, to e's slot: no scan of the wheel's levels.
      const int64_t slot_ns = ns_of_tick(s.wheel.insert(e));
      *armed = true;
      if (slot_ns < s.next_deadline_ns.load(std::memory_order_relaxed))
        s.next_deadline_ns.store(slot_ns, std::memory_order_release);
    }
    e->waker.clone_if_changed(w);
    return true;
  }

  // cancel removes e if still armed; returns true if it was armed (traced TimerCancel).
  // A fired entry is out of the wheel and its waker is gone: no lock needed.
  bool cancel(TimerEntry* e) {
    if (e->fired.load(std::memory_order_acquire)) return false;
    Shard& s = *shards_[static_cast<size_t>(clamp(e->shard))];
    Waker w;
    bool was = false;
    {
      std::lock_guard<ShardLock> lk(s.mu);
      if (e->level >= 0) {
        s.wheel.remove(e);
        was = true;
        update_next_locked(s);
      }
      w = std::move(e->waker);
    }
    return was;
  }

  // is_fired reads the entry's final state.
  bool is_fired(TimerEntry* e) { return e->fired.load(std::memory_order_acquire); }

  // process fires everything of shard `shard` due at now_ns; appends the fired entries' wakers
  // and ids to out.
  // At most `limit` fire; the rest stay due (next_deadline_ns <= now) for the next call.
  void process(int shard, int64_t now_ns, std::vector<Waker>& wakers, std::vector<uint64_t>& ids,
               size_t limit = SIZE_MAX) {
    Shard& s = *shards_[static_cast<size_t>(clamp(shard))];
    if (s.next_deadline_ns.load(std::memory_order_acquire) > now_ns) return;
    std::lock_guard<ShardLock> lk(s.mu);
    s.wheel.advance(
        tick_of_now(now_ns),
        [&](TimerEntry* e) {
          ids.push_back(e->id);
          wakers.push_back(std::move(e->waker));
          e->fired.store(true, std::memory_order_release);  // last touch: the owner may skip mu
        },
        limit);
    update_next_locked(s);
  }

  // next_deadline_ns is when shard's next timer is due (INT64_MAX if none). Lock-free read.
  int64_t next_deadline_ns(int shard) const {
    return shards_[static_cast<size_t>(clamp(shard))]->next_deadline_ns.load(
        std::memory_order_acquire);
  }
  // earliest_ns is the next deadline over every shard (INT64_MAX if none).
  int64_t earliest_ns() const {
    int64_t t = INT64_MAX;
    for (const auto& s : shards_)
      t = std::min(t, s->next_deadline_ns.load(std::memory_order_acquire));
    return t;
  }
  size_t armed() {
    size_t n = 0;
    for (auto& s : shards_) {
      std::lock_guard<ShardLock> lk(s->mu);
      n += s->wheel.size();
    }
    return n;
  }

 private:
  // ShardLock: the owner takes it twice per timer (arm, fire) and nearly always alone, so it is a
  // spin lock (one locked RMW; a futex mutex cost ~55 instructions and two locked RMWs per timer).
  // But a process() call holds it while it unlinks a whole batch (thousands of entries when
  // overdue), and a holder may be preempted on a loaded machine: a waiter spins briefly, then
  // yields its CPU (to the holder, maybe) instead of burning it — a poll spinning on a preempted
  // holder showed up as LongPolls. Never contended in the simulation (fibers never switch inside).
  class ShardLock {
   public:
    void lock() {
      for (int spins = 0;; ++spins) {
        if (!locked_.exchange(true, std::memory_order_acquire)) return;
        while (locked_.load(std::memory_order_relaxed)) {
          if (spins++ < 64) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
          } else {
            std::this_thread::yield();
          }
        }
      }
    }
    void unlock() { locked_.store(false, std::memory_order_release); }

   private:
    std::atomic<bool> locked_{false};
  };

  struct alignas(64) Shard {
    ShardLock mu;  // guards wheel and next_id; next_deadline_ns is written under it
    Wheel wheel;
    uint64_t next_id = 0;
    std::atomic<int64_t> next_deadline_ns{INT64_MAX};
  };

  int clamp(int shard) const {
    return shard >= 0 && shard < static_cast<int>(shards_.size()) ? shard : 0;
  }
  // update_next_locked republishes the shard's next deadline — only when it changed: other
  // workers read it (timer_wakeup), and a store per armed timer would take the line from them.
  void update_next_locked(Shard& s) {
    auto t = s.wheel.next_expiration();
    const int64_t next = t ? ns_of_tick(*t) : INT64_MAX;
    if (s.next_deadline_ns.load(std::memory_order_relaxed) != next)
      s.next_deadline_ns.store(next, std::memory_order_release);
  }

  int64_t origin_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace as::future::time
