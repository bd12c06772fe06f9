// viz/model/trace_model.cpp — building the model: O(1) work per event, and state_at().
//
// For each event: store it compactly and create the lanes it names (index_event), update the lanes
// it concerns — a worker's run spans, a task's state changes, markers, wake edges (build_lanes) —
// and replay it into the live scheduling state, keeping a copy every few thousand events as a
// checkpoint for state_at() (replay). Live appends do the three steps event by event; a whole
// trace does the first for all events, then the other two side by side on two threads.
// Queries live in model_queries.cpp; state replay in replay_state.cpp.
#include "viz/model/trace_model.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "viz/model/replay_state.hpp"

namespace as::viz {

namespace {
using trace::EventKind;
constexpr uint32_t kNone = ~0u;
constexpr size_t kParallelBuildMin = 16384;  // smaller traces build on one thread
}  // namespace

// The state of the last state_at() call (guarded: state_at stays callable from several threads).
struct TraceModel::StateCache {
  std::mutex mu;
  ReplayState state;
  ReplayState* state_ptr = nullptr;  // &state once it holds a replayed state
};

struct TraceModel::Checkpoint {
  EventIndex after = kNoEvent;  // state after this event
  std::unique_ptr<ReplayState> state;
};

TraceModel::TraceModel(const ModelOptions& options)
    : options_(options),
      live_(std::make_unique<ReplayState>()),
      cache_(std::make_unique<StateCache>()) {}

TraceModel::TraceModel(const trace::TraceData& data, const ModelOptions& options)
    : TraceModel(options) {
  set_meta(data.meta);
  reserve(data.events.size());
  if (data.events.size() < kParallelBuildMin) {
    append(data.events, data.strings);
    shrink_to_fit();
    return;
  }
  // A whole trace is built in two passes. The first (serial) stores the events and creates every
  // lane they name. Then the scheduling-state replay (checkpoints, per-task event lists) runs on a
  // second thread while this one builds the lanes: the two write disjoint members and only share
  // reads of the event store and the lane tables, which no longer change.
  append_strings(data.strings);
  std::vector<uint32_t> lanes;
  lanes.reserve(data.events.size());
  for (const trace::Event& e : data.events) {
    if (static_cast<size_t>(e.kind) >= trace::kEventKindCount) continue;  // not ours to draw
    if (events_.size() >= kNoEvent - 1) break;  // EventIndex is 32-bit: the model is full
    lanes.push_back(index_event(events_.append(e)));
  }
  const auto n = static_cast<EventIndex>(events_.size());
  std::exception_ptr replay_error;
  std::thread replayer([&] {
    try {
      for (EventIndex i = 0; i < n; ++i) replay(i, lanes[i]);
      shrink_task_events();
    } catch (...) {
      replay_error = std::current_exception();
    }
  });
  try {
    for (EventIndex i = 0; i < n; ++i) build_lanes(i, lanes[i]);
    shrink_lanes();
  } catch (...) {
    replayer.join();
    throw;
  }
  replayer.join();
  if (replay_error) std::rethrow_exception(replay_error);
}

TraceModel::~TraceModel() = default;
TraceModel::TraceModel(TraceModel&&) noexcept = default;
TraceModel& TraceModel::operator=(TraceModel&&) noexcept = default;

void TraceModel::set_meta(const trace::TraceMeta& meta) {
  meta_ = meta;
  if (events_.empty()) live_ = std::make_unique<ReplayState>(meta.model);
}

void TraceModel::reserve(size_t n) {
  events_.reserve(n);
}

void TraceModel::shrink_to_fit() {
  shrink_lanes();
  shrink_task_events();
}

void TraceModel::shrink_task_events() {
  for (auto& l : task_lanes_) l.events.shrink_to_fit();
}

void TraceModel::shrink_lanes() {
  for (auto& l : task_lanes_) {
    l.changes.shrink_to_fit();
    l.markers.shrink_to_fit();
    l.wakes.shrink_to_fit();
  }
  for (auto& l : worker_lanes_) {
    l.spans.shrink_to_fit();
    l.markers.shrink_to_fit();
  }
  wakes_.shrink_to_fit();
  run_order_.shrink_to_fit();
  for (auto& c : counters_) c.events.shrink_to_fit();
}

void TraceModel::append_strings(std::span<const std::string> strings) {
  if (strings_.empty()) strings_.emplace_back();  // id 0 is always ""
  for (size_t k = strings_.size(); k < strings.size(); ++k) strings_.push_back(strings[k]);
}

void TraceModel::append(std::span<const trace::Event> events,
                        std::span<const std::string> strings) {
  append_strings(strings);
  for (const trace::Event& e : events) {
    if (static_cast<size_t>(e.kind) >= trace::kEventKindCount) continue;  // not ours to draw
    if (events_.size() >= kNoEvent - 1) break;  // EventIndex is 32-bit: the model is full
    const EventIndex i = events_.append(e);
    const uint32_t tl = index_event(i);
    build_lanes(i, tl);
    replay(i, tl);
  }
}

uint32_t TraceModel::ensure_worker(WorkerId w, Time ts) {
  if (w == trace::kNoWorker) return kNone;
  if (w >= worker_index_.size()) worker_index_.resize(static_cast<size_t>(w) + 1, -1);
  if (worker_index_[w] < 0) {
    worker_index_[w] = static_cast<int32_t>(workers_.size());
    workers_.push_back(WorkerInfo{w, 0, ts});
    worker_lanes_.emplace_back();
  }
  return static_cast<uint32_t>(worker_index_[w]);
}

uint32_t TraceModel::ensure_task(TaskId t, Time ts, EventIndex i) {
  const uint32_t known = lane_of_task_or_none(t);
  if (known != kNone) return known;
  const auto lane = static_cast<uint32_t>(tasks_.size());
  if (t < 2 * static_cast<size_t>(lane) + 4096) {
    if (t >= task_dense_.size()) task_dense_.resize(static_cast<size_t>(t) + 1, kNone);
    task_dense_[t] = lane;
  } else {
    task_index_.emplace(t, lane);
  }
  TaskInfo info;
  info.id = t;
  info.created = ts;
  info.create_event = i;
  tasks_.push_back(info);
  task_lanes_.emplace_back();
  running_on_.push_back(kNone);
  return lane;
}

uint32_t TraceModel::lane_of_worker_or_none(WorkerId w) const {
  return w < worker_index_.size() && worker_index_[w] >= 0 ? static_cast<uint32_t>(worker_index_[w])
                                                           : kNone;
}

uint32_t TraceModel::lane_of_task_or_none(TaskId t) const {
  if (t < task_dense_.size() && task_dense_[t] != kNone) return task_dense_[t];
  if (task_index_.empty()) return kNone;
  auto it = task_index_.find(t);
  return it == task_index_.end() ? kNone : it->second;
}

// push_change appends a state change, merging no-op changes and replacing zero-width ones.
void TraceModel::push_change(uint32_t lane, const StateChange& c) {
  auto& v = task_lanes_[lane].changes;
  if (!v.empty()) {
    const StateChange& last = v.back();
    if (last.state == c.state && last.reason == c.reason && last.worker == c.worker) return;
    if (last.t == c.t) {
      v.pop_back();  // zero-width span: the new state replaces it
      if (!v.empty() && v.back().state == c.state && v.back().reason == c.reason &&
          v.back().worker == c.worker) {
        return;
      }
    }
  }
  v.push_back(c);
}

void TraceModel::open_run(uint32_t lane, WorkerId w, Time ts, EventIndex i) {
  const uint32_t wl = lane_of_worker_or_none(w);
  if (wl == kNone) return;
  auto& spans = worker_lanes_[wl].spans;
  if (!spans.empty() && spans.back().t1 == kTimeMax) {
    // The worker still shows a task running: its stop was not traced; end it here.
    const uint32_t other = lane_of_task_or_none(spans.back().task);
    spans.back().t1 = ts;
    if (other != kNone && running_on_[other] == wl) running_on_[other] = kNone;
  }
  spans.push_back(RunSpan{ts, kTimeMax, tasks_[lane].id, i});
  running_on_[lane] = wl;
  tasks_[lane].runs++;
  // Every wake of this task not yet followed by a run ends here (merged wakes share the run).
  auto& wakes = task_lanes_[lane].wakes;
  for (auto it = wakes.rbegin(); it != wakes.rend() && wakes_[*it].run_event == kNoEvent; ++it) {
    wakes_[*it].run_event = i;
    run_order_.push_back(*it);
  }
}

void TraceModel::close_run(uint32_t lane, Time ts) {
  const uint32_t wl = running_on_[lane];
  if (wl == kNone) return;
  running_on_[lane] = kNone;
  auto& spans = worker_lanes_[wl].spans;
  if (!spans.empty() && spans.back().t1 == kTimeMax && spans.back().task == tasks_[lane].id) {
    spans.back().t1 = ts;
    tasks_[lane].running_ns = add_sat(tasks_[lane].running_ns, sub_sat(ts, spans.back().t0));
  }
}

void TraceModel::add_wake(uint32_t lane, EventIndex i) {
  task_lanes_[lane].wakes.push_back(static_cast<uint32_t>(wakes_.size()));
  wakes_.push_back(StoredWake{i, kNoEvent});
}

uint32_t TraceModel::index_event(EventIndex i) {
  const EventKind kind = events_.kind(i);
  const Time ts = events_.ts(i);
  const TaskId task_id = events_.task(i);
  ensure_worker(events_.worker(i), ts);
  switch (kind) {
    case EventKind::RuntimeStart:
      if (i == 0) {  // the trace says which model it is: Go or Tokio queue conventions
        meta_.model = static_cast<trace::ModelKind>(events_.arg(i, 0) & 1);
        live_ = std::make_unique<ReplayState>(meta_.model);
      }
      break;
    case EventKind::RuntimeError:
      if (events_.arg(i, 2) != 0) ensure_task(static_cast<TaskId>(events_.arg(i, 2)), ts, i);
      break;
    case EventKind::Steal:
      ensure_worker(static_cast<WorkerId>(events_.arg(i, 0)), ts);
      ensure_worker(static_cast<WorkerId>(events_.arg(i, 1)), ts);
      break;
    case EventKind::QueueLength:
      ensure_worker(static_cast<WorkerId>(events_.arg(i, 1)), ts);
      break;
    default:
      break;
  }
  if (task_id == 0 || trace::info(kind).lane == trace::Lane::Counter) return kNone;
  return ensure_task(task_id, ts, i);
}

// replay: the task's event index and the live state (+ checkpoints). In a batch build it runs on
// the helper thread: it writes only TaskLane::events, live_ and checkpoints_, which build_lanes()
// never touches.
void TraceModel::replay(EventIndex i, uint32_t tl) {
  if (tl != kNone) task_lanes_[tl].events.push_back(i);
  live_->apply(events_, i, tl, worker_index_);
  maybe_checkpoint();
}

// build_lanes: run spans, state changes, markers, wake edges and counters for event i. It only
// looks lanes up (index_event created them), so it can run beside replay().
void TraceModel::build_lanes(EventIndex i, uint32_t tl) {
  const EventKind kind = events_.kind(i);
  const Time ts = events_.ts(i);
  const WorkerId worker = events_.worker(i);
  const bool goroutines = meta_.model == trace::ModelKind::Goroutine;
  auto state_now = [&]() -> const StateChange* {
    const auto& v = task_lanes_[tl].changes;
    return v.empty() ? nullptr : &v.back();
  };
  auto is_running = [&]() {
    const StateChange* s = state_now();
    return s != nullptr && s->state == TaskState::Running;
  };
  auto marker = [&](LaneRef lane, MarkerKind mk) {
    Marker m{ts, i, mk};
    if (lane.kind == LaneKind::Task) {
      task_lanes_[lane.index].markers.push_back(m);
    } else {
      worker_lanes_[lane.index].markers.push_back(m);
    }
  };
  auto stop = [&](TaskState st, Reason r) {
    const StateChange* s = state_now();
    const WorkerId last_worker = s ? s->worker : worker;
    close_run(tl, ts);
    push_change(tl, StateChange{ts, i, st, r, last_worker});
  };
  auto run = [&]() {
    if (is_running()) return;
    open_run(tl, worker, ts, i);
    push_change(tl, StateChange{ts, i, TaskState::Running, Reason::None, worker});
  };

  switch (kind) {
    case EventKind::WorkerStart:
      if (const uint32_t wl = lane_of_worker_or_none(worker); wl != kNone) {
        workers_[wl].name = static_cast<StringId>(events_.arg(i, 0));
      }
      break;
    case EventKind::RuntimeError: {
      runtime_markers_.push_back(Marker{ts, i, MarkerKind::Error});
      const TaskId victim = static_cast<TaskId>(events_.arg(i, 2));
      if (const uint32_t vl = lane_of_task_or_none(victim); victim != 0 && vl != kNone) {
        marker({LaneKind::Task, vl}, MarkerKind::Error);
      }
      break;
    }
    case EventKind::Annotation:
      runtime_markers_.push_back(Marker{ts, i, MarkerKind::Annotation});
      break;
    case EventKind::RegionBegin:
    case EventKind::RegionEnd:
      if (tl != kNone) marker({LaneKind::Task, tl}, MarkerKind::Annotation);
      break;
    case EventKind::Steal:
      if (const uint32_t wl = lane_of_worker_or_none(static_cast<WorkerId>(events_.arg(i, 1)));
          wl != kNone) {
        marker({LaneKind::Worker, wl}, MarkerKind::Steal);
      }
      break;
    case EventKind::ProcHandoff:
      if (const uint32_t wl = lane_of_worker_or_none(worker); wl != kNone) {
        marker({LaneKind::Worker, wl}, MarkerKind::Handoff);
      }
      break;
    case EventKind::TaskCreate: {
      if (tl == kNone) break;
      TaskInfo& info = tasks_[tl];
      info.parent = static_cast<TaskId>(events_.arg(i, 0));
      info.name = static_cast<StringId>(events_.arg(i, 1));
      info.frame_bytes = events_.arg(i, 2);
      info.location = events_.get(i).loc;
      info.created = ts;
      info.create_event = i;
      push_change(tl, StateChange{ts, i, TaskState::Runnable, Reason::Spawn, worker});
      marker({LaneKind::Task, tl}, MarkerKind::Spawn);
      add_wake(tl, i);  // the spawn edge: parent -> child's first run
      break;
    }
    case EventKind::TaskStart:
      if (tl != kNone) run();
      break;
    case EventKind::PollBegin:
      if (tl == kNone) break;
      tasks_[tl].polls++;
      run();
      break;
    case EventKind::TaskStop:
    case EventKind::TaskPreempt: {
      if (tl == kNone) break;
      const Reason r = kind == EventKind::TaskPreempt ? Reason::Preempted
                                                      : static_cast<Reason>(events_.arg(i, 0));
      if (r == Reason::Preempted) marker({LaneKind::Task, tl}, MarkerKind::Preempt);
      if (r == Reason::Yield) marker({LaneKind::Task, tl}, MarkerKind::Yield);
      if (!is_running()) break;
      if (r == Reason::Yield || r == Reason::Preempted) {
        const WorkerId q = goroutines ? trace::kNoWorker : worker;
        close_run(tl, ts);
        push_change(tl, StateChange{ts, i, TaskState::Runnable, r, q});
      } else if (r == Reason::Done || r == Reason::Panic || r == Reason::Cancelled) {
        stop(TaskState::Done, r);
      } else if (r == Reason::None) {
        stop(goroutines ? TaskState::Blocked : TaskState::Pending, goroutines ? r : Reason::Waker);
      } else {
        stop(TaskState::Blocked, r);
      }
      break;
    }
    case EventKind::PollEnd:
      if (tl == kNone || !is_running()) break;
      if (events_.arg(i, 0) == static_cast<uint64_t>(trace::PollResult::Ready)) {
        stop(TaskState::Done, Reason::Done);
      } else {
        // Woken during this very poll? Then it is runnable again right away (Tokio's "notified").
        const auto& wakes = task_lanes_[tl].wakes;
        const bool notified =
            !wakes.empty() && wakes_[wakes.back()].run_event == kNoEvent &&
            wakes_[wakes.back()].wake_event > task_lanes_[tl].changes.back().event;
        if (notified) {
          const WorkerId q = worker;  // the worker that polled it re-queues it (Tokio)
          close_run(tl, ts);
          push_change(tl, StateChange{ts, i, TaskState::Runnable, Reason::Waker, q});
        } else {
          // What the task now waits for (0: unsaid — a hand-written future's own waker).
          const auto why = static_cast<Reason>(events_.arg(i, 1));
          stop(TaskState::Pending, why != Reason::None ? why : Reason::Waker);
        }
      }
      break;
    case EventKind::TaskBlock: {
      if (tl == kNone) break;
      const Reason r = static_cast<Reason>(events_.arg(i, 0));
      const StateChange* s = state_now();
      const bool future_wait = (s && s->state == TaskState::Pending) || !goroutines;
      const TaskState st = r == Reason::Syscall ? TaskState::Syscall
                           : future_wait        ? TaskState::Pending
                                                : TaskState::Blocked;
      if (s && s->state == TaskState::Pending && s->t == ts) {
        // The reason for a Pending just entered: refine that change in place.
        auto& back = task_lanes_[tl].changes.back();
        back.reason = r;
        back.event = i;
        back.state = st;
      } else {
        stop(st, r);
      }
      break;
    }
    case EventKind::TaskUnblock:
    case EventKind::WakerWake: {
      if (tl == kNone) break;
      add_wake(tl, i);
      const StateChange* s = state_now();
      if (s == nullptr || s->state == TaskState::Running || s->state == TaskState::Runnable ||
          s->state == TaskState::Done) {
        marker({LaneKind::Task, tl}, MarkerKind::Wake);  // merged / early wake: no state change
        break;
      }
      const Reason r =
          kind == EventKind::WakerWake ? Reason::Waker : trace::reason_of(events_.arg(i, 2));
      push_change(tl, StateChange{ts, i, TaskState::Runnable, r, worker});
      break;
    }
    case EventKind::TaskDestroy: {
      if (tl == kNone) break;
      const Reason r = static_cast<Reason>(events_.arg(i, 0));
      if (r == Reason::Panic) marker({LaneKind::Task, tl}, MarkerKind::Error);
      stop(TaskState::Done, r);
      tasks_[tl].destroyed = ts;
      tasks_[tl].end_reason = r;
      break;
    }
    case EventKind::SyscallEnter:
      if (tl == kNone) break;
      marker({LaneKind::Task, tl}, MarkerKind::SyscallEnter);
      stop(TaskState::Syscall, Reason::Syscall);
      break;
    case EventKind::SyscallExit:
      if (tl == kNone) break;
      marker({LaneKind::Task, tl}, MarkerKind::SyscallExit);
      if (events_.arg(i, 0) != 0) {
        run();
      } else {
        close_run(tl, ts);
        push_change(tl, StateChange{ts, i, TaskState::Runnable, Reason::Syscall, trace::kNoWorker});
      }
      break;
    case EventKind::QueueLength:
    case EventKind::StackBytes: {
      CounterKey key;
      key.kind = kind;
      if (kind == EventKind::QueueLength) {
        key.queue = static_cast<uint8_t>(events_.arg(i, 0));
        key.owner = static_cast<WorkerId>(events_.arg(i, 1));
      }
      add_counter_event(key, i);
      break;
    }
    default:
      break;
  }
  // A one-slot queue filled by an unblock or emptied by a start (see CounterKey).
  if (kind == EventKind::TaskUnblock || kind == EventKind::TaskStart) {
    const uint64_t q =
        kind == EventKind::TaskStart ? events_.arg(i, 0) : trace::queued_into(events_.arg(i, 2));
    for (const trace::QueueKind slot : {trace::QueueKind::Runnext, trace::QueueKind::Lifo}) {
      if (q != trace::start_from(slot)) continue;
      add_counter_event(CounterKey{EventKind::QueueLength, static_cast<uint8_t>(slot), worker}, i);
    }
  }
}

void TraceModel::add_counter_event(const CounterKey& key, EventIndex i) {
  auto it = std::find_if(counters_.begin(), counters_.end(),
                         [&](const CounterTrack& c) { return c.key == key; });
  if (it == counters_.end()) {
    counters_.push_back(CounterTrack{key, {}});
    it = counters_.end() - 1;
  }
  it->events.push_back(i);
}

uint64_t TraceModel::counter_value(EventIndex i) const {
  switch (events_.kind(i)) {
    case EventKind::QueueLength:
      return events_.arg(i, 2);
    case EventKind::TaskUnblock:
      return 1;  // put in the slot
    case EventKind::TaskStart:
      return 0;  // taken from the slot
    default:     // StackBytes
      return events_.arg(i, 0);
  }
}

void TraceModel::maybe_checkpoint() {
  ++events_since_checkpoint_;
  if (events_since_checkpoint_ < options_.checkpoint_min_spacing ||
      events_since_checkpoint_ % 256 != 0) {
    return;  // sizing the state costs a walk over channels: look only every 256 events
  }
  if (static_cast<size_t>(events_since_checkpoint_) * options_.checkpoint_bytes_per_event <
      live_->approx_bytes()) {
    return;  // the state is large: space checkpoints out so they stay a few bytes per event
  }
  checkpoints_.push_back(Checkpoint{live_->last_event(), std::make_unique<ReplayState>(*live_)});
  events_since_checkpoint_ = 0;
}

size_t TraceModel::checkpoint_count() const {
  return checkpoints_.size();
}

ModelState TraceModel::state_at(EventIndex i) const {
  ModelState out;
  if (i != kNoEvent && i >= events_.size()) i = static_cast<EventIndex>(events_.size() - 1);
  if (i == kNoEvent || events_.empty()) {
    ReplayState empty(meta_.model);
    empty.export_state(tasks_, workers_, out);
    return out;
  }
  if (i == live_->last_event()) {
    live_->export_state(tasks_, workers_, out);
    return out;
  }
  // Start from the nearest state at or before i: the last checkpoint, or the state of the previous
  // state_at() call when that is closer (stepping and playing forward replay only the new events).
  auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), i,
                             [](EventIndex v, const Checkpoint& c) { return v < c.after; });
  std::lock_guard guard(cache_->mu);
  ReplayState*& state = cache_->state_ptr;
  const EventIndex cached = state ? state->last_event() : kNoEvent;
  const EventIndex checkpoint = it != checkpoints_.begin() ? std::prev(it)->after : kNoEvent;
  const bool use_cache =
      cached != kNoEvent && cached <= i && (checkpoint == kNoEvent || cached >= checkpoint);
  if (!use_cache) {
    if (checkpoint != kNoEvent) {
      cache_->state = *std::prev(it)->state;
    } else {
      cache_->state = ReplayState(meta_.model);
    }
    state = &cache_->state;
  }
  const EventIndex from = state->last_event() == kNoEvent ? 0 : state->last_event() + 1;
  for (EventIndex k = from; k <= i; ++k) {
    const TaskId t = events_.task(k);
    const bool counter = trace::info(events_.kind(k)).lane == trace::Lane::Counter;
    state->apply(events_, k, t != 0 && !counter ? lane_of_task_or_none(t) : kNone, worker_index_);
  }
  state->export_state(tasks_, workers_, out);
  return out;
}

size_t TraceModel::memory_bytes() const {
  size_t bytes = sizeof(*this) + events_.memory_bytes();
  for (const auto& s : strings_) bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
  bytes += workers_.capacity() * sizeof(WorkerInfo) + worker_index_.capacity() * sizeof(int32_t);
  for (const auto& l : worker_lanes_) {
    bytes +=
        sizeof(l) + l.spans.capacity() * sizeof(RunSpan) + l.markers.capacity() * sizeof(Marker);
  }
  bytes += tasks_.capacity() * sizeof(TaskInfo) + running_on_.capacity() * sizeof(uint32_t);
  for (const auto& l : task_lanes_) {
    bytes += sizeof(l) + l.changes.capacity() * sizeof(StateChange) +
             l.markers.capacity() * sizeof(Marker) + l.events.capacity() * sizeof(EventIndex) +
             l.wakes.capacity() * sizeof(uint32_t);
  }
  bytes += task_dense_.capacity() * sizeof(uint32_t) + task_index_.bucket_count() * sizeof(void*) +
           task_index_.size() * 32;
  bytes += runtime_markers_.capacity() * sizeof(Marker);
  bytes += wakes_.capacity() * sizeof(StoredWake) + run_order_.capacity() * sizeof(uint32_t);
  for (const auto& c : counters_) bytes += sizeof(c) + c.events.capacity() * sizeof(EventIndex);
  bytes += live_->approx_bytes();
  for (const auto& c : checkpoints_) bytes += sizeof(c) + c.state->approx_bytes();
  return bytes;
}

}  // namespace as::viz
