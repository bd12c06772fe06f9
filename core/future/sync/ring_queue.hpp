// core/future/sync/ring_queue.hpp — the FIFO buffer inside an mpsc channel.
//
// Owns: the values queued in a channel, in one power-of-two array used as a ring (head index +
// length). push_back and pop_front are an index mask and a move — no per-block bookkeeping as in
// std::deque (whose push/pop were a tenth of the pingpong profile). The array grows by doubling
// when full; it never shrinks, so a channel's steady state allocates nothing. A bounded channel's
// ring stops growing at the first power of two >= its capacity; it starts small (4 slots) so that
// a channel of large capacity that never fills costs little memory.
// Invariants: size() <= capacity(); capacity() is 0 or a power of two; slots
// [head, head + size) (mod capacity) hold live values, every other slot is raw memory.
// Not thread-safe: the channel's lock guards it.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace as::future::sync {

template <class T>
class RingQueue {
 public:
  RingQueue() = default;
  RingQueue(const RingQueue&) = delete;
  RingQueue& operator=(const RingQueue&) = delete;
  ~RingQueue() {
    while (size_ > 0) pop_front_discard();
    if (slots_) std::allocator<T>().deallocate(slots_, cap_);
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return cap_; }

  void push_back(T&& v) {
    if (size_ == cap_) grow();
    ::new (static_cast<void*>(slots_ + ((head_ + size_) & (cap_ - 1)))) T(std::move(v));
    ++size_;
  }
  // pop_front moves the oldest value out. Precondition: !empty().
  T pop_front() {
    T* slot = slots_ + head_;
    T v(std::move(*slot));
    slot->~T();
    head_ = (head_ + 1) & (cap_ - 1);
    --size_;
    return v;
  }

 private:
  void pop_front_discard() {
    slots_[head_].~T();
    head_ = (head_ + 1) & (cap_ - 1);
    --size_;
  }
  void grow() {
    const std::size_t cap = cap_ == 0 ? 4 : cap_ * 2;
    T* slots = std::allocator<T>().allocate(cap);
    for (std::size_t i = 0; i < size_; ++i) {
      T* from = slots_ + ((head_ + i) & (cap_ - 1));
      ::new (static_cast<void*>(slots + i)) T(std::move(*from));
      from->~T();
    }
    if (slots_) std::allocator<T>().deallocate(slots_, cap_);
    slots_ = slots;
    cap_ = cap;
    head_ = 0;
  }

  T* slots_ = nullptr;
  std::size_t cap_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace as::future::sync
