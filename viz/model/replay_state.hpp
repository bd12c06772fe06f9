// viz/model/replay_state.hpp — the runtime's scheduling state, rebuilt by replaying trace events.
//
// Owns: per-task scheduling records (state, where it is queued, what it waits on, stack/frame
// bytes), per-worker run queues (local queue, runnext / LIFO slot), the global/inject queue,
// channels (buffer contents, FIFO waiters), timers, I/O registrations, live wakers, memory totals.
//
// Invariants: a task is in at most one queue, and `where` says which; a task waits in at most one
// object's waiter list (the one its TaskBlock named); apply() is O(1) amortised except queue
// removals, which search from the head (where Go and Tokio take tasks from, so it is short).
//
// Why a separate replayable state instead of storing every state: the panels need the full state
// only at the playhead. TraceModel keeps copies of this object every few thousand events
// (checkpoints) and replays the gap, so any playhead position costs one copy + <= N applies.
// The conventions used to place tasks in queues are listed in state_at.hpp.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

#include "viz/model/event_store.hpp"
#include "viz/model/flat_map.hpp"
#include "viz/model/state_at.hpp"

namespace as::viz {

struct TaskInfo;
struct WorkerInfo;

class ReplayState {
 public:
  explicit ReplayState(trace::ModelKind model = trace::ModelKind::Goroutine) : model_(model) {}

  // apply replays event i. task_lane: the lane of Event::task (~0u when the event has no task);
  // worker_lane_of maps a WorkerId to its lane (-1 = unknown; such workers are ignored).
  void apply(const EventStore& events, EventIndex i, uint32_t task_lane,
             std::span<const int32_t> worker_lane_of);

  // export_state converts to the panels' ModelState (lanes back to ids via tasks/workers).
  void export_state(std::span<const TaskInfo> tasks, std::span<const WorkerInfo> workers,
                    ModelState& out) const;

  // approx_bytes estimates the heap size of a copy of this state (checkpoint spacing uses it).
  size_t approx_bytes() const;

  const MemoryAt& memory() const { return memory_; }
  const MemoryAt& peak() const { return peak_; }
  EventIndex last_event() const { return last_event_; }

 private:
  enum class Where : uint8_t { None, Local, Runnext, Lifo, Global };
  struct TaskRec {
    TaskState state = TaskState::Done;
    Reason reason = Reason::None;
    Where where = Where::None;
    bool alive = false;
    bool notified = false;  // woken while running (futures: re-queue after PollEnd(Pending))
    WorkerId worker = trace::kNoWorker;  // queue owner / running worker / notified queue
    uint32_t object_name = 0;
    uint64_t object = 0;
    Time since = 0;
    uint32_t stack_used = 0, stack_committed = 0, stack_reserved = 0;
    uint32_t frame_bytes = 0;
  };
  struct WorkerRec {
    std::deque<uint32_t> local;  // task lanes, head first
    uint32_t runnext = ~0u;      // task lane or ~0u
    uint32_t lifo = ~0u;
    uint32_t running = ~0u;
    Time running_since = 0;
    uint32_t last_enqueued = ~0u;    // for QueueLength(Runnext|Lifo) right after an enqueue
    uint32_t last_overflowed = ~0u;  // the task whose enqueue last overflowed this queue
    bool idle = false, spinning = false, stopped = false;
  };
  struct ChanRec {
    uint64_t id = 0;
    uint64_t capacity = 0;
    uint64_t length = 0;
    StringId name = 0;
    bool closed = false;
    uint32_t order = 0;  // creation order
    std::deque<BufferedValue> buffer;
    std::deque<uint32_t> senders, receivers;  // task lanes
  };
  struct IoRec {
    uint64_t interest = 0;
    uint32_t owner = ~0u;  // task lane
    uint64_t readiness = 0;
    uint32_t order = 0;
    std::vector<uint32_t> waiting;
  };
  struct TimerRec {
    uint32_t owner = ~0u;  // task lane that armed it
    Time armed_at = 0;
    Time deadline = 0;
  };
  struct WakerRec {
    uint64_t live = 0;  // live wakers (the count WakerClone / WakerDrop carry)
    Time since = 0;
  };

  TaskRec& task(uint32_t lane);
  WorkerRec* worker(int32_t lane);
  void enqueue(uint32_t lane, int32_t worker_lane, Time ts);
  void dequeue(uint32_t lane);
  void leave_waiters(uint32_t lane);
  void join_waiters(uint32_t lane);
  void place_in_slot(int32_t owner, trace::QueueKind q);
  void set_stack(TaskRec& t, uint64_t used, uint64_t committed, uint64_t reserved);
  void set_frame(TaskRec& t, uint64_t bytes);
  void note_peak();
  ChanRec& chan(uint64_t id);

  trace::ModelKind model_;
  FlatMap32<TaskRec> tasks_;  // live tasks only (by lane): checkpoints stay
                              // proportional to live state, not history
  std::vector<WorkerRec> workers_;
  std::deque<uint32_t> global_;
  std::unordered_map<uint64_t, ChanRec> chans_;
  uint32_t next_chan_order_ = 0;
  std::unordered_map<uint64_t, TimerRec> timers_;
  std::unordered_map<uint64_t, IoRec> io_;
  uint32_t next_io_order_ = 0;
  std::map<uint32_t, WakerRec> wakers_;  // by task lane; only tasks with live wakers
  MemoryAt memory_;
  MemoryAt peak_;
  EventIndex last_event_ = kNoEvent;
  Time now_ = 0;
};

}  // namespace as::viz
