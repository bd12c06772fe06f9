// core/goroutine/timers.hpp — a timer heap behind sleep, After and Ticker (time.go).
//
// Owns: the armed timers of one P (Go 1.14+: every P has its own heap, see sched.hpp), ordered by
// deadline (then by arming order, so equal deadlines fire in a reproducible order in the
// simulation).
//
// Invariants:
//   - A Timer is in the heap iff armed; only the heap (under its lock) changes armed/when.
//   - fire() runs WITHOUT the heap lock, on an M that holds a P (schedule/findrunnable call run()),
//     so it may ready goroutines and send on channels. A periodic timer stays armed while it
//     fires, so it is listed in firing_ until fire() returns, and remove() waits for that.
//   - next_deadline() is a lock-free snapshot (kNever when empty) used by idle Ms to decide how
//     long the netpoller/park may sleep.
// Why one heap per P and not one per runtime (Go before 1.14): a timer lives on the P whose
// goroutine armed it and is normally fired by that P's M, so with several Ps arming and firing
// never contend for one lock, and the heap's array stays in one CPU's cache. Other Ms fire a P's
// timers only when they run out of work (findrunnable's steal round, or the M waiting in the
// netpoller until the earliest deadline of all Ps) — timers of an idle P still fire on time.
// Why the heap holds (when, seq, timer) and not just timer pointers: a sleeping goroutine's Timer
// lives on its own stack, so with thousands of sleepers every comparison through a pointer would
// touch another stack's page. Keeping the keys in the heap's array (as Go 1.23 does with
// timerWhen) makes sifting walk one contiguous array, and a Timer is touched only when it is
// armed, fired or removed. The price: remove() (a stopped Ticker, a sleep unwound at shutdown)
// searches the array, O(n) instead of O(log n) — rare operations, unlike the sifts of every fire.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/goroutine/spinlock.hpp"
#include "core/platform/platform.hpp"

namespace as::go::detail {

class TimerHeap;

struct Timer {
  int64_t when = 0;
  int64_t period = 0;  // > 0: re-armed after firing (Ticker)
  uint64_t seq = 0;    // arming order, tie-breaker
  uint64_t id = 0;     // traced timer id
  bool armed = false;  // in the heap
  TimerHeap* heap = nullptr;  // the heap add() put it on (its P's); remove() goes there
  void (*fire)(Timer* t, int64_t now) = nullptr;
  void* arg = nullptr;
  // dispose frees a timer the heap owns (After's one-shot timers): called after it fired, or at
  // clear() if it never did. Null for timers owned by someone else (sleep's, a Ticker's).
  void (*dispose)(Timer* t) = nullptr;
};

class TimerHeap {
 public:
  TimerHeap() = default;
  ~TimerHeap();

  // add arms t (t->when set by the caller) on this heap. Returns true if t became its earliest
  // deadline.
  // With `locked`, the caller already holds lock() (sleep arms and parks under it).
  bool add(Timer* t, bool locked = false);
  // remove disarms t; returns false if it was not armed (already fired). A periodic timer may be
  // firing on another M right now (run() calls fire() after unlocking): remove then waits,
  // calling `relax` between looks, until that fire() has returned — so the caller may free t as
  // soon as remove returns (Go's deltimer waits on timerRunning the same way).
  bool remove(Timer* t, platform::Platform* relax = nullptr);
  // run fires every timer whose deadline is <= now; returns how many fired.
  int run(int64_t now);
  int64_t next_deadline() const { return next_.load(std::memory_order_acquire); }
  size_t size() const { return count_.load(std::memory_order_acquire); }
  // clear disarms everything (runtime end): owned timers are disposed, others forgotten.
  void clear();

  RuntimeLock& lock() { return lock_; }
  // set_shared(false): one P (see RuntimeLock). Before the runtime starts.
  void set_shared(bool shared) { lock_.set_shared(shared); }

 private:
  struct Entry {
    int64_t when;
    uint64_t seq;
    Timer* timer;
  };
  static constexpr size_t kArity = 4;
  static bool less(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when < b.when : a.seq < b.seq;
  }
  void push(Timer* t);  // requires lock_; t->when and t->seq set
  void sift_up(size_t i);
  void sift_down(size_t i);
  void remove_at(size_t i);
  void publish();

  RuntimeLock lock_;
  std::vector<Entry> heap_;
  std::vector<Timer*> firing_;  // periodic timers whose fire() runs now, unlocked (under lock_)
  uint64_t seq_ = 0;
  std::atomic<int64_t> next_{platform::kNever};
  std::atomic<size_t> count_{0};
};

}  // namespace as::go::detail
