// viz/model/event_store.cpp — compact event storage (see event_store.hpp for the layout and why).
#include "viz/model/event_store.hpp"

#include <algorithm>

namespace as::viz {

EventIndex EventStore::append(const trace::Event& e) {
  Compact c{};
  c.ts = events_.empty() ? e.ts : std::max(e.ts, events_.back().ts);
  c.task = e.task;
  c.loc = e.loc;
  c.worker = e.worker;
  c.kind = static_cast<uint8_t>(e.kind);
  c.wide = 0;
  for (int k = 0; k < trace::kMaxArgs; ++k) {
    if (e.args[k] <= UINT32_MAX) {
      c.args[k] = static_cast<uint32_t>(e.args[k]);
    } else {
      c.args[k] = static_cast<uint32_t>(wide_args_.size());
      wide_args_.push_back(e.args[k]);
      c.wide = static_cast<uint8_t>(c.wide | (1u << k));
    }
  }
  events_.push_back(c);
  return static_cast<EventIndex>(events_.size() - 1);
}

uint64_t EventStore::arg(EventIndex i, int slot) const {
  const Compact& c = events_[i];
  return (c.wide >> slot) & 1u ? wide_args_[c.args[slot]] : c.args[slot];
}

trace::Event EventStore::get(EventIndex i) const {
  const Compact& c = events_[i];
  trace::Event e;
  e.ts = c.ts;
  e.kind = static_cast<trace::EventKind>(c.kind);
  e.worker = c.worker;
  e.task = c.task;
  e.loc = c.loc;
  e.seq = i;
  for (int k = 0; k < trace::kMaxArgs; ++k) e.args[k] = arg(i, k);
  return e;
}

EventIndex EventStore::first_at_or_after(Time t) const {
  auto it = std::lower_bound(events_.begin(), events_.end(), t,
                             [](const Compact& c, Time v) { return c.ts < v; });
  return static_cast<EventIndex>(it - events_.begin());
}

EventIndex EventStore::last_at_or_before(Time t) const {
  auto it = std::upper_bound(events_.begin(), events_.end(), t,
                             [](Time v, const Compact& c) { return v < c.ts; });
  if (it == events_.begin()) return kNoEvent;
  return static_cast<EventIndex>(it - events_.begin() - 1);
}

size_t EventStore::memory_bytes() const {
  return events_.capacity() * sizeof(Compact) + wide_args_.capacity() * sizeof(uint64_t);
}

}  // namespace as::viz
