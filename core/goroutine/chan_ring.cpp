// core/goroutine/chan_ring.cpp — construction, destruction and len of ChanRing (chan_ring.hpp).
#include "core/goroutine/chan_ring.hpp"

#include <algorithm>
#include <bit>
#include <new>

namespace as::go::detail {

ChanRing::ChanRing(const ElemOps* ops, size_t capacity)
    : ops_(ops), cap_(capacity), mark_bit_(std::bit_ceil(uint64_t{capacity} + 1)) {
  one_lap_ = mark_bit_ * 2;
  lap_shift_ = static_cast<unsigned>(std::countr_zero(one_lap_));
  len_refresh_ = std::bit_floor(std::clamp<uint64_t>(cap_ / 16, kLenRefreshMin, kLenRefreshMax));
  // A slot is its stamp followed by the value, each slot aligned for both; a small slot is padded
  // to a cache line of its own unless that makes the ring bigger than kPadMaxBytes (file comment).
  const size_t align = std::max(alignof(SlotHeader), ops_->align);
  value_offset_ = (sizeof(SlotHeader) + ops_->align - 1) / ops_->align * ops_->align;
  stride_ = (value_offset_ + ops_->size + align - 1) / align * align;
  if (stride_ < kLine && cap_ <= kPadMaxBytes / kLine) stride_ = kLine;
  slots_ = static_cast<char*>(
      ::operator new(stride_* cap_, std::align_val_t(std::max<size_t>(align, kLine))));
  // Slot i starts free for the push at position i (lap 0).
  for (uint64_t i = 0; i < cap_; ++i) ::new (&slot(i)) SlotHeader{i};
}

ChanRing::~ChanRing() {
  // Values still buffered (nobody operates on a ring being destroyed).
  while (try_pop(nullptr) == Result::Ok) {
  }
  const size_t align = std::max(alignof(SlotHeader), ops_->align);
  ::operator delete(slots_, std::align_val_t(std::max<size_t>(align, kLine)));
}

size_t ChanRing::len() const {
  for (;;) {
    const uint64_t tail = tail_.load(std::memory_order_seq_cst);
    const uint64_t head = head_.load(std::memory_order_seq_cst);
    // A consistent pair: tail did not move while head was read.
    if (tail_.load(std::memory_order_seq_cst) == tail) return count(head, tail & ~mark_bit_);
  }
}

}  // namespace as::go::detail
