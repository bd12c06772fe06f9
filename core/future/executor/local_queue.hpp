// core/future/executor/local_queue.hpp — a worker's bounded run queue that others can steal from
// (tokio runtime/scheduler/multi_thread/queue.rs; Go's runq in proc.go).
//
// Owns: a ring of 256 task pointers. Only the owning worker pushes (at tail); the owner pops and
// thieves steal at head. head is advanced by CAS; a consumer copies the slots it wants first and
// then claims them with one CAS on head — if the CAS fails someone else took them and it retries.
// This is safe because the owner never overwrites a slot in [head, head+256): a stale copy can
// only be of slots whose claim will fail.
//
// Invariants: 0 <= tail - head <= 256 (uint32 arithmetic, wrap-safe); stealing takes half
// (rounded up) of what is there, at most 128; slots are atomics so ThreadSanitizer sees the
// protocol, not a race.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "core/future/task/raw_task.hpp"

namespace as::future {

class LocalQueue {
 public:
  static constexpr uint32_t kCapacity = 256;

  // push_back appends t (owner only). false = full (the caller overflows to the inject queue).
  bool push_back(RawTask* t) {
    const uint32_t h = head_.load(std::memory_order_acquire);
    const uint32_t tl = tail_.load(std::memory_order_relaxed);
    if (tl - h >= kCapacity) return false;
    buf_[tl % kCapacity].store(t, std::memory_order_relaxed);
    tail_.store(tl + 1, std::memory_order_release);
    return true;
  }

  // pop takes the oldest task (owner only).
  RawTask* pop() {
    for (;;) {
      uint32_t h = head_.load(std::memory_order_acquire);
      const uint32_t tl = tail_.load(std::memory_order_relaxed);
      if (h == tl) return nullptr;
      RawTask* t = buf_[h % kCapacity].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel,
                                      std::memory_order_relaxed))
        return t;
    }
  }

  // grab claims half of the queue (rounded up) into out (capacity >= 128); returns the count.
  // Any thread (the owner uses it to overflow, thieves to steal).
  uint32_t grab(RawTask** out) {
    for (;;) {
      uint32_t h = head_.load(std::memory_order_acquire);
      const uint32_t tl = tail_.load(std::memory_order_acquire);
      uint32_t n = tl - h;
      n = n - n / 2;
      if (n == 0) return 0;
      if (n > kCapacity / 2) continue;  // read head and tail at different moments: retry
      for (uint32_t i = 0; i < n; ++i)
        out[i] = buf_[(h + i) % kCapacity].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, h + n, std::memory_order_acq_rel,
                                      std::memory_order_relaxed))
        return n;
    }
  }

  uint32_t len() const {
    const uint32_t h = head_.load(std::memory_order_acquire);  // head first: tail >= head then
    return tail_.load(std::memory_order_acquire) - h;
  }
  bool empty() const { return len() == 0; }
  uint32_t head() const { return head_.load(std::memory_order_acquire); }
  uint32_t tail() const { return tail_.load(std::memory_order_acquire); }

 private:
  alignas(64) std::atomic<uint32_t> head_{0};
  alignas(64) std::atomic<uint32_t> tail_{0};
  std::array<std::atomic<RawTask*>, kCapacity> buf_{};
};

}  // namespace as::future
