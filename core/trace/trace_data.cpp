// core/trace/trace_data.cpp — snapshot(): a whole trace copied out of a live Recorder.
//
// Events are collected before the string table is copied: a string is always interned before an
// event referring to it is emitted, so every id in the copied events is in the copied table.
#include "core/trace/trace_data.hpp"

namespace as::trace {

TraceData snapshot(const Recorder& rec) {
  TraceData data;
  data.meta = rec.meta();
  data.events = rec.collect();
  data.strings = rec.strings();
  return data;
}

}  // namespace as::trace
