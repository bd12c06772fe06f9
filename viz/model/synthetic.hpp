// viz/model/synthetic.hpp — synthetic traces that look like real runs, of any size.
//
// Owns: a generator of goroutine-like and future-like event streams with the shape of real runs:
// workers running tasks in turns, tasks blocking on channels / timers / I/O / mutexes and being
// woken by other tasks (with causes), spawns, steals, preemptions, syscalls with P handoff, queue
// length counters, stack samples and frame sizes. Used by bench/viz_bench.cpp, the model's tests
// and the app's tests; deterministic for a given (kind, events, seed).
//
// The stream is a real simulation of a tiny scheduler (per-worker queues, a global queue,
// blocking objects), so every event is consistent: a task starts only when runnable, an unblock
// always names a task that is blocked, channel lengths follow sends and receives.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/trace/trace_data.hpp"

namespace as::viz {

struct SyntheticOptions {
  trace::ModelKind model = trace::ModelKind::Goroutine;
  size_t events = 100000;  // stop after at least this many events (+ a few to finish cleanly)
  uint32_t workers = 8;
  uint32_t tasks = 1000;  // tasks alive at once (new ones are spawned as others finish)
  uint64_t seed = 1;
  uint32_t channels = 64;
};

// make_synthetic_trace generates a trace (strings, meta and events sorted by (ts, seq)).
trace::TraceData make_synthetic_trace(const SyntheticOptions& options);

}  // namespace as::viz
