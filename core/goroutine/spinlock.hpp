// core/goroutine/spinlock.hpp — the runtime's internal lock (Go's runtime `mutex`).
//
// Owns: a test-and-test-and-set spin lock with a bounded spin before yielding the OS thread, and
// RuntimeLock, the same lock skipped entirely in a runtime with one P.
// Why not std::mutex: critical sections in the scheduler and channels are a handful of
// instructions; an uncontended spin lock costs one atomic exchange to take and one store to
// release, which matters on the pingpong path (4 channel ops per round trip).
// Invariant: never held across a fiber switch by the goroutine itself — a parking goroutine's lock
// is released by its M on g0 after the switch (gopark's unlockf), so a simulated worker is never
// switched out while holding one and the single-threaded simulation cannot self-deadlock.
#pragma once

#include <atomic>
#include <thread>

namespace as::go::detail {

class SpinLock {
 public:
  void lock() {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 64) {
          std::this_thread::yield();  // the holder was descheduled by the OS
          spins = 0;
        } else {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        }
      }
    }
  }
  bool try_lock() {
    return !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() {
    locked_.store(false, std::memory_order_release);
  }

 private:
  std::atomic<bool> locked_{false};
};

// RuntimeLock — the lock of an object goroutines share: a channel, the timer heap, a WaitGroup,
// Mutex or Cond. In a runtime with one P only the M holding that P runs goroutine code (an M in a
// syscall has given its P away; timers and netpoll readiness are handled by the P's holder), and
// the P passes between Ms under the scheduler lock, which orders everything before the hand-off
// with everything after it. So such an object is made with locking off and lock() does nothing:
// an uncontended atomic exchange still costs ~8 ns on the machines here, and a channel round trip
// takes four. Objects made outside a runtime always lock; an object made in a one-P runtime must
// not be used from outside it (Go has no such case: every goroutine runs under the runtime).
class RuntimeLock {
 public:
  void lock() {
    if (shared_) spin_.lock();
  }
  void unlock() {
    if (shared_) spin_.unlock();
  }
  // set_shared(false): nobody else can hold this lock's object concurrently. Before first use.
  void set_shared(bool shared) { shared_ = shared; }
  bool shared() const { return shared_; }

 private:
  SpinLock spin_;
  bool shared_ = true;
};

}  // namespace as::go::detail
