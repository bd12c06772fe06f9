// core/trace/trace_summary.hpp — the facts `asyncscope info` prints about a trace: time span,
// workers, tasks, counts per event kind, runtime errors. UI-free; the app can show the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_data.hpp"

namespace as::trace {

// error_kind_name names an ErrorKind value ("deadlock", "panic", ...; "error" if unknown).
std::string_view error_kind_name(uint64_t kind);
// model_name names a ModelKind ("goroutine" or "future").
std::string_view model_name(ModelKind model);

struct TraceSummary {
  size_t events = 0;
  int64_t first_ts = 0;  // 0 when there are no events
  int64_t last_ts = 0;
  int64_t duration_ns = 0;
  size_t workers_seen = 0;   // distinct workers named by any event
  size_t tasks_created = 0;  // task.create events
  size_t tasks_seen = 0;     // distinct task ids of task-lane events
  struct KindCount {
    std::string_view name;
    size_t count;
  };
  std::vector<KindCount> counts;  // every kind that occurs, sorted by name
  struct Error {
    int64_t ts;
    int64_t since_start;  // ts - first_ts (saturated)
    uint64_t kind;        // ErrorKind
    std::string message;
    TaskId task;
  };
  std::vector<Error> errors;  // runtime.error events in time order
};

TraceSummary summarize(const TraceData& data);

}  // namespace as::trace
