// core/goroutine/spinlock.hpp — the runtime's internal lock (Go's runtime `mutex`).
//
// Owns: a test-and-test-and-set spin lock with a bounded spin before yielding the OS thread.
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

}  // namespace as::go::detail
