// core/trace/synthetic_trace.hpp — a plausible, deterministic scheduling trace without a runtime.
//
// Used by the trace benchmarks and tests (and handy for trying the exporters): workers run tasks
// that send on channels, block, get unblocked by other tasks, yield, get stolen, and update queue
// and stack counters — the event mix a real runtime emits — driven by a seeded generator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/trace/recorder.hpp"

namespace as::trace {

struct SyntheticOptions {
  size_t events = 10000;  // approximate number of events to emit
  int workers = 2;
  int tasks = 16;
  uint64_t seed = 1;
};

// emit_synthetic_trace emits about `o.events` events into `rec` (timestamps via emit_at, starting
// at 1000 ns and strictly increasing) and fills rec.meta(). Every run slice it opens it closes.
void emit_synthetic_trace(Recorder& rec, const SyntheticOptions& o);

}  // namespace as::trace
