// core/trace/perfetto_json.hpp — export to Chrome Trace Event JSON (opens in Perfetto and
// chrome://tracing): ts in µs rebased to 0, a process per runtime, a thread per worker, task-run
// slices, flow arrows for every wakeup, counters for queue lengths and stack bytes.
#pragma once

#include <ostream>
#include <string>

#include "core/trace/trace_data.hpp"

namespace as::trace {

void write_perfetto_json(std::ostream& out, const TraceData& data);
void write_perfetto_json_file(const std::string& path, const TraceData& data);  // throws TraceError

}  // namespace as::trace
