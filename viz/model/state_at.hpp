// viz/model/state_at.hpp — the runtime's state at the playhead, reconstructed from the trace.
//
// Owns: the plain structs the state panels draw (run queues, channels, timers, I/O registrations,
// wakers, blocked tasks, memory totals). TraceModel::state_at() fills a ModelState by taking the
// nearest checkpoint before the playhead and replaying the events after it (see replay_state.hpp).
//
// What "reconstructed" means (the trace is the only source, so the panels show what the events
// say, with these conventions, which the runtimes follow when they emit):
//   - A task made runnable (TaskCreate, TaskUnblock, WakerWake) is queued on Event::worker's local
//     queue, or on the global/inject queue when Event::worker == kNoWorker. TaskStop(Yield or
//     Preempted) queues it on the global queue for goroutines (Go's gosched/preempt) and on the
//     worker's local queue for futures (Tokio's yield_now / budget). A future woken during its own
//     poll is re-queued by the worker that polled it when the poll returns Pending.
//   - QueueLength(Runnext | Lifo, W, 1) after an enqueue on W (at the same or a later time) moves
//     that task into W's runnext / LIFO slot (the previous occupant is kicked to the local queue
//     tail, as Go does); so does a TaskUnblock whose reason says it put the task there
//     (trace::queued_into, Go's ready()). Between a TaskCreate and the runtime's actual put (Go charges the spawn
//     cost in between), the task already shows in the queue.
//   - A local queue holds 256 tasks; one more overflows it as in both runtimes: the older half and
//     the new task move to the global/inject queue.
//   - Steal(from, to, count) moves `count` tasks from the head of from's queue (runnext last) to
//     to's queue; from == kNoWorker means a batch from the global queue (Go's globrunqget).
//     TaskStart removes the task from wherever it is queued.
//   - Goroutines: TaskCreate's frame_bytes (the stack reservation) is not counted as frame memory;
//     their memory is what StackSample says.
//   - Channel buffers hold one element per ChanSend that grew len_after, in FIFO order, each
//     remembered as (sending task, time); ChanRecv that shrank len_after pops the oldest.
//     Waiting senders/receivers are tasks blocked with reason ChanSend/ChanRecv on the channel's
//     id, in block order (Go's sudog queues are FIFO too).
//   - WakerClone / WakerDrop carry the task's number of live wakers after the operation; a Pending
//     future with none is a lost wakeup.
// Checked against the real runtimes (every built-in scenario): reconstructed queue lengths match
// the runtimes' own QueueLength counters within one task (the transient gaps above), except while
// Go's globrunqget moves a batch from the global queue into a P without a per-task event (the
// model then keeps those tasks in the global queue until they run).
#pragma once

#include <cstdint>
#include <vector>

#include "viz/model/types.hpp"

namespace as::viz {

struct WorkerAt {
  WorkerId worker = 0;
  TaskId running = 0;  // task on the worker now (0 = none)
  Time running_since = 0;
  TaskId runnext = 0;         // goroutines: P.runnext (0 = empty)
  TaskId lifo = 0;            // futures: LIFO slot (0 = empty)
  std::vector<TaskId> local;  // local run queue, head first
  bool idle = false;          // WorkerIdle seen and nothing ran since
  bool spinning = false;      // WorkerSpin seen and nothing ran since
  bool stopped = false;       // WorkerStop seen
  friend bool operator==(const WorkerAt&, const WorkerAt&) = default;
};

struct BufferedValue {
  TaskId sender = 0;
  Time sent_at = 0;
  friend bool operator==(const BufferedValue&, const BufferedValue&) = default;
};

struct ChannelAt {
  uint64_t id = 0;
  StringId name = 0;
  uint64_t capacity = 0;
  uint64_t length = 0;  // len_after of the last send/recv
  bool closed = false;
  std::vector<BufferedValue> buffer;  // oldest first (reconstructed; see the conventions above)
  std::vector<TaskId> senders;        // blocked senders, FIFO
  std::vector<TaskId> receivers;      // blocked receivers, FIFO
  friend bool operator==(const ChannelAt&, const ChannelAt&) = default;
};

struct TimerAt {
  uint64_t id = 0;
  TaskId owner = 0;  // task that armed it (0 = runtime)
  Time armed_at = 0;
  Time deadline = 0;
  friend bool operator==(const TimerAt&, const TimerAt&) = default;
};

struct IoAt {
  uint64_t fd = 0;
  uint64_t interest = 0;
  TaskId owner = 0;             // task that registered it
  uint64_t last_readiness = 0;  // from the last IoReady (0 = none yet)
  std::vector<TaskId> waiting;  // tasks blocked with reason Io on this fd
  friend bool operator==(const IoAt&, const IoAt&) = default;
};

// WakerAt: a task with live Waker handles (WakerClone / WakerDrop carry the task's count of live
// wakers after the operation, as the future runtime emits them).
struct WakerAt {
  TaskId task = 0;       // the task these wakers wake
  uint64_t live = 0;     // live wakers for it
  Time since = 0;        // when its count last rose from 0
  bool pending = false;  // the task is Pending: one of these wakers has to wake it
  uint64_t waker = 0;    // deprecated: == live (kept until the panels switch to `live`)
  Time cloned_at = 0;    // deprecated: == since
  friend bool operator==(const WakerAt&, const WakerAt&) = default;
};

struct BlockedAt {
  TaskId task = 0;
  TaskState state = TaskState::Blocked;  // Blocked, Pending or Syscall
  Reason reason = Reason::None;
  uint64_t object = 0;  // channel id / timer id / fd / waker... (0 = none)
  StringId object_name = 0;
  Time since = 0;
  friend bool operator==(const BlockedAt&, const BlockedAt&) = default;
};

struct MemoryAt {
  uint64_t stack_used = 0;  // sum over live goroutines of their last StackSample
  uint64_t stack_committed = 0;
  uint64_t stack_reserved = 0;
  uint64_t frame_bytes = 0;  // sum over live future tasks (TaskCreate frame_bytes + allocs - frees)
  uint32_t live_tasks = 0;   // created and not destroyed
  friend bool operator==(const MemoryAt&, const MemoryAt&) = default;
};

// ModelState: everything the panels show at one playhead position.
struct ModelState {
  EventIndex event = kNoEvent;  // state after this event (kNoEvent = before the first event)
  Time time = 0;
  std::vector<WorkerAt> workers;     // in TraceModel::workers() order
  std::vector<TaskId> global_queue;  // global run queue (goroutines) / inject queue (futures)
  std::vector<ChannelAt> channels;   // made and known, in creation order
  std::vector<TimerAt> timers;       // armed, not fired or cancelled, by deadline
  std::vector<IoAt> io;              // registered, not deregistered
  std::vector<WakerAt> wakers;       // tasks with live wakers, by task id
  std::vector<TaskId> lost_wakeups;  // Pending futures with no live waker: nothing can wake them
  std::vector<BlockedAt> blocked;    // tasks Blocked / Pending / Syscall, by task id
  std::vector<TaskId> runnable;      // all runnable tasks, by task id
  MemoryAt memory;
  friend bool operator==(const ModelState&, const ModelState&) = default;
};

}  // namespace as::viz
