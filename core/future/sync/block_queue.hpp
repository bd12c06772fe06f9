// core/future/sync/block_queue.hpp — the FIFO inside an mpsc channel: a linked list of blocks of
// 32 slots (tokio sync/mpsc/{list,block}.rs), written by senders, read by ONE receiver.
//
// Owns: the values queued in a channel and the blocks holding them.
// Two sides, each touching its own cache line:
//   - senders append (push) one at a time — the CALLER serializes them (the channel's lock); a
//     push writes the value into the tail block, links a fresh block when the tail one is full,
//     and then publishes the new tail position with a release store;
//   - the receiver takes (pop) WITHOUT any lock: everything below published() (an acquire load)
//     is written and stays put. At a block's end it follows `next` (linked before the position
//     past the end was published) and hands the finished block back to the senders as the spare
//     (one block is recycled, so a steady channel does not call the allocator).
// Why not Tokio's fully lock-free list (senders claim slots with fetch_add and set ready bits)?
// Our senders already take the channel's lock for back-pressure and the receiver's waker, so
// serialized appends cost nothing extra; what the lock must not do is make the receiver wait for
// a sender (or a sender for the receiver) on every operation — and here it never does.
// Invariants: head() <= published(); positions [head, published) hold live values, in the blocks
// from the receiver's block on; a block is reached by the receiver only through `next`, and is
// recycled only after the receiver moved past it (the senders' block is never the recycled one).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace as::future::sync {

template <class T>
class BlockQueue {
 public:
  static constexpr uint64_t kBlockSlots = 32;

  BlockQueue() : tx_block_(new Block(0)), rx_block_(tx_block_) {}
  BlockQueue(const BlockQueue&) = delete;
  BlockQueue& operator=(const BlockQueue&) = delete;
  // The destructor runs when no sender or receiver uses the queue any more.
  ~BlockQueue() {
    const uint64_t end = tail_.load(std::memory_order_acquire);
    while (head_ < end) (void)pop();
    for (Block* b = rx_block_; b != nullptr;) delete std::exchange(b, b->next.load());
    delete spare_.load();
  }

  // ---- senders' side (callers serialize) ------------------------------------------------------
  // tail is the position the next push writes (= how many values were ever pushed).
  uint64_t tail() const { return tail_.load(std::memory_order_relaxed); }
  void push(T&& v) {
    const uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t == tx_block_->start + kBlockSlots) {
      Block* b = spare_.exchange(nullptr, std::memory_order_acquire);
      if (b) {
        b->start = t;
        b->next.store(nullptr, std::memory_order_relaxed);
      } else {
        b = new Block(t);
      }
      tx_block_->next.store(b, std::memory_order_release);
      tx_block_ = b;
    }
    ::new (static_cast<void*>(tx_block_->slot(t - tx_block_->start))) T(std::move(v));
    tail_.store(t + 1, std::memory_order_release);  // publish: the receiver may take it now
  }

  // ---- the receiver's side (one receiver at a time) ---------------------------------------------
  // published: every position below it holds a value the receiver may take.
  uint64_t published() const { return tail_.load(std::memory_order_acquire); }
  uint64_t head() const { return head_; }
  // pop moves the oldest value out. Precondition: head() < published().
  T pop() {
    if (head_ == rx_block_->start + kBlockSlots) {
      Block* done = rx_block_;
      rx_block_ = done->next.load(std::memory_order_acquire);
      delete spare_.exchange(done, std::memory_order_acq_rel);  // keep one block for the senders
    }
    T* slot = rx_block_->slot(head_ - rx_block_->start);
    T v(std::move(*slot));
    slot->~T();
    ++head_;
    return v;
  }

 private:
  struct Block {
    explicit Block(uint64_t s) : start(s) {}
    uint64_t start;  // position of slot 0
    std::atomic<Block*> next{nullptr};
    alignas(T) unsigned char storage[kBlockSlots * sizeof(T)];
    T* slot(uint64_t i) { return std::launder(reinterpret_cast<T*>(storage + i * sizeof(T))); }
  };

  // senders' line
  std::atomic<uint64_t> tail_{0};
  Block* tx_block_;
  // receiver's line
  alignas(64) uint64_t head_ = 0;
  Block* rx_block_;
  std::atomic<Block*> spare_{nullptr};
};

}  // namespace as::future::sync
