// lessons/trace_context.hpp — what lesson conditions know about one run's trace besides the event
// they are looking at: the string table, task names, worker names and when the run started.
//
// Owns: a cache of resolved strings and the task/worker names seen so far in one run.
// Invariant: observe() is called for every event of the run, in order, before that event is
// matched — so a TaskCreate has always been observed before the task's other events are tested.
// Why a cache: a live Recorder's string() takes a lock; conditions test many events.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "core/trace/event.hpp"

namespace as::lessons {

// StringLookup resolves an interned string id of the run's Recorder (or TraceData).
using StringLookup = std::function<std::string(trace::StringId)>;

class TraceContext {
 public:
  TraceContext() = default;
  explicit TraceContext(StringLookup strings) : strings_(std::move(strings)) {}

  // set_strings replaces the string lookup (and forgets cached strings).
  void set_strings(StringLookup strings) {
    strings_ = std::move(strings);
    cache_.clear();
  }

  // observe learns from one event: task names (TaskCreate), worker names (WorkerStart), the
  // run's start time (first event, or RuntimeStart).
  void observe(const trace::Event& e) {
    if (!started_) {
      started_ = true;
      start_ts_ = e.ts;
    }
    // The first RuntimeStart is the run's origin (a scenario may start a second runtime later).
    if (e.kind == trace::EventKind::RuntimeStart && !runtime_started_) {
      runtime_started_ = true;
      start_ts_ = e.ts;
    }
    if (e.kind == trace::EventKind::TaskCreate)
      task_names_[e.task] = string(static_cast<trace::StringId>(e.args[1]));
    if (e.kind == trace::EventKind::WorkerStart && e.worker != trace::kNoWorker)
      worker_names_[e.worker] = string(static_cast<trace::StringId>(e.args[0]));
  }

  // string returns the text of an interned id ("" when there is no lookup or for id 0).
  const std::string& string(trace::StringId id) const {
    static const std::string empty;
    if (id == 0 || !strings_) return empty;
    auto it = cache_.find(id);
    if (it == cache_.end()) it = cache_.emplace(id, strings_(id)).first;
    return it->second;
  }

  // task_name returns the name a task was created with, or "#<id>" if it had none (or 0 → "").
  std::string task_name(trace::TaskId id) const {
    if (id == 0) return {};
    auto it = task_names_.find(id);
    if (it != task_names_.end() && !it->second.empty()) return it->second;
    return "#" + std::to_string(id);
  }

  // worker_name returns the WorkerStart name of a worker, or "" if unknown.
  std::string worker_name(trace::WorkerId id) const {
    auto it = worker_names_.find(id);
    return it == worker_names_.end() ? std::string() : it->second;
  }

  bool started() const { return started_; }
  // start_ts is the time of the first RuntimeStart (or of the first event): "time >= 5ms" counts
  // from it.
  int64_t start_ts() const { return start_ts_; }

 private:
  StringLookup strings_;
  mutable std::unordered_map<trace::StringId, std::string> cache_;
  std::unordered_map<trace::TaskId, std::string> task_names_;
  std::unordered_map<trace::WorkerId, std::string> worker_names_;
  bool started_ = false;
  bool runtime_started_ = false;
  int64_t start_ts_ = 0;
};

}  // namespace as::lessons
