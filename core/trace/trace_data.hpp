// core/trace/trace_data.hpp — a whole trace in memory: metadata, string table, events.
// What the .astrace reader returns, what exporters and the app's model consume.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/trace/recorder.hpp"

namespace as::trace {

struct TraceData {
  TraceMeta meta;
  std::vector<std::string> strings;  // index = StringId; strings[0] == ""
  std::vector<Event> events;         // sorted by (ts, seq)

  const std::string& str(StringId id) const {
    static const std::string empty;
    return id < strings.size() ? strings[id] : empty;
  }
};

// snapshot copies everything recorded so far (events sorted by time).
TraceData snapshot(const Recorder& rec);

// A trace file that cannot be read: the message names the file and the byte offset.
struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace as::trace
