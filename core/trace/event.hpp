// core/trace/event.hpp — one recorded trace event: a fixed-size, trivially copyable record.
//
// Invariants: 48 bytes, no pointers (strings are interned ids), so events can be copied with
// memcpy and written to .astrace as they are (little-endian hosts only; the reader checks every
// field). While a runtime records, the Recorder keeps them compactly encoded (recorder.hpp) and
// decodes them into this form for readers.
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/trace/event_kinds.hpp"

namespace as::trace {

using TaskId = uint32_t;      // 0 = no task
using WorkerId = uint16_t;    // kNoWorker = no worker
using StringId = uint32_t;    // 0 = the empty string

struct Event {
  int64_t ts = 0;             // ns on the runtime's clock (virtual ns in sim, steady ns on os)
  EventKind kind = EventKind::Annotation;
  WorkerId worker = kNoWorker;
  TaskId task = 0;
  StringId loc = 0;           // interned "file:line function" of the user call, 0 = unknown
  uint32_t seq = 0;           // per-recorder tie-breaker assigned by the consumer side (see Recorder)
  uint64_t args[kMaxArgs] = {0, 0, 0};

  const EventKindInfo& info() const { return as::trace::info(kind); }
};

static_assert(sizeof(Event) == 48, "Event must stay 48 bytes");
static_assert(std::is_trivially_copyable_v<Event>);

}  // namespace as::trace
