// core/trace/astrace.hpp — the native .astrace binary format: writer and (untrusted-input) reader.
// The byte layout is documented in astrace.cpp and README.md.
//
// A file is a header followed by length-prefixed blocks (META, STRINGS, EVENTS, END), so it can be
// written incrementally while a runtime runs (see FileSink) as well as in one go (write_astrace).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_data.hpp"

namespace as::trace {

// write_astrace writes `data` to `path` (atomically: temp file + rename). Throws TraceError.
void write_astrace(const std::string& path, const TraceData& data);
// read_astrace reads and validates a file. Throws TraceError("FILE: offset N: what") on any defect.
TraceData read_astrace(const std::string& path);
// parse_astrace validates and decodes a whole file already in memory; `name` is used in errors.
TraceData parse_astrace(std::string_view bytes, const std::string& name);

// Format constants (see the layout in astrace.cpp).
inline constexpr char kAstraceMagic[8] = {'A', 'S', 'T', 'R', 'A', 'C', 'E', '\0'};
inline constexpr uint32_t kAstraceVersion = 1;
enum class BlockType : uint32_t { Meta = 1, Strings = 2, Events = 3, End = 4 };

// check_event tells whether `e` is well-formed against the event table with `string_count`
// strings defined: kind in range, unused args zero, String ids < string_count, Reason values
// < Reason::kCount, Task/Worker/Enum values in their range. On failure it sets *why.
bool check_event(const Event& e, size_t string_count, std::string* why);

// AstraceWriter emits the blocks of one .astrace stream to an open FILE (not owned). It keeps the
// counts the END block needs and validates events before writing them, so it never produces a
// file the reader would reject. Every method throws TraceError("NAME: ...") on failure.
class AstraceWriter {
 public:
  AstraceWriter(std::FILE* file, std::string name);
  void header();
  void meta(const TraceMeta& meta);
  // strings appends ids string_count()..string_count()+n-1. (Id 0, the empty string, is implicit.)
  void strings(const std::string* first, size_t n);
  // events appends n events; every string id they use must already be written.
  void events(const Event* first, size_t n);
  void end();

  size_t string_count() const { return string_count_; }  // including the implicit id 0
  uint64_t event_count() const { return event_count_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  void put(const void* p, size_t n);
  void block_header(BlockType type, uint64_t payload_bytes);

  std::FILE* file_;
  std::string name_;
  size_t string_count_ = 1;
  uint64_t event_count_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace as::trace
