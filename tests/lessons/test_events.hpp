// tests/lessons/test_events.hpp — hand-made traces for the lesson tests: a string table plus
// events built with one call each, so a test reads like the run it stands for.
#pragma once

#include <string>
#include <vector>

#include "core/trace/event.hpp"
#include "lessons/trace_context.hpp"

namespace as::lessons::test {

struct HandTrace {
  std::vector<std::string> strings{""};
  std::vector<trace::Event> events;
  int64_t now = 0;

  trace::StringId intern(const std::string& s) {
    for (size_t i = 0; i < strings.size(); ++i)
      if (strings[i] == s) return static_cast<trace::StringId>(i);
    strings.push_back(s);
    return static_cast<trace::StringId>(strings.size() - 1);
  }
  StringLookup lookup() const {
    return [this](trace::StringId id) { return id < strings.size() ? strings[id] : std::string(); };
  }
  trace::Event& add(trace::EventKind k, trace::TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
                    uint64_t a2 = 0, trace::WorkerId worker = 0) {
    trace::Event e;
    e.ts = now;
    now += 100;
    e.kind = k;
    e.task = task;
    e.worker = worker;
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    e.seq = static_cast<uint32_t>(events.size());
    events.push_back(e);
    return events.back();
  }
  void create(trace::TaskId id, const std::string& name) {
    add(trace::EventKind::TaskCreate, id, 0, intern(name));
  }
  void start(trace::TaskId id, trace::WorkerId w = 0) {
    add(trace::EventKind::TaskStart, id, 0, 0, 0, w);
  }
  void block(trace::TaskId id, trace::Reason r) {
    add(trace::EventKind::TaskBlock, id, static_cast<uint64_t>(r));
  }
  void poll_end(trace::TaskId id, trace::PollResult r) {
    add(trace::EventKind::PollEnd, id, static_cast<uint64_t>(r));
  }
  void steal(trace::WorkerId from, trace::WorkerId to, uint64_t count) {
    add(trace::EventKind::Steal, 0, from, to, count, to);
  }
  void stop_runtime() { add(trace::EventKind::RuntimeStop, 0, 0); }
};

}  // namespace as::lessons::test
