// tests/viz/model_test_trace.hpp — a tiny helper to write traces by hand in model tests.
#pragma once

#include <string>

#include "core/trace/trace_data.hpp"

namespace as::viz::test {

using trace::EventKind;
using trace::kNoWorker;
using trace::Reason;

// HandTrace appends events in order; seq is the index (as the recorder's collect() does).
struct HandTrace {
  trace::TraceData data;
  explicit HandTrace(trace::ModelKind model) {
    data.meta.model = model;
    data.strings = {""};
  }
  trace::StringId str(const std::string& s) {
    data.strings.push_back(s);
    return static_cast<trace::StringId>(data.strings.size() - 1);
  }
  HandTrace& ev(int64_t ts, EventKind kind, trace::WorkerId w, trace::TaskId task, uint64_t a0 = 0,
                uint64_t a1 = 0, uint64_t a2 = 0) {
    trace::Event e;
    e.ts = ts;
    e.kind = kind;
    e.worker = w;
    e.task = task;
    e.seq = static_cast<uint32_t>(data.events.size());
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    data.events.push_back(e);
    return *this;
  }
  static uint64_t r(Reason reason) { return static_cast<uint64_t>(reason); }
};

}  // namespace as::viz::test
