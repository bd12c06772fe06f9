// viz/model/model_queries.cpp — the read side of TraceModel: identity, navigation, lane queries
// with level-of-detail folding, hit testing, wake edges and chains, samples and totals.
// Every query is a binary search into time-sorted storage plus work bounded by what is visible.
#include <algorithm>
#include <cmath>

#include "viz/model/lod.hpp"
#include "viz/model/replay_state.hpp"
#include "viz/model/trace_model.hpp"

namespace as::viz {

namespace {
using trace::EventKind;
constexpr uint32_t kNone = ~0u;

// Span-list views over the two lane kinds (see lod.hpp for the contract).
struct RunSpanList {
  std::span<const RunSpan> spans;
  Time end;
  uint32_t size() const { return static_cast<uint32_t>(spans.size()); }
  Time t0(uint32_t k) const { return spans[k].t0; }
  Time t1(uint32_t k) const {
    return spans[k].t1 == kTimeMax ? std::max(end, spans[k].t0) : spans[k].t1;
  }
  uint64_t key(uint32_t k) const { return spans[k].task; }
};
struct StateSpanList {
  std::span<const StateChange> changes;
  Time end;
  uint32_t size() const { return static_cast<uint32_t>(changes.size()); }
  Time t0(uint32_t k) const { return changes[k].t; }
  // The last state lasts until the end of the trace, except Done: a finished task's lane ends.
  Time t1(uint32_t k) const {
    if (k + 1 < changes.size()) return changes[k + 1].t;
    return changes[k].state == TaskState::Done ? changes[k].t : std::max(end, changes[k].t);
  }
  uint64_t key(uint32_t k) const {
    return static_cast<uint64_t>(changes[k].state) << 8 | static_cast<uint64_t>(changes[k].reason);
  }
};
}  // namespace

// ---- identity -----------------------------------------------------------------------------------

const std::string& TraceModel::str(StringId id) const {
  static const std::string empty;
  return id < strings_.size() ? strings_[id] : empty;
}

std::optional<uint32_t> TraceModel::worker_lane(WorkerId w) const {
  if (w >= worker_index_.size() || worker_index_[w] < 0) return std::nullopt;
  return static_cast<uint32_t>(worker_index_[w]);
}

std::optional<uint32_t> TraceModel::task_lane(TaskId t) const {
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return std::nullopt;
  return l;
}

const TaskInfo* TraceModel::task(TaskId t) const {
  const uint32_t l = lane_of_task_or_none(t);
  return l == kNone ? nullptr : &tasks_[l];
}

std::string TraceModel::task_label(TaskId t) const {
  const TaskInfo* info = task(t);
  const std::string& name = info ? str(info->name) : str(0);
  return (name.empty() ? std::string("task") : name) + " #" + std::to_string(t);
}

std::string TraceModel::worker_label(WorkerId w) const {
  if (auto l = worker_lane(w); l && workers_[*l].name != 0) return str(workers_[*l].name);
  return (meta_.model == trace::ModelKind::Goroutine ? "P" : "worker ") + std::to_string(w);
}

Time TraceModel::begin_time() const {
  return events_.empty() ? 0 : events_.ts(0);
}
Time TraceModel::end_time() const {
  return events_.empty() ? 0 : events_.ts(static_cast<EventIndex>(events_.size() - 1));
}

// ---- navigation ---------------------------------------------------------------------------------

EventIndex TraceModel::next_event(EventIndex i) const {
  if (i == kNoEvent) return events_.empty() ? kNoEvent : 0;
  return i + 1 < events_.size() ? i + 1 : kNoEvent;
}

EventIndex TraceModel::prev_event(EventIndex i) const {
  if (i == kNoEvent)
    return events_.empty() ? kNoEvent : static_cast<EventIndex>(events_.size() - 1);
  return i == 0 ? kNoEvent : i - 1;
}

std::span<const EventIndex> TraceModel::task_events(TaskId t) const {
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return {};
  return task_lanes_[l].events;
}

EventIndex TraceModel::next_task_event(TaskId t, EventIndex i) const {
  auto ev = task_events(t);
  if (ev.empty()) return kNoEvent;
  if (i == kNoEvent) return ev.front();
  auto it = std::upper_bound(ev.begin(), ev.end(), i);
  return it == ev.end() ? kNoEvent : *it;
}

EventIndex TraceModel::prev_task_event(TaskId t, EventIndex i) const {
  auto ev = task_events(t);
  if (ev.empty()) return kNoEvent;
  if (i == kNoEvent) return ev.back();
  auto it = std::lower_bound(ev.begin(), ev.end(), i);
  return it == ev.begin() ? kNoEvent : *std::prev(it);
}

// ---- lanes --------------------------------------------------------------------------------------

std::span<const RunSpan> TraceModel::run_spans(uint32_t worker_lane) const {
  if (worker_lane >= worker_lanes_.size()) return {};
  return worker_lanes_[worker_lane].spans;
}

std::span<const StateChange> TraceModel::state_changes(uint32_t task_lane) const {
  if (task_lane >= task_lanes_.size()) return {};
  return task_lanes_[task_lane].changes;
}

std::span<const Marker> TraceModel::markers(LaneRef lane) const {
  if (lane.kind == LaneKind::Worker) {
    if (lane.index >= worker_lanes_.size()) return {};
    return worker_lanes_[lane.index].markers;
  }
  if (lane.index >= task_lanes_.size()) return {};
  return task_lanes_[lane.index].markers;
}

Time TraceModel::state_change_end(uint32_t task_lane, uint32_t k) const {
  return StateSpanList{state_changes(task_lane), end_time()}.t1(k);
}

std::vector<LaneRef> TraceModel::all_lanes() const {
  std::vector<LaneRef> lanes;
  lanes.reserve(workers_.size() + tasks_.size());
  for (uint32_t k = 0; k < workers_.size(); ++k) lanes.push_back({LaneKind::Worker, k});
  for (uint32_t k = 0; k < tasks_.size(); ++k) lanes.push_back({LaneKind::Task, k});
  return lanes;
}

void TraceModel::query_lane(LaneRef lane, const ViewWindow& view,
                            std::vector<LaneItem>& out) const {
  const Time end = end_time();
  if (lane.kind == LaneKind::Worker) {
    if (lane.index >= worker_lanes_.size()) return;
    const RunSpanList list{worker_lanes_[lane.index].spans, end};
    const WorkerId w = workers_[lane.index].id;
    fold_spans(list, view, [&](const FoldedItem& f) {
      const RunSpan& rep = list.spans[f.dominant];
      out.push_back(LaneItem{f.t0, f.t1, f.first, f.count, rep.task, TaskState::Running,
                             Reason::None, w, list.spans[f.first].start_event});
    });
    return;
  }
  if (lane.index >= task_lanes_.size()) return;
  const auto& changes = task_lanes_[lane.index].changes;
  if (changes.empty() || changes.front().t > view.t1 ||
      (changes.back().state == TaskState::Done && changes.back().t < view.t0)) {
    return;  // the task's whole life is outside the window
  }
  const StateSpanList list{changes, end};
  const TaskId t = tasks_[lane.index].id;
  fold_spans(list, view, [&](const FoldedItem& f) {
    const StateChange& rep = list.changes[f.dominant];
    out.push_back(LaneItem{f.t0, f.t1, f.first, f.count, t, rep.state, rep.reason, rep.worker,
                           list.changes[f.first].event});
  });
}

void TraceModel::query_markers(LaneRef lane, const ViewWindow& view,
                               std::vector<MarkerItem>& out) const {
  const auto m = markers(lane);
  const uint32_t n = static_cast<uint32_t>(m.size());
  auto tf = [&](uint32_t k) { return m[k].t; };
  uint32_t k = first_index_at_or_after(0, n, view.t0, tf);
  const uint32_t end = first_index_at_or_after(k, n, view.end_exclusive(), tf);
  const Time min_d = view.min_duration();
  while (k < end) {
    const uint32_t next = std::max(k + 1, gallop_at_or_after(k, end, add_sat(m[k].t, min_d), tf));
    out.push_back(MarkerItem{m[k].t, m[k].event, m[k].kind, next - k});
    k = next;
  }
}

// ---- wake edges ---------------------------------------------------------------------------------

WakeEdge TraceModel::wake_edge(size_t k) const {
  const StoredWake& s = wakes_[k];
  WakeEdge e;
  const EventIndex i = s.wake_event;
  e.wake_event = i;
  e.run_event = s.run_event;
  e.t_wake = events_.ts(i);
  e.to = events_.task(i);
  switch (events_.kind(i)) {
    case EventKind::TaskCreate:
      e.from_task = static_cast<TaskId>(events_.arg(i, 0));
      e.from_worker = events_.worker(i);
      e.reason = Reason::Spawn;
      break;
    case EventKind::WakerWake:
      e.from_task = static_cast<TaskId>(events_.arg(i, 0));
      e.from_worker = static_cast<WorkerId>(events_.arg(i, 1));
      e.reason = Reason::Waker;
      break;
    default:  // TaskUnblock
      e.from_task = static_cast<TaskId>(events_.arg(i, 0));
      e.from_worker = static_cast<WorkerId>(events_.arg(i, 1));
      e.reason = static_cast<Reason>(
          std::min<uint64_t>(static_cast<uint64_t>(trace::reason_of(events_.arg(i, 2))),
                             static_cast<uint64_t>(Reason::kCount) - 1));
      break;
  }
  if (s.run_event != kNoEvent) {
    e.t_run = events_.ts(s.run_event);
    e.run_worker = events_.worker(s.run_event);
  }
  return e;
}

void TraceModel::query_wake_edges(const ViewWindow& view, std::vector<WakeEdge>& out,
                                  size_t max_edges) const {
  const uint32_t n = static_cast<uint32_t>(wakes_.size());
  auto wake_t = [&](uint32_t k) { return events_.ts(wakes_[k].wake_event); };
  const uint32_t a0 = first_index_at_or_after(0, n, view.t0, wake_t);
  const uint32_t a1 = first_index_at_or_after(a0, n, view.end_exclusive(), wake_t);
  // Edges woken before the window whose run lands inside it.
  const uint32_t m = static_cast<uint32_t>(run_order_.size());
  auto run_t = [&](uint32_t k) { return events_.ts(wakes_[run_order_[k]].run_event); };
  const uint32_t b0 = first_index_at_or_after(0, m, view.t0, run_t);
  const uint32_t b1 = first_index_at_or_after(b0, m, view.end_exclusive(), run_t);
  const size_t total = static_cast<size_t>(a1 - a0) + (b1 - b0);
  if (total == 0 || max_edges == 0) return;
  // Thin evenly (every stride-th edge of each range), so the cost is O(max_edges), not O(edges).
  const uint32_t stride =
      static_cast<uint32_t>(total <= max_edges ? 1 : (total + max_edges - 1) / max_edges);
  for (uint32_t k = a0; k < a1; k += stride) out.push_back(wake_edge(k));
  for (uint32_t k = b0; k < b1; k += stride) {
    const uint32_t w = run_order_[k];
    if (events_.ts(wakes_[w].wake_event) >= view.t0) continue;  // already in the first range
    out.push_back(wake_edge(w));
  }
}

std::span<const uint32_t> TraceModel::wakes_of(TaskId t) const {
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return {};
  return task_lanes_[l].wakes;
}

EventIndex TraceModel::wake_before_event(uint32_t task_lane, EventIndex before) const {
  const auto& w = task_lanes_[task_lane].wakes;
  auto it = std::lower_bound(w.begin(), w.end(), before,
                             [&](uint32_t k, EventIndex v) { return wakes_[k].wake_event < v; });
  if (it == w.begin()) return kNoEvent;
  return *std::prev(it);  // an index into wakes_ (kNoEvent doubles as "none")
}

std::optional<WakeEdge> TraceModel::wake_before(TaskId t, Time at) const {
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return std::nullopt;
  const EventIndex last = events_.last_at_or_before(at);
  if (last == kNoEvent) return std::nullopt;
  const EventIndex k = wake_before_event(l, last + 1);
  if (k == kNoEvent) return std::nullopt;
  return wake_edge(k);
}

std::vector<WakeLink> TraceModel::wake_chain(TaskId t, Time at, size_t max_len) const {
  std::vector<WakeLink> chain;
  const EventIndex last = events_.last_at_or_before(at);
  if (last == kNoEvent) return chain;
  EventIndex before = last + 1;
  TaskId cur = t;
  while (chain.size() < max_len) {
    const uint32_t l = lane_of_task_or_none(cur);
    if (l == kNone) break;
    const EventIndex k = wake_before_event(l, before);
    if (k == kNoEvent) break;
    const WakeEdge e = wake_edge(k);
    chain.push_back(WakeLink{e});
    if (e.from_task == 0 || e.from_task == cur) break;  // a worker/timer/netpoller cause: the root
    cur = e.from_task;
    before = e.wake_event;  // strictly earlier each step: no cycles
  }
  return chain;
}

// ---- frames and hit testing -----------------------------------------------------------------

void TraceModel::build_frame(const ViewWindow& view, std::span<const LaneRef> lanes, FrameDraw& out,
                             size_t max_edges) const {
  out.clear();
  out.item_offsets.reserve(lanes.size() + 1);
  out.marker_offsets.reserve(lanes.size() + 1);
  for (const LaneRef& lane : lanes) {
    out.item_offsets.push_back(static_cast<uint32_t>(out.items.size()));
    out.marker_offsets.push_back(static_cast<uint32_t>(out.markers.size()));
    query_lane(lane, view, out.items);
    query_markers(lane, view, out.markers);
  }
  out.item_offsets.push_back(static_cast<uint32_t>(out.items.size()));
  out.marker_offsets.push_back(static_cast<uint32_t>(out.markers.size()));
  query_wake_edges(view, out.edges, max_edges);
}

Hit TraceModel::hit_test(LaneRef lane, Time t, const ViewWindow& view, double tol_px) const {
  Hit hit;
  hit.lane = lane;
  const Time tol = view.pixels_to_ns(tol_px);
  // Markers first: they are drawn on top. Query the same window the view drew so folds match.
  std::vector<MarkerItem> marks;
  query_markers(lane, view, marks);
  Time best = tol + 1;
  for (const MarkerItem& m : marks) {
    const Time d = m.t > t ? sub_sat(m.t, t) : sub_sat(t, m.t);
    if (d < best) {
      best = d;
      hit.kind = Hit::Kind::Marker;
      hit.marker = m;
      hit.event = m.event;
      hit.task = events_.task(m.event);
    }
  }
  if (hit.kind == Hit::Kind::Marker) return hit;
  std::vector<LaneItem> items;
  query_lane(lane, view, items);
  best = tol + 1;
  for (const LaneItem& it : items) {
    const Time d = t < it.t0 ? sub_sat(it.t0, t) : t > it.t1 ? sub_sat(t, it.t1) : 0;
    if (d < best) {
      best = d;
      hit.kind = it.folded() ? Hit::Kind::Folded : Hit::Kind::Span;
      hit.item = it;
      hit.event = it.event;
      hit.task = it.task;
    }
    if (d == 0) break;
  }
  return hit;
}

std::optional<WakeEdge> TraceModel::hit_wake_end(LaneRef lane, Time t, const ViewWindow& view,
                                                 double tol_px) const {
  const Time tol = view.pixels_to_ns(tol_px);
  ViewWindow near = view;
  near.t0 = sub_sat(t, tol);
  near.t1 = add_sat(t, tol);
  std::vector<WakeEdge> edges;
  query_wake_edges(near, edges, SIZE_MAX);
  const bool task_lane = lane.kind == LaneKind::Task;
  if (task_lane ? lane.index >= tasks_.size() : lane.index >= workers_.size()) return std::nullopt;
  const TaskId task = task_lane ? tasks_[lane.index].id : 0;
  const WorkerId worker = task_lane ? trace::kNoWorker : workers_[lane.index].id;
  std::optional<WakeEdge> best;
  Time best_d = tol + 1;
  auto consider = [&](const WakeEdge& e, Time at) {
    const Time d = at > t ? sub_sat(at, t) : sub_sat(t, at);
    if (d < best_d) {
      best_d = d;
      best = e;
    }
  };
  for (const WakeEdge& e : edges) {
    const bool head = task_lane ? e.to == task : e.run_worker == worker;
    const bool tail =
        task_lane ? e.from_task == task && task != 0 : e.from_task == 0 && e.from_worker == worker;
    if (head && e.t_run != kTimeMax) consider(e, e.t_run);
    if (tail) consider(e, e.t_wake);
  }
  return best;
}

bool TraceModel::hit_segment(double x0, double y0, double x1, double y1, double px, double py,
                             double tol_px) {
  const double dx = x1 - x0, dy = y1 - y0;
  const double len2 = dx * dx + dy * dy;
  double u = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0.0;
  u = std::clamp(u, 0.0, 1.0);
  const double ex = x0 + u * dx - px, ey = y0 + u * dy - py;
  return ex * ex + ey * ey <= tol_px * tol_px;
}

// ---- samples, counters, states --------------------------------------------------------------

std::vector<StackSample> TraceModel::stack_samples(TaskId t) const {
  std::vector<StackSample> out;
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return out;
  for (EventIndex i : task_lanes_[l].events) {
    if (events_.kind(i) != EventKind::StackSample) continue;
    out.push_back({events_.ts(i), events_.arg(i, 0), events_.arg(i, 1), events_.arg(i, 2)});
  }
  return out;
}

std::vector<FrameSample> TraceModel::frame_samples(TaskId t) const {
  std::vector<FrameSample> out;
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return out;
  uint64_t bytes = 0;
  for (EventIndex i : task_lanes_[l].events) {
    switch (events_.kind(i)) {
      case EventKind::TaskCreate:
        bytes = events_.arg(i, 2);
        break;
      case EventKind::FrameAlloc:
        bytes += events_.arg(i, 0);
        break;
      case EventKind::FrameFree:
        bytes -= std::min(bytes, events_.arg(i, 0));
        break;
      default:
        continue;
    }
    out.push_back({events_.ts(i), bytes});
  }
  return out;
}

std::optional<StackSample> TraceModel::stack_at(TaskId t, Time at) const {
  const uint32_t l = lane_of_task_or_none(t);
  if (l == kNone) return std::nullopt;
  const auto& ev = task_lanes_[l].events;
  // The task's events up to `at`, newest first, until a StackSample.
  auto it = std::upper_bound(ev.begin(), ev.end(), at,
                             [&](Time v, EventIndex i) { return v < events_.ts(i); });
  while (it != ev.begin()) {
    const EventIndex i = *--it;
    if (events_.kind(i) == EventKind::StackSample) {
      return StackSample{events_.ts(i), events_.arg(i, 0), events_.arg(i, 1), events_.arg(i, 2)};
    }
  }
  return std::nullopt;
}

uint64_t TraceModel::frame_bytes_at(TaskId t, Time at) const {
  uint64_t bytes = 0;
  for (const FrameSample& f : frame_samples(t)) {
    if (f.t > at) break;
    bytes = f.bytes;
  }
  return bytes;
}

void TraceModel::query_counter(const CounterKey& key, const ViewWindow& view,
                               std::vector<CounterSample>& out) const {
  auto track = std::find_if(counters_.begin(), counters_.end(),
                            [&](const CounterTrack& c) { return c.key == key; });
  if (track == counters_.end()) return;
  const auto& ev = track->events;
  const auto n = static_cast<uint32_t>(ev.size());
  auto tf = [&](uint32_t k) { return events_.ts(ev[k]); };
  auto sample = [&](uint32_t k) { return CounterSample{events_.ts(ev[k]), counter_value(ev[k])}; };
  uint32_t k = first_index_at_or_after(0, n, view.t0, tf);
  if (k > 0) out.push_back(sample(k - 1));  // the value entering the window
  const uint32_t end = first_index_at_or_after(k, n, view.end_exclusive(), tf);
  const Time min_d = view.min_duration();
  while (k < end) {
    const uint32_t next = std::max(k + 1, gallop_at_or_after(k, end, add_sat(tf(k), min_d), tf));
    const uint32_t count = next - k;
    const uint32_t stride = count <= 64 ? 1 : count / 64;
    uint32_t lo = k, hi = k;
    for (uint32_t j = k; j < next; j += stride) {
      const uint64_t v = counter_value(ev[j]);
      if (v < counter_value(ev[lo])) lo = j;
      if (v > counter_value(ev[hi])) hi = j;
    }
    out.push_back(sample(std::min(lo, hi)));
    if (lo != hi) out.push_back(sample(std::max(lo, hi)));
    k = next;
  }
}

std::vector<CounterKey> TraceModel::counters() const {
  std::vector<CounterKey> keys;
  for (const auto& c : counters_) keys.push_back(c.key);
  return keys;
}

std::vector<CounterSample> TraceModel::counter_samples(const CounterKey& key) const {
  std::vector<CounterSample> out;
  for (const auto& c : counters_) {
    if (!(c.key == key)) continue;
    out.reserve(c.events.size());
    for (EventIndex i : c.events) out.push_back({events_.ts(i), counter_value(i)});
  }
  return out;
}

std::optional<StateChange> TraceModel::task_state_at(TaskId task, Time t) const {
  const uint32_t l = lane_of_task_or_none(task);
  if (l == kNone) return std::nullopt;
  const auto& v = task_lanes_[l].changes;
  auto it =
      std::upper_bound(v.begin(), v.end(), t, [](Time x, const StateChange& c) { return x < c.t; });
  if (it == v.begin()) return std::nullopt;
  return *std::prev(it);
}

ModelTotals TraceModel::totals() const {
  ModelTotals t;
  t.events = events_.size();
  t.tasks = tasks_.size();
  t.workers = workers_.size();
  for (const auto& l : worker_lanes_) {
    t.run_spans += l.spans.size();
    t.markers += l.markers.size();
  }
  for (const auto& l : task_lanes_) {
    t.state_changes += l.changes.size();
    t.markers += l.markers.size();
    for (const Marker& m : l.markers) {
      t.errors += m.kind == MarkerKind::Error && events_.kind(m.event) == EventKind::TaskDestroy;
    }
  }
  for (const Marker& m : runtime_markers_) t.errors += m.kind == MarkerKind::Error ? 1 : 0;
  t.markers += runtime_markers_.size();
  t.wake_edges = wakes_.size();
  t.begin = begin_time();
  t.end = end_time();
  t.peak_stack_committed = live_->peak().stack_committed;
  t.peak_frame_bytes = live_->peak().frame_bytes;
  t.peak_live_tasks = live_->peak().live_tasks;
  t.memory_bytes = memory_bytes();
  return t;
}

}  // namespace as::viz
