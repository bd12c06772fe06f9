// viz/model/event_store.hpp — every event of a trace, stored compactly (32 bytes instead of 48).
//
// Owns: the model's copy of the events in (ts, seq) order, addressed by EventIndex.
//
// Why compact: the model must stay under ~64 bytes per event in total (gotraceui needs ~30x the
// trace file size). A trace::Event is 48 bytes because its three args are u64; in practice almost
// every arg (task ids, counts, channel ids, byte sizes, reasons) fits in 32 bits. Each arg is
// stored as a u32; an arg that does not fit is stored in a side table of u64 and its slot holds the
// index there (a per-event flag bit says which). The round trip is exact: get(i) returns the very
// Event that was appended, except `seq`, which the model does not keep (the index is the order).
//
// Invariant: timestamps are non-decreasing by index (append clamps an event that arrives out of
// order to the last timestamp, so live streams from several writer threads stay sorted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/trace/event.hpp"
#include "viz/model/types.hpp"

namespace as::viz {

class EventStore {
 public:
  // append stores e (its ts is clamped up to the last stored ts) and returns its index.
  EventIndex append(const trace::Event& e);
  void reserve(size_t n) { events_.reserve(n); }

  size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }

  // get returns the full event at i (seq = i). Precondition: i < size().
  trace::Event get(EventIndex i) const;
  Time ts(EventIndex i) const { return events_[i].ts; }
  trace::EventKind kind(EventIndex i) const {
    return static_cast<trace::EventKind>(events_[i].kind);
  }
  TaskId task(EventIndex i) const { return events_[i].task; }
  WorkerId worker(EventIndex i) const { return events_[i].worker; }
  uint64_t arg(EventIndex i, int slot) const;

  // first_at_or_after returns the first index with ts >= t (size() if none).
  EventIndex first_at_or_after(Time t) const;
  // last_at_or_before returns the last index with ts <= t (kNoEvent if none).
  EventIndex last_at_or_before(Time t) const;

  // memory_bytes is the heap memory held (capacity, not size).
  size_t memory_bytes() const;

 private:
  struct Compact {
    int64_t ts;
    uint32_t task;
    uint32_t loc;
    uint32_t args[trace::kMaxArgs];
    uint16_t worker;
    uint8_t kind;
    uint8_t wide;  // bit k set: args[k] is an index into wide_args_
  };
  static_assert(sizeof(Compact) == 32, "compact events are 32 bytes");

  std::vector<Compact> events_;
  std::vector<uint64_t> wide_args_;
};

}  // namespace as::viz
