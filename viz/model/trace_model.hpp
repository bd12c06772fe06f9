// viz/model/trace_model.hpp — the UI-free model of one trace: lanes, spans, markers, wakeup edges,
// state at the playhead, and the queries the timeline, panels, inspector, lessons and CLI use.
//
// Owns: a compact copy of the events (EventStore), per-worker run spans, per-task state changes,
// markers, wake edges, stack/frame samples, and periodic checkpoints of the reconstructed runtime
// state. The views draw ONLY from here, never from a runtime.
//
// Building: from a whole trace (TraceModel(const TraceData&)) or incrementally while a run is live
// (append(events, strings)); both go through the same per-event code, so an incrementally built
// model equals the batch-built one. Building is linear: ~O(1) work per event. A whole trace of
// more than 16K events is built with one helper thread (lanes here, state replay there); the
// finished model is plain data again.
//
// Queries are cheap at any size: spans, markers and edges are sorted by time per lane, so a query
// is a binary search to the visible range plus a walk that folds spans narrower than a few pixels
// into one block per ~min_px pixels (as Tracy does) — cost ~ lanes x pixels, not events.
// state_at(i) copies the nearest checkpoint (taken every >= 4096 events, more sparsely when the
// state is large so checkpoints stay under ~4 bytes per event) and replays the gap — or steps on
// from its previous answer when that is closer (playing and stepping forward).
//
// Threading: NOT thread-safe. One thread (the app's UI thread) owns the model: it appends events
// it drained from the runtime's queue and runs queries between appends. const queries may run
// concurrently with each other (state_at guards its cache with a mutex), never with append().
//
// Memory: ~56-60 bytes per event at 1M-10M events (EventStore 32, lanes ~20, checkpoints ~4);
// memory_bytes() measures it.
//
// Input validation: events are trusted only as far as indices go — unknown task ids, workers never
// started, unblocks of tasks that are not blocked and similar inconsistencies are tolerated (the
// model creates what it needs and keeps going), never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/trace/trace_data.hpp"
#include "viz/model/event_store.hpp"
#include "viz/model/lanes.hpp"
#include "viz/model/state_at.hpp"
#include "viz/model/types.hpp"

namespace as::viz {

class ReplayState;  // viz/model/replay_state.hpp

// A worker lane's identity.
struct WorkerInfo {
  WorkerId id = 0;
  StringId name = 0;  // from WorkerStart (0 = none; show "P<id>" / "worker <id>")
  Time started = 0;
  friend bool operator==(const WorkerInfo&, const WorkerInfo&) = default;
};

// A task lane's identity and life.
struct TaskInfo {
  TaskId id = 0;
  TaskId parent = 0;
  StringId name = 0;      // TaskCreate name
  StringId location = 0;  // TaskCreate loc: where it was spawned ("file:line function")
  Time created = 0;
  Time destroyed = kTimeMax;         // kTimeMax: still alive
  Reason end_reason = Reason::None;  // TaskDestroy reason (Done, Panic, Cancelled)
  uint64_t frame_bytes = 0;          // TaskCreate frame_bytes (futures: coroutine frame size)
  EventIndex create_event = kNoEvent;
  uint32_t polls = 0;   // futures: PollBegin count
  uint32_t runs = 0;    // TaskStart or PollBegin count
  Time running_ns = 0;  // total time Running (closed spans)
};

// StackSample of a goroutine (StackSample event).
struct StackSample {
  Time t = 0;
  uint64_t used = 0;
  uint64_t committed = 0;
  uint64_t reserved = 0;
  friend bool operator==(const StackSample&, const StackSample&) = default;
};

// FrameSample: a future task's live frame bytes after an event (TaskCreate, FrameAlloc, FrameFree).
struct FrameSample {
  Time t = 0;
  uint64_t bytes = 0;
  friend bool operator==(const FrameSample&, const FrameSample&) = default;
};

// A counter track (QueueLength events of one (queue, owner), or StackBytes). A runnext / LIFO
// track also takes the TaskUnblock that put a task in the slot (value 1) and the TaskStart that took
// it from there (value 0): the runtimes say so in those events instead of a QueueLength.
struct CounterKey {
  trace::EventKind kind = trace::EventKind::QueueLength;
  uint8_t queue = 0;                  // QueueKind for QueueLength
  WorkerId owner = trace::kNoWorker;  // QueueLength owner
  friend bool operator==(const CounterKey&, const CounterKey&) = default;
};
struct CounterSample {
  Time t = 0;
  uint64_t value = 0;
  friend bool operator==(const CounterSample&, const CounterSample&) = default;
};

// FrameDraw: everything a timeline frame draws, built by build_frame() for a list of lanes.
struct FrameDraw {
  std::vector<LaneItem> items;  // lane k's items are [item_offsets[k], item_offsets[k+1])
  std::vector<uint32_t> item_offsets;
  std::vector<MarkerItem> markers;  // lane k's markers: [marker_offsets[k], ...[k+1])
  std::vector<uint32_t> marker_offsets;
  std::vector<WakeEdge> edges;  // wake edges touching the window (capped, see below)
  void clear() {
    items.clear();
    item_offsets.clear();
    markers.clear();
    marker_offsets.clear();
    edges.clear();
  }
};

// What is under the mouse.
struct Hit {
  enum class Kind : uint8_t { None, Span, Folded, Marker } kind = Kind::None;
  LaneRef lane;
  LaneItem item;                // Span / Folded
  MarkerItem marker;            // Marker
  EventIndex event = kNoEvent;  // the event to select (span's first event, marker's event)
  TaskId task = 0;              // the task to select (0 = none)
};

// One step of a wake chain: `edge` woke `edge.to`; the next link explains how edge.from_task got
// to run at the time it woke edge.to.
struct WakeLink {
  WakeEdge edge;
};

// Totals of the whole trace (for headers, the CLI `info`, compare view).
struct ModelTotals {
  size_t events = 0;
  size_t tasks = 0;
  size_t workers = 0;
  size_t run_spans = 0;
  size_t state_changes = 0;
  size_t wake_edges = 0;
  size_t markers = 0;
  size_t errors = 0;
  Time begin = 0;
  Time end = 0;
  uint64_t peak_stack_committed = 0;  // max over time of the summed stack bytes
  uint64_t peak_frame_bytes = 0;      // max over time of the summed future frame bytes
  uint32_t peak_live_tasks = 0;
  size_t memory_bytes = 0;  // the model's own heap memory (see memory_bytes())
};

// Tuning of a model: how densely state checkpoints are kept (scrub speed vs memory).
struct ModelOptions {
  EventIndex checkpoint_min_spacing = 4096;  // at least this many events between checkpoints
  size_t checkpoint_bytes_per_event = 4;     // and a checkpoint costs at most this per event
};

class TraceModel {
 public:
  TraceModel() : TraceModel(ModelOptions{}) {}
  explicit TraceModel(const ModelOptions& options);
  // TraceModel builds the model of a whole trace (events must be sorted by (ts, seq), as
  // TraceData guarantees; out-of-order timestamps are clamped, never rejected).
  explicit TraceModel(const trace::TraceData& data, const ModelOptions& options = {});
  ~TraceModel();
  TraceModel(TraceModel&&) noexcept;
  TraceModel& operator=(TraceModel&&) noexcept;
  TraceModel(const TraceModel&) = delete;
  TraceModel& operator=(const TraceModel&) = delete;

  // ---- building ----
  // set_meta records the trace's metadata (model kind decides Go vs Tokio queue conventions).
  void set_meta(const trace::TraceMeta& meta);
  // append adds events that follow the ones already in the model (live streaming). strings is the
  // full string table so far or just its new tail: entries at index >= strings().size() are added,
  // so passing the whole table each time is fine. Call only from the owning thread.
  void append(std::span<const trace::Event> events, std::span<const std::string> strings = {});
  // reserve pre-sizes storage for n events in total.
  void reserve(size_t n);

  // ---- identity ----
  const trace::TraceMeta& meta() const { return meta_; }
  const std::vector<std::string>& strings() const { return strings_; }
  const std::string& str(StringId id) const;
  const std::vector<WorkerInfo>& workers() const { return workers_; }
  const std::vector<TaskInfo>& tasks() const { return tasks_; }
  // worker_lane / task_lane: the lane index of a worker / task id (nullopt if never seen).
  std::optional<uint32_t> worker_lane(WorkerId w) const;
  std::optional<uint32_t> task_lane(TaskId t) const;
  const TaskInfo* task(TaskId t) const;
  // task_label: "name #id" (or "task #id" when unnamed) — what lanes and tooltips show.
  std::string task_label(TaskId t) const;
  std::string worker_label(WorkerId w) const;
  Time begin_time() const;
  Time end_time() const;  // ts of the last event (what open spans extend to)

  // ---- events and the playhead ----
  size_t event_count() const { return events_.size(); }
  trace::Event event(EventIndex i) const { return events_.get(i); }
  const EventStore& events() const { return events_; }
  Time time_of(EventIndex i) const { return events_.ts(i); }
  // next_event / prev_event: i+1 / i-1 or kNoEvent at the ends. prev_event(kNoEvent) = last.
  EventIndex next_event(EventIndex i) const;
  EventIndex prev_event(EventIndex i) const;
  // next_task_event / prev_task_event: the next/previous event of task t strictly after/before i
  // (i == kNoEvent: first / last of the task). kNoEvent if none.
  EventIndex next_task_event(TaskId t, EventIndex i) const;
  EventIndex prev_task_event(TaskId t, EventIndex i) const;
  // event_at_or_before: last event with ts <= t (kNoEvent if t is before the first event).
  EventIndex event_at_or_before(Time t) const { return events_.last_at_or_before(t); }
  // task_events: indices of every event whose Event::task is t (its history), in order.
  std::span<const EventIndex> task_events(TaskId t) const;

  // ---- lanes ----
  std::span<const RunSpan> run_spans(uint32_t worker_lane) const;
  std::span<const StateChange> state_changes(uint32_t task_lane) const;
  std::span<const Marker> markers(LaneRef lane) const;
  std::span<const Marker> runtime_markers() const {
    return runtime_markers_;
  }  // errors, annotations
  // state_change_end: the end of state change k of a task lane: the next change, or end_time()
  // for the last one — except a last Done, which ends where it starts (a finished task's lane
  // ends).
  Time state_change_end(uint32_t task_lane, uint32_t k) const;

  // query_lane appends to out the items of `lane` intersecting [view.t0, view.t1], folding spans
  // narrower than view.min_duration() (no span is lost: the counts of the items returned add up
  // to the number of spans intersecting the window).
  void query_lane(LaneRef lane, const ViewWindow& view, std::vector<LaneItem>& out) const;
  // query_markers appends the lane's markers in the window, merging those closer than min_px.
  void query_markers(LaneRef lane, const ViewWindow& view, std::vector<MarkerItem>& out) const;
  // query_wake_edges appends edges with an end inside the window (t_wake or t_run in
  // [t0, t1]; an edge spanning the whole window with both ends outside is not returned), at most
  // max_edges of them (evenly thinned beyond that, so zoomed-out views stay readable and cheap).
  void query_wake_edges(const ViewWindow& view, std::vector<WakeEdge>& out,
                        size_t max_edges = 2000) const;
  // build_frame: the whole draw list of one frame for `lanes` (culling, folding, markers, edges).
  void build_frame(const ViewWindow& view, std::span<const LaneRef> lanes, FrameDraw& out,
                   size_t max_edges = 2000) const;
  // all_lanes: every worker lane then every task lane (the default lane order).
  std::vector<LaneRef> all_lanes() const;

  // hit_test: what is drawn on `lane` at time t, within tol_px pixels (markers win over spans).
  Hit hit_test(LaneRef lane, Time t, const ViewWindow& view, double tol_px = 3.0) const;
  // hit_wake_end: the wake edge with an end on `lane` nearest to t within tol_px: its head (the
  // woken task's run start on the task lane / on run_worker's lane) or its tail (the cause: the
  // waking task's lane, or from_worker's lane when no task caused it). nullopt if none.
  std::optional<WakeEdge> hit_wake_end(LaneRef lane, Time t, const ViewWindow& view,
                                       double tol_px = 3.0) const;
  // hit_segment: true if pixel (px, py) is within tol_px of the segment (x0,y0)-(x1,y1); the views
  // use it to hit-test wake arrows, whose y positions only they know.
  static bool hit_segment(double x0, double y0, double x1, double y1, double px, double py,
                          double tol_px);

  // ---- wakeups ----
  size_t wake_edge_count() const { return wakes_.size(); }
  WakeEdge wake_edge(size_t k) const;
  // wake_before: the edge that made task t runnable for its run at or before time `at` (the last
  // edge to t with t_wake <= at), nullopt if none (e.g. never woken).
  std::optional<WakeEdge> wake_before(TaskId t, Time at) const;
  // wake_chain: who woke t (for its run at or before `at`), who woke that waker before it woke t,
  // ... back to the root (a task never woken, a worker/timer/netpoller cause, or max_len links).
  // The first link is the nearest cause. Cycles are impossible (each link goes back in time).
  std::vector<WakeLink> wake_chain(TaskId t, Time at, size_t max_len = 64) const;
  // wakes_of: indices (for wake_edge) of every edge that woke task t, in time order.
  std::span<const uint32_t> wakes_of(TaskId t) const;

  // ---- stacks, frames, counters ----
  std::vector<StackSample> stack_samples(TaskId t) const;
  std::vector<FrameSample> frame_samples(TaskId t) const;
  // stack_at: the task's last StackSample at or before `at` (nullopt if none yet).
  std::optional<StackSample> stack_at(TaskId t, Time at) const;
  // frame_bytes_at: a future's live frame bytes at `at` (its frame size at spawn, plus allocs,
  // minus frees up to `at`); 0 before it exists.
  uint64_t frame_bytes_at(TaskId t, Time at) const;
  std::vector<CounterKey> counters() const;
  // counter_samples: every sample of a counter track (can be millions: prefer query_counter).
  std::vector<CounterSample> counter_samples(const CounterKey& key) const;
  // query_counter appends a drawable, level-of-detail version of a counter track for the view:
  // the last sample before the window, then per min_px bucket the samples with the lowest and the
  // highest value (in time order), so spikes survive zooming out; cost ~ pixels + samples scanned
  // (capped at 64 per bucket, evenly strided beyond that).
  void query_counter(const CounterKey& key, const ViewWindow& view,
                     std::vector<CounterSample>& out) const;

  // ---- state at the playhead ----
  // state_at: the reconstructed runtime state after event i (kNoEvent: before any event). Cost:
  // a copy of the nearest checkpoint + replay of the gap; stepping forward from the previous call
  // replays only the new events.
  ModelState state_at(EventIndex i) const;
  // state_at_time: the state after the last event with ts <= t.
  ModelState state_at_time(Time t) const { return state_at(event_at_or_before(t)); }
  // task_state_at: one task's state at time t (the state change covering t), nullopt if the task
  // does not exist at t.
  std::optional<StateChange> task_state_at(TaskId task, Time t) const;

  // ---- totals and memory ----
  ModelTotals totals() const;
  // memory_bytes: heap bytes the model holds (events, lanes, indices, checkpoints), measured from
  // container capacities — the figure behind "bytes per event".
  size_t memory_bytes() const;
  size_t checkpoint_count() const;

 private:
  struct TaskLane {
    std::vector<StateChange> changes;
    std::vector<Marker> markers;
    std::vector<EventIndex> events;  // written by replay() (the helper thread in batch builds)
    std::vector<uint32_t> wakes;     // indices into wakes_
  };
  struct WorkerLane {
    std::vector<RunSpan> spans;
    std::vector<Marker> markers;
  };
  struct Checkpoint;
  struct StateCache;

  // Building (trace_model.cpp): one pass, one event at a time.
  uint32_t ensure_task(TaskId t, Time ts, EventIndex i);
  uint32_t ensure_worker(WorkerId w, Time ts);
  void append_strings(std::span<const std::string> strings);
  uint32_t index_event(EventIndex i);                  // creates lanes; returns the task's lane
  void build_lanes(EventIndex i, uint32_t task_lane);  // lanes, markers, edges (lookups only)
  void replay(EventIndex i, uint32_t task_lane);       // live state + checkpoints
  void push_change(uint32_t task_lane, const StateChange& c);
  void open_run(uint32_t task_lane, WorkerId w, Time ts, EventIndex i);
  void close_run(uint32_t task_lane, Time ts);
  void add_wake(uint32_t task_lane, EventIndex i);
  void maybe_checkpoint();
  void add_counter_event(const CounterKey& key, EventIndex i);
  uint64_t counter_value(EventIndex i) const;  // of an event of a counter track
  void shrink_to_fit();
  void shrink_lanes();        // everything build_lanes() writes
  void shrink_task_events();  // what replay() writes
  uint32_t lane_of_task_or_none(TaskId t) const;
  uint32_t lane_of_worker_or_none(WorkerId w) const;
  EventIndex wake_before_event(uint32_t task_lane, EventIndex before) const;

  ModelOptions options_;
  trace::TraceMeta meta_;
  std::vector<std::string> strings_;
  EventStore events_;
  std::vector<WorkerInfo> workers_;
  std::vector<WorkerLane> worker_lanes_;
  std::vector<TaskInfo> tasks_;
  std::vector<TaskLane> task_lanes_;
  // TaskId -> lane. Runtimes number tasks 1, 2, 3...: such ids live in a dense vector (one load per
  // lookup); ids far beyond the task count (sparse or hostile input) go to the hash map.
  std::vector<uint32_t> task_dense_;
  std::unordered_map<TaskId, uint32_t> task_index_;
  std::vector<int32_t> worker_index_;  // WorkerId -> lane (-1 = none); WorkerId is 16-bit
  std::vector<Marker> runtime_markers_;
  std::vector<StoredWake> wakes_;    // sorted by wake time
  std::vector<uint32_t> run_order_;  // edge indices in order of their run (= run time order)
  struct CounterTrack {
    CounterKey key;
    std::vector<EventIndex> events;  // written by replay() (the helper thread in batch builds)
  };
  std::vector<CounterTrack> counters_;  // QueueLength / StackBytes events per track
  std::vector<uint32_t> running_on_;    // per task lane: worker lane it runs on (~0u = none)
  std::unique_ptr<ReplayState> live_;   // state after the last appended event
  std::vector<Checkpoint> checkpoints_;
  std::unique_ptr<StateCache> cache_;  // last state_at() result, to step forward cheaply
  EventIndex events_since_checkpoint_ = 0;
};

}  // namespace as::viz
