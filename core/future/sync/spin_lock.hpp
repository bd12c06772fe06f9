// core/future/sync/spin_lock.hpp — the lock of channels, oneshot, Notify and Semaphore.
//
// A test-and-test-and-set spin lock: every critical section of those primitives is a handful of
// stores (never a poll, a wake or a platform call), so spinning is cheaper than a futex mutex —
// pthread_mutex lock/unlock was a third of the pingpong profile. Safe in the simulation too, where
// workers are fibers on one thread: a fiber never switches while holding it.
// Satisfies BasicLockable (usable with std::lock_guard / std::unique_lock).
#pragma once

#include <atomic>

namespace as::future::sync {

class SpinLock {
 public:
  void lock() {
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
    }
  }
  void unlock() {
    locked_.store(false, std::memory_order_release);
  }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace as::future::sync
