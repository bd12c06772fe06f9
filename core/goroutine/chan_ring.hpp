// core/goroutine/chan_ring.hpp — the buffer of a channel shared between Ps: a bounded lock-free
// MPMC ring (Dmitry Vyukov's bounded queue, in the form crossbeam-channel's array flavour — the one
// Rust's std::sync::mpsc now uses — gives it for any capacity, not only powers of two).
//
// Owns: the buffered values of one channel and the two positions `head` (next value to receive)
// and `tail` (next free slot), plus the channel's "somebody waits" hint word `waiters`, which
// chan.cpp writes under the channel lock and reads on every operation (see chan.cpp: the hint
// lives here because this line is read-mostly, unlike the lock's).
//
// Why: with a lock around the buffer, every send and every receive writes the lock's cache line,
// so on two cores that line moves between them twice per value. Here a sender writes only the
// tail line (its own while one goroutine sends) and the slot it fills; a receiver writes only the
// head line and the slot it empties.
// Slot layout: each slot has a cache line of its own (while the ring stays within kPadMaxBytes).
// A busy channel is mostly almost full (a fast sender waits at the receivers' heels) or almost
// empty (receivers wait at the sender's): the two sides then work a few positions apart. Packed
// in order, four int slots to a line, those positions share a line, which then moved between the
// two cores on nearly every value while both wrote it (go fanout, cap 1024, two Ps, traced:
// 77-88 ns per value). One slot per line: 57-59 ns, untraced unchanged (30-36 ns). (Spreading
// neighbouring positions over different lines without padding — position i in line i mod L —
// did as well traced, but untraced it cost 47 ns: positions L apart share a line again, and the
// two sides settled at those distances.) Padding costs 64 bytes per slot; a ring bigger than
// kPadMaxBytes padded stays packed.
//
// How a position works: pos = lap | index. index (< cap) is the slot; lap counts passes over the
// ring in units of one_lap, a power of two above 2*cap, so lap + index never collide. The bit
// between them (mark_bit, above every index) is set in `tail` by close(): a push compares and
// swaps the whole of `tail`, so it either happens before close or sees the mark.
// Each slot carries a stamp saying what the slot waits for:
//   stamp == pos          the slot is free for the push at position pos;
//   stamp == pos + 1      it holds the value of the push at pos, waiting for the pop at pos;
//   stamp == pos + one_lap  the pop at pos emptied it: free for the push one lap later.
// A push reads `head` only when the slot at tail still holds last lap's value (ring full, or a
// pop in progress), a pop reads `tail` only when its slot is still empty (ring empty, or a push in
// progress) — so with values flowing, neither side reads the other side's line.
//
// Memory order: the stamp store that publishes a slot is a release, the stamp load an acquire,
// so the value travels with the stamp. The CAS on head/tail is seq_cst, and the "ring looks full
// / empty" check reads the other position with a seq_cst load: together with the seq_cst store
// of `waiters` by a goroutine about to park, this is the Dekker pair chan.cpp relies on (either
// the parker sees the value or room, or the operation that made it sees the parker).
// Invariant: every value constructed into a slot is moved out or destroyed exactly once (by a
// pop, or by the destructor for values still buffered).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "core/goroutine/elem_ops.hpp"

namespace as::go::detail {

class ChanRing {
 public:
  enum class Result : uint8_t { Ok, Full, Empty, Closed };
  // Bits of `waiters`: at least one goroutine is (or is about to be) queued to receive / send.
  static constexpr uint32_t kRecvWaiting = 1;
  static constexpr uint32_t kSendWaiting = 2;

  ChanRing(const ElemOps* ops, size_t capacity);
  ~ChanRing();
  ChanRing(const ChanRing&) = delete;
  ChanRing& operator=(const ChanRing&) = delete;
  static void* operator new(size_t size) { return ::operator new(size, std::align_val_t(64)); }
  static void operator delete(void* p) { ::operator delete(p, std::align_val_t(64)); }

  // try_push moves *ep into the tail slot. Full: no room; Closed: close() came first (ep is left
  // untouched in both cases). stamp() runs once the push has found its free slot and before the
  // value is published (a send's trace time: always before the receive of the same value).
  // *pos is the position the value took (for len_after_push).
  template <class Stamp>
  Result try_push(void* ep, Stamp&& stamp, uint64_t* pos) {
    return try_push(
        ep, stamp, [](uint64_t) {}, pos);
  }
  // claimed(pos) runs after the slot is won and before the value is published: the last moment
  // the sender may touch the channel without a reference to it (once a receiver has the value,
  // the channel's owner may destroy it — Go's GC would keep it alive).
  template <class Stamp, class Claimed>
  Result try_push(void* ep, Stamp&& stamp, Claimed&& claimed, uint64_t* pos);
  Result try_push(void* ep) {
    uint64_t pos;
    return try_push(
        ep, [] {}, &pos);
  }
  // try_pop moves the head value into raw storage ep (or destroys it if ep is null). Empty: no
  // value; Closed: no value and close() was called. *pos is the position taken.
  Result try_pop(void* ep, uint64_t* pos);
  Result try_pop(void* ep) {
    uint64_t pos;
    return try_pop(ep, &pos);
  }
  // close sets the mark in tail: every later push returns Closed.
  void close() { tail_.fetch_or(mark_bit_, std::memory_order_seq_cst); }
  // len is the number of buffered values (a snapshot: exact when nobody else is operating).
  size_t len() const;
  // len_after_push / len_after_pop: the buffered count right after the push / pop at pos, for
  // the trace (len_after). Exact (the other side's position read now) in an exact ring; else the
  // other side's position is read only every len_refresh_-th operation and remembered in between
  // (head_seen_ / tail_seen_, on this side's own line): reading it on every operation would pull
  // the other side's line over on every value — the very cost the ring exists to avoid — and
  // every read also makes the other side's next CAS on that line a cache miss. The estimate is
  // then off by what the other side did since the last read: a send may report a few values too
  // many, a receive a few too few; both stay within [0, cap]. len_refresh_ grows with the
  // capacity (cap/16, a power of two in [8, 64]): a big buffer's estimate may be older for the
  // same relative error (a cap-1024 ring reads the other side every 64th operation; reading it
  // every 8th cost a two-core fan-out ~10% of its time per value).
  size_t len_after_push(uint64_t pos) {
    return count(other_position(pos, head_, head_seen_), next(pos));
  }
  size_t len_after_pop(uint64_t pos) {
    return count(next(pos), other_position(pos, tail_, tail_seen_));
  }
  // set_exact_len(true): len_after_* always read the other side (the simulation, where there is
  // no other core, so it costs nothing and traces stay exact).
  void set_exact_len(bool exact) { exact_len_ = exact; }

  // The slot layout, for tests: bytes from one slot to the next (see the file comment).
  size_t slot_stride() const { return stride_; }
  static constexpr size_t kPadMaxBytes = size_t{256} << 10;

  // The waiter hint (see chan.cpp). Kept apart from head and tail: written only when a goroutine
  // parks or is woken, read by every operation.
  std::atomic<uint32_t> waiters{0};

 private:
  struct SlotHeader {
    std::atomic<uint64_t> stamp;
  };
  SlotHeader& slot(uint64_t index) const {
    return *reinterpret_cast<SlotHeader*>(slots_ + index * stride_);
  }
  void* value(SlotHeader& s) const { return reinterpret_cast<char*>(&s) + value_offset_; }
  // next is the position after pos: the next index, or index 0 of the next lap.
  uint64_t next(uint64_t pos) const {
    return (pos & (mark_bit_ - 1)) + 1 < cap_ ? pos + 1 : (pos & ~(one_lap_ - 1)) + one_lap_;
  }
  // seq numbers positions 0, 1, 2, ... across laps (the mark bit ignored).
  uint64_t seq(uint64_t pos) const { return (pos >> lap_shift_) * cap_ + (pos & (mark_bit_ - 1)); }
  // count is tail - head in values, clamped to [0, cap] (the two reads may be from different
  // moments).
  size_t count(uint64_t head, uint64_t tail) const {
    const auto d = static_cast<int64_t>(seq(tail) - seq(head));
    return d <= 0 ? 0 : (static_cast<uint64_t>(d) > cap_ ? cap_ : static_cast<size_t>(d));
  }
  static constexpr size_t kLine = 64;  // cache line bytes
  static constexpr uint64_t kLenRefreshMin = 8;
  static constexpr uint64_t kLenRefreshMax = 64;
  uint64_t other_position(uint64_t pos, const std::atomic<uint64_t>& other,
                          std::atomic<uint64_t>& seen) {
    if (exact_len_ || (seq(pos) & (len_refresh_ - 1)) == 0) {
      const uint64_t now = other.load(std::memory_order_relaxed);
      seen.store(now, std::memory_order_relaxed);
      return now;
    }
    return seen.load(std::memory_order_relaxed);
  }
  // backoff spins while another goroutine is between winning a slot and publishing it; a long
  // wait means its thread was descheduled, so yield the CPU to it.
  static void backoff(int& spins) {
    if (++spins > 64) {
      std::this_thread::yield();
      spins = 0;
      return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  // Written by receivers (head) and by senders (tail): one cache line each, with that side's
  // remembered view of the other side's position (len_after_*).
  alignas(64) std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_seen_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
  std::atomic<uint64_t> head_seen_{0};
  // Read-only after construction (shares its line with `waiters`).
  alignas(64) const ElemOps* ops_;
  bool exact_len_ = true;
  uint64_t cap_;
  uint64_t mark_bit_;     // smallest power of two > cap: above every index
  uint64_t one_lap_;      // 2 * mark_bit_
  unsigned lap_shift_;    // log2(one_lap_)
  uint64_t len_refresh_;  // a power of two: see len_after_push
  size_t value_offset_;
  size_t stride_;  // bytes per slot: at least a cache line while the ring is padded
  char* slots_;
};

template <class Stamp, class Claimed>
ChanRing::Result ChanRing::try_push(void* ep, Stamp&& stamp, Claimed&& claimed, uint64_t* pos) {
  uint64_t tail = tail_.load(std::memory_order_relaxed);
  bool stamped = false;
  int spins = 0;
  for (;;) {
    if (tail & mark_bit_) return Result::Closed;
    SlotHeader& s = slot(tail & (mark_bit_ - 1));
    const uint64_t st = s.stamp.load(std::memory_order_acquire);
    if (st == tail) {
      // The slot is free for this lap: stamp (once), then claim it by moving tail on.
      if (!stamped) {
        stamp();
        stamped = true;
      }
      if (tail_.compare_exchange_weak(tail, next(tail), std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
        claimed(tail);
        ops_->move_construct(value(s), ep);
        s.stamp.store(tail + 1, std::memory_order_release);
        *pos = tail;
        return Result::Ok;
      }
      // Another sender moved tail first (tail now holds its value): try the next slot.
    } else if (st + one_lap_ == tail + 1) {
      // The slot still holds last lap's value: full, unless a pop of it is under way.
      const uint64_t head = head_.load(std::memory_order_seq_cst);
      if (head + one_lap_ == tail) return Result::Full;
      backoff(spins);
      tail = tail_.load(std::memory_order_relaxed);
    } else {
      // Another sender claimed this slot and has not published it yet.
      backoff(spins);
      tail = tail_.load(std::memory_order_relaxed);
    }
  }
}

inline ChanRing::Result ChanRing::try_pop(void* ep, uint64_t* pos) {
  uint64_t head = head_.load(std::memory_order_relaxed);
  int spins = 0;
  for (;;) {
    SlotHeader& s = slot(head & (mark_bit_ - 1));
    const uint64_t st = s.stamp.load(std::memory_order_acquire);
    if (st == head + 1) {
      // The slot holds the value for this position: claim it by moving head on.
      if (head_.compare_exchange_weak(head, next(head), std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
        void* v = value(s);
        if (ep) ops_->move_construct(ep, v);
        ops_->destroy(v);
        s.stamp.store(head + one_lap_, std::memory_order_release);
        *pos = head;
        return Result::Ok;
      }
    } else if (st == head) {
      // The slot is still empty: the ring is empty, unless a push into it is under way.
      const uint64_t tail = tail_.load(std::memory_order_seq_cst);
      if ((tail & ~mark_bit_) == head) return (tail & mark_bit_) ? Result::Closed : Result::Empty;
      backoff(spins);
      head = head_.load(std::memory_order_relaxed);
    } else {
      // Another receiver took this position first.
      backoff(spins);
      head = head_.load(std::memory_order_relaxed);
    }
  }
}

}  // namespace as::go::detail
