// core/trace/astrace.hpp — the native .astrace binary format: writer and (untrusted-input) reader.
// The byte layout is documented in astrace.cpp and README.md.
#pragma once

#include <string>

#include "core/trace/trace_data.hpp"

namespace as::trace {

// write_astrace writes `data` to `path` (atomically: temp file + rename). Throws TraceError.
void write_astrace(const std::string& path, const TraceData& data);
// read_astrace reads and validates a file. Throws TraceError("FILE: offset N: what") on any defect.
TraceData read_astrace(const std::string& path);

}  // namespace as::trace
