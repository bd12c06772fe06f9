// viz/model/types.hpp — the small vocabulary shared by every part of the UI-free trace model.
//
// Owns: time and index types, task states, lane references and the view window (time range +
// zoom) that every query takes. Nothing here knows about ImGui, GL or the runtimes: the model is
// built from trace events only, so the CLI, benches, tests and lessons use it without a display.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "core/trace/event.hpp"

namespace as::viz {

using trace::Reason;
using trace::StringId;
using trace::TaskId;
using trace::WorkerId;

// Time is ns on the trace's clock (the same clock as trace::Event::ts; virtual ns in sim).
using Time = int64_t;
inline constexpr Time kTimeMax = std::numeric_limits<Time>::max();

// EventIndex is the position of an event in the model (0 = first event, in (ts, seq) order). The
// playhead is an EventIndex: "step" means +1 / -1, and state_at(i) is the state after event i.
using EventIndex = uint32_t;
inline constexpr EventIndex kNoEvent = std::numeric_limits<EventIndex>::max();

// A task's state on its lane. Goroutines use Runnable/Running/Blocked/Syscall/Done; futures use
// Runnable/Running ("polling")/Pending/Done (and Blocked when the executor itself blocks them,
// e.g. spawn_blocking or a blocking call inside a task).
enum class TaskState : uint8_t {
  Runnable = 0,  // in a run queue (local, runnext/LIFO, global/inject), waiting for a worker
  Running,       // on a worker: a goroutine running, or a future inside poll()
  Blocked,       // parked with a reason + object (chan send/recv, select, sleep, io, mutex...)
  Pending,       // a future whose last poll returned Pending; waits for waker.wake()
  Syscall,       // in a blocking syscall (its P may have been handed off)
  Done,          // destroyed (finished, panicked or cancelled); the last span of a task lane
  kCount
};
inline constexpr std::string_view kTaskStateNames[] = {"runnable", "running", "blocked",
                                                       "pending",  "syscall", "done"};
inline constexpr std::string_view task_state_name(TaskState s) {
  return static_cast<size_t>(s) < static_cast<size_t>(TaskState::kCount)
             ? kTaskStateNames[static_cast<size_t>(s)]
             : std::string_view("?");
}

// add_sat / sub_sat: time arithmetic that saturates instead of overflowing (trace files are
// untrusted input: a timestamp may sit near the limits).
inline constexpr Time add_sat(Time a, Time b) {
  Time r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? kTimeMax : std::numeric_limits<Time>::min();
  return r;
}
inline constexpr Time sub_sat(Time a, Time b) {
  Time r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? kTimeMax : std::numeric_limits<Time>::min();
  return r;
}

// Which kind of lane a LaneRef names.
enum class LaneKind : uint8_t {
  Worker,  // one per worker (P for goroutines, executor thread for futures): run spans
  Task,    // one per task: state spans
};

// LaneRef names one lane: index is the position in TraceModel::workers() or ::tasks(). Indices
// are stable while the model grows (append only adds lanes at the end of each list).
struct LaneRef {
  LaneKind kind = LaneKind::Worker;
  uint32_t index = 0;
  friend bool operator==(const LaneRef&, const LaneRef&) = default;
};

// ViewWindow is what the timeline shows: the visible time range and the zoom. Queries cull to
// [t0, t1] and fold everything narrower than min_px pixels into folded blocks, so the cost of a
// frame depends on the pixel width of the view, not on the number of events.
struct ViewWindow {
  Time t0 = 0;
  Time t1 = 0;
  double ns_per_px = 1.0;  // zoom: nanoseconds per horizontal pixel (> 0)
  double min_px = 3.0;     // spans narrower than this are folded (Tracy uses a few pixels)

  // min_duration is the narrowest span drawn on its own, in ns (at least 1).
  Time min_duration() const {
    const double d = ns_per_px * min_px;
    if (!(d >= 1.0)) return 1;  // also NaN and negative zooms
    return d >= 9.0e18 ? static_cast<Time>(9.0e18) : static_cast<Time>(d);
  }
  // pixels_to_ns: a pixel distance as a duration (at least 0, saturating).
  Time pixels_to_ns(double px) const {
    const double d = ns_per_px * px;
    if (!(d >= 0.0)) return 0;
    return d >= 9.0e18 ? static_cast<Time>(9.0e18) : static_cast<Time>(d + 0.999999);
  }
  // end_exclusive: t1 + 1 without overflow (queries search for the first item after the window).
  Time end_exclusive() const { return t1 == kTimeMax ? t1 : t1 + 1; }
  // for_width makes a window showing [t0, t1] on width_px pixels.
  static ViewWindow for_width(Time t0, Time t1, double width_px, double min_px = 3.0) {
    ViewWindow w;
    w.t0 = t0;
    w.t1 = t1;
    w.ns_per_px = width_px > 0 && t1 > t0
                      ? (static_cast<double>(t1) - static_cast<double>(t0)) / width_px
                      : 1.0;
    w.min_px = min_px;
    return w;
  }
};

}  // namespace as::viz
