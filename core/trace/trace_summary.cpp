// core/trace/trace_summary.cpp — one pass over the events; see trace_summary.hpp.
#include "core/trace/trace_summary.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>

namespace as::trace {

std::string_view error_kind_name(uint64_t kind) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "deadlock",  "panic",     "stack overflow", "lost waker",
      "long poll", "self wake", "large future",   "error"};
  return kind < kNames.size() ? kNames[kind] : std::string_view("error");
}

std::string_view model_name(ModelKind model) {
  return model == ModelKind::Future ? "future" : "goroutine";
}

namespace {
// a - b without signed overflow (untrusted files may hold any timestamps); 0 if a < b.
int64_t saturated_diff(int64_t a, int64_t b) {
  if (a <= b) return 0;
  const uint64_t d = static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
  return d > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(d);
}
}  // namespace

TraceSummary summarize(const TraceData& data) {
  TraceSummary s;
  s.events = data.events.size();
  if (!data.events.empty()) {
    s.first_ts = data.events.front().ts;
    s.last_ts = data.events.back().ts;
    s.duration_ns = saturated_diff(s.last_ts, s.first_ts);
  }
  std::array<size_t, kEventKindCount> counts{};
  std::unordered_set<WorkerId> workers;
  std::unordered_set<TaskId> tasks;
  for (const Event& e : data.events) {
    const auto k = static_cast<size_t>(e.kind);
    if (k >= kEventKindCount) continue;  // TraceData from the reader never has these
    ++counts[k];
    if (e.worker != kNoWorker) workers.insert(e.worker);
    const EventKindInfo& inf = kEventKinds[k];
    if (inf.lane == Lane::Task && e.task != 0) tasks.insert(e.task);
    if (e.kind == EventKind::TaskCreate) ++s.tasks_created;
    if (e.kind == EventKind::RuntimeError)
      s.errors.push_back({e.ts, saturated_diff(e.ts, s.first_ts), e.args[0],
                          data.str(static_cast<StringId>(e.args[1])),
                          static_cast<TaskId>(e.args[2])});
  }
  s.workers_seen = workers.size();
  s.tasks_seen = tasks.size();
  for (size_t k = 0; k < kEventKindCount; ++k)
    if (counts[k] != 0) s.counts.push_back({kEventKinds[k].name, counts[k]});
  std::sort(s.counts.begin(), s.counts.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return s;
}

}  // namespace as::trace
