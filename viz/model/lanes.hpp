// viz/model/lanes.hpp — what a lane holds (stored spans, markers, wake edges) and what a query
// returns for drawing (LaneItem, MarkerItem, WakeEdge).
//
// Stored records are small and sorted by time so a query is a binary search plus a walk over
// what is visible: a worker lane is a sorted list of non-overlapping RunSpans; a task lane is a
// sorted list of StateChanges (each state lasts until the next change, so spans never overlap and
// never leave gaps); markers are sorted by time per lane; wake edges are sorted by wake time.
// Everything the records can look up in the EventStore (args, causes, objects) is not duplicated.
#pragma once

#include <cstdint>
#include <string_view>

#include "viz/model/types.hpp"

namespace as::viz {

// ---- stored records -------------------------------------------------------------------------

// RunSpan: task `task` ran on this worker from t0 to t1 (t1 == kTimeMax while still running in a
// live model; queries clamp it to the model's end time). start_event is the TaskStart/PollBegin.
struct RunSpan {
  Time t0 = 0;
  Time t1 = kTimeMax;
  TaskId task = 0;
  EventIndex start_event = kNoEvent;
  friend bool operator==(const RunSpan&, const RunSpan&) = default;
};

// StateChange: from `t` on, the task is in `state` (until the next change of its lane).
// reason: why (block reason, Yield/Preempted for Runnable, Done/Panic/Cancelled for Done...).
// worker: the worker it runs on (Running), is queued on (Runnable; kNoWorker = global/inject
// queue) or last ran on (other states). event: the event that caused the change.
struct StateChange {
  Time t = 0;
  EventIndex event = kNoEvent;
  TaskState state = TaskState::Runnable;
  Reason reason = Reason::None;
  WorkerId worker = trace::kNoWorker;
  friend bool operator==(const StateChange&, const StateChange&) = default;
};

enum class MarkerKind : uint8_t {
  Spawn,         // task lane: created (TaskCreate); worker lane: a spawn done on this worker
  Steal,         // worker lane (thief): Steal(from, to, count)
  Preempt,       // task lane: TaskPreempt / TaskStop(Preempted)
  Yield,         // task lane: TaskStop(Yield)
  SyscallEnter,  // task lane
  SyscallExit,   // task lane
  Handoff,       // worker lane: ProcHandoff (a P handed off around a blocking syscall)
  Error,         // task lane (or runtime markers): RuntimeError, TaskDestroy(Panic)
  Annotation,    // runtime markers: user annotations; task lane: region begin/end
  Wake,          // task lane: TaskUnblock / WakerWake received
  kCount
};
inline constexpr std::string_view kMarkerKindNames[] = {
    "spawn",        "steal",   "preempt", "yield",      "syscall enter",
    "syscall exit", "handoff", "error",   "annotation", "wake"};
inline constexpr std::string_view marker_kind_name(MarkerKind k) {
  return static_cast<size_t>(k) < static_cast<size_t>(MarkerKind::kCount)
             ? kMarkerKindNames[static_cast<size_t>(k)]
             : std::string_view("?");
}

struct Marker {
  Time t = 0;
  EventIndex event = kNoEvent;
  MarkerKind kind = MarkerKind::Annotation;
  friend bool operator==(const Marker&, const Marker&) = default;
};

// StoredWake: one wakeup edge; both ends are events (times and causes are read from the store).
// run_event is the woken task's next TaskStart/PollBegin (kNoEvent: has not run yet).
struct StoredWake {
  EventIndex wake_event = kNoEvent;  // TaskUnblock, WakerWake or TaskCreate (spawn edge)
  EventIndex run_event = kNoEvent;
};

// ---- query results (what the views draw) -----------------------------------------------------

// LaneItem: one thing to draw on a lane. count == 1: a real span (first = its index in the lane);
// count > 1: a folded block standing for spans [first, first + count) that were each narrower than
// the view's min_px; task/state are then the dominant ones (most time inside the block; exact for
// blocks of up to 16 spans, estimated from 16 evenly spaced spans beyond that).
struct LaneItem {
  Time t0 = 0;
  Time t1 = 0;
  uint32_t first = 0;  // index of the first span in the lane (RunSpan or StateChange index)
  uint32_t count = 1;  // spans represented (1 = not folded)
  TaskId task = 0;     // worker lane: task that ran; task lane: the lane's task
  TaskState state = TaskState::Running;  // task lane: its state; worker lane: Running
  Reason reason = Reason::None;          // task lane: the state's reason
  WorkerId worker = trace::kNoWorker;    // worker lane: the worker; task lane: see StateChange
  EventIndex event = kNoEvent;           // the event that began the (first) span
  bool folded() const { return count > 1; }
  friend bool operator==(const LaneItem&, const LaneItem&) = default;
};

// MarkerItem: a marker, or count > 1 markers within min_px of each other (kind = the first's).
struct MarkerItem {
  Time t = 0;
  EventIndex event = kNoEvent;
  MarkerKind kind = MarkerKind::Annotation;
  uint32_t count = 1;
  friend bool operator==(const MarkerItem&, const MarkerItem&) = default;
};

// WakeEdge: the arrow "cause woke task `to` at t_wake; `to` next ran at t_run on run_worker".
// Draw it from (cause lane, t_wake) to (to's lane, t_run): from_task != 0 → that task's lane (and
// the worker it ran on: from_worker); from_task == 0 → from_worker's lane (timer/netpoller/
// runtime). t_run == kTimeMax: not run yet (draw to the model's end or as a stub).
struct WakeEdge {
  Time t_wake = 0;
  Time t_run = kTimeMax;
  TaskId to = 0;
  TaskId from_task = 0;
  WorkerId from_worker = trace::kNoWorker;
  WorkerId run_worker = trace::kNoWorker;
  Reason reason = Reason::None;  // Spawn for spawn edges, Waker for waker.wake
  EventIndex wake_event = kNoEvent;
  EventIndex run_event = kNoEvent;
  friend bool operator==(const WakeEdge&, const WakeEdge&) = default;
};

}  // namespace as::viz
