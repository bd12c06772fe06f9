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
  // A slot is its stamp followed by the value, each slot aligned for both. A slot smaller than a
  // line is rounded up to a power of two so that whole slots tile a line (place()).
  const size_t align = std::max(alignof(SlotHeader), ops_->align);
  value_offset_ = (sizeof(SlotHeader) + ops_->align - 1) / ops_->align * ops_->align;
  stride_ = (value_offset_ + ops_->size + align - 1) / align * align;
  if (stride_ < kLine) stride_ = std::bit_ceil(stride_);
  const uint64_t per_line = stride_ < kLine ? kLine / stride_ : 1;
  per_line_shift_ = static_cast<unsigned>(std::countr_zero(per_line));
  if (per_line == 1) {
    // One slot per line already: place(i) = i (every index is below L = 2^lines_shift_).
    lines_shift_ = static_cast<unsigned>(std::countr_zero(std::bit_ceil(cap_)));
    slot_count_ = cap_;
  } else {
    const uint64_t lines = std::bit_ceil((cap_ + per_line - 1) / per_line);
    lines_shift_ = static_cast<unsigned>(std::countr_zero(lines));
    slot_count_ = lines * per_line;
  }
  line_mask_ = (uint64_t{1} << lines_shift_) - 1;
  slots_ = static_cast<char*>(
      ::operator new(stride_* slot_count_, std::align_val_t(std::max<size_t>(align, kLine))));
  // Slot i starts free for the push at position i (lap 0). (Places of no index stay unused.)
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
