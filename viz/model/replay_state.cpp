// viz/model/replay_state.cpp — replaying events into scheduling state (see replay_state.hpp and
// the conventions in state_at.hpp).
#include "viz/model/replay_state.hpp"

#include <algorithm>

#include "viz/model/trace_model.hpp"

namespace as::viz {

namespace {
using trace::EventKind;
using trace::QueueKind;
constexpr uint32_t kNone = ~0u;
constexpr size_t kLocalQueueCapacity = 256;  // Go's and Tokio's local run queue size

uint32_t clamp32(uint64_t v) {
  return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
}

bool erase_one(std::deque<uint32_t>& q, uint32_t v) {
  auto it = std::find(q.begin(), q.end(), v);
  if (it == q.end()) return false;
  q.erase(it);
  return true;
}
}  // namespace

ReplayState::TaskRec& ReplayState::task(uint32_t lane) {
  return tasks_[lane];
}

ReplayState::WorkerRec* ReplayState::worker(int32_t lane) {
  if (lane < 0) return nullptr;
  if (static_cast<size_t>(lane) >= workers_.size()) workers_.resize(static_cast<size_t>(lane) + 1);
  return &workers_[static_cast<size_t>(lane)];
}

ReplayState::ChanRec& ReplayState::chan(uint64_t id) {
  auto [it, inserted] = chans_.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    it->second.order = next_chan_order_++;
  }
  return it->second;
}

// enqueue puts a runnable task at the tail of worker_lane's local queue (global when < 0).
void ReplayState::enqueue(uint32_t lane, int32_t worker_lane, Time ts) {
  dequeue(lane);
  TaskRec& t = task(lane);
  WorkerRec* w = worker(worker_lane);
  if (w == nullptr) {
    global_.push_back(lane);
    t.where = Where::Global;
    t.worker = trace::kNoWorker;
    return;
  }
  w->local.push_back(lane);
  w->last_enqueued = lane;
  t.where = Where::Local;
  t.worker = static_cast<WorkerId>(worker_lane);  // a lane here; exported back to an id
  if (w->local.size() > kLocalQueueCapacity) {
    // A full local queue overflows as in both runtimes (Go's runqputslow, Tokio's push_overflow):
    // its older half, then the new task, move to the global/inject queue.
    for (size_t k = 0; k < kLocalQueueCapacity / 2; ++k) {
      const uint32_t moved = w->local.front();
      w->local.pop_front();
      global_.push_back(moved);
      TaskRec& m = task(moved);
      m.where = Where::Global;
      m.worker = trace::kNoWorker;
    }
    w->local.pop_back();
    global_.push_back(lane);
    TaskRec& self = task(lane);
    self.where = Where::Global;
    self.worker = trace::kNoWorker;
    w->last_overflowed = lane;
  }
  (void)ts;
}

void ReplayState::dequeue(uint32_t lane) {
  TaskRec& t = task(lane);
  WorkerRec* w = t.where == Where::Global || t.where == Where::None
                     ? nullptr
                     : worker(static_cast<int32_t>(t.worker));
  switch (t.where) {
    case Where::None:
      break;
    case Where::Global:
      erase_one(global_, lane);
      break;
    case Where::Local:
      if (w != nullptr) erase_one(w->local, lane);
      break;
    case Where::Runnext:
      if (w != nullptr && w->runnext == lane) w->runnext = kNone;
      break;
    case Where::Lifo:
      if (w != nullptr && w->lifo == lane) w->lifo = kNone;
      break;
  }
  t.where = Where::None;
}

// join_waiters puts a task that just blocked (TaskBlock, or a future's PollEnd(Pending) naming
// what it waits for) on the waiter list of the object its reason names.
void ReplayState::join_waiters(uint32_t lane) {
  TaskRec& t = task(lane);
  if (t.reason == Reason::ChanSend) chan(t.object).senders.push_back(lane);
  if (t.reason == Reason::ChanRecv) chan(t.object).receivers.push_back(lane);
  if (t.reason == Reason::Io) {
    if (auto it = io_.find(t.object); it != io_.end()) it->second.waiting.push_back(lane);
  }
}

// leave_waiters removes a task from the waiter list its TaskBlock (or PollEnd) put it on.
void ReplayState::leave_waiters(uint32_t lane) {
  TaskRec& t = task(lane);
  if (t.state != TaskState::Blocked && t.state != TaskState::Pending) return;
  if (t.reason == Reason::ChanSend || t.reason == Reason::ChanRecv) {
    auto it = chans_.find(t.object);
    if (it != chans_.end()) {
      erase_one(t.reason == Reason::ChanSend ? it->second.senders : it->second.receivers, lane);
    }
  } else if (t.reason == Reason::Io) {
    auto it = io_.find(t.object);
    if (it != io_.end()) {
      auto& v = it->second.waiting;
      v.erase(std::remove(v.begin(), v.end(), lane), v.end());
    }
  }
}

// place_in_slot moves the task last enqueued on worker lane `owner` into its runnext / LIFO slot
// (QueueLength(Runnext | Lifo, W, 1), or a TaskUnblock that says so); the slot's previous occupant
// is kicked to the tail of the local queue, as Go does.
void ReplayState::place_in_slot(int32_t owner, QueueKind q) {
  WorkerRec* w = worker(owner);
  if (!w) return;
  uint32_t& slot = q == QueueKind::Runnext ? w->runnext : w->lifo;
  const uint32_t cand = w->last_enqueued;
  if (cand == kNone || cand == slot) return;
  TaskRec* c = tasks_.find(cand);
  if (!c) return;
  if (c->where == Where::Global && w->last_overflowed == cand) {
    // The enqueue overflowed the local queue, but the runtime put this task in the slot and
    // overflowed the slot's old occupant instead: swap them.
    auto it = std::find(global_.begin(), global_.end(), cand);
    if (it == global_.end()) return;
    if (slot != kNone) {
      *it = slot;
      if (TaskRec* old = tasks_.find(slot)) {
        old->where = Where::Global;
        old->worker = trace::kNoWorker;
      }
    } else {
      global_.erase(it);
    }
  } else {
    if (c->where != Where::Local || static_cast<int32_t>(c->worker) != owner) return;
    erase_one(w->local, cand);
    if (slot != kNone) {  // the old occupant is kicked to the tail of the local queue
      w->local.push_back(slot);
      if (TaskRec* old = tasks_.find(slot)) old->where = Where::Local;
    }
  }
  slot = cand;
  c->where = q == QueueKind::Runnext ? Where::Runnext : Where::Lifo;
  c->worker = static_cast<WorkerId>(owner);
}

void ReplayState::set_stack(TaskRec& t, uint64_t used, uint64_t committed, uint64_t reserved) {
  memory_.stack_used += clamp32(used) - static_cast<uint64_t>(t.stack_used);
  memory_.stack_committed += clamp32(committed) - static_cast<uint64_t>(t.stack_committed);
  memory_.stack_reserved += clamp32(reserved) - static_cast<uint64_t>(t.stack_reserved);
  t.stack_used = clamp32(used);
  t.stack_committed = clamp32(committed);
  t.stack_reserved = clamp32(reserved);
}

void ReplayState::set_frame(TaskRec& t, uint64_t bytes) {
  memory_.frame_bytes += clamp32(bytes) - static_cast<uint64_t>(t.frame_bytes);
  t.frame_bytes = clamp32(bytes);
}

void ReplayState::note_peak() {
  peak_.stack_used = std::max(peak_.stack_used, memory_.stack_used);
  peak_.stack_committed = std::max(peak_.stack_committed, memory_.stack_committed);
  peak_.stack_reserved = std::max(peak_.stack_reserved, memory_.stack_reserved);
  peak_.frame_bytes = std::max(peak_.frame_bytes, memory_.frame_bytes);
  peak_.live_tasks = std::max(peak_.live_tasks, memory_.live_tasks);
}

void ReplayState::apply(const EventStore& events, EventIndex i, uint32_t task_lane,
                        std::span<const int32_t> worker_lane_of) {
  auto lane_of = [&](uint64_t w) -> int32_t {
    return w < worker_lane_of.size() ? worker_lane_of[w] : -1;
  };
  const EventKind kind = events.kind(i);
  const Time ts = events.ts(i);
  const int32_t wl = lane_of(events.worker(i));
  last_event_ = i;
  now_ = ts;
  if (WorkerRec* w = worker(wl)) {
    // Any scheduling activity on a worker ends its idle/spinning phase.
    if (kind != EventKind::WorkerIdle && kind != EventKind::WorkerSpin &&
        trace::info(kind).lane != trace::Lane::Counter) {
      w->idle = false;
      w->spinning = false;
    }
  }
  const bool has_task = task_lane != kNone;
  TaskRec* t = has_task ? &task(task_lane) : nullptr;

  auto stop_running = [&](TaskRec& rec) {
    if (rec.state != TaskState::Running) return;
    if (WorkerRec* w = worker(static_cast<int32_t>(rec.worker)); w && w->running == task_lane) {
      w->running = kNone;
    }
  };
  auto make_runnable = [&](int32_t queue_lane) {
    leave_waiters(task_lane);
    t->state = TaskState::Runnable;
    t->since = ts;
    enqueue(task_lane, queue_lane, ts);
  };
  auto start_running = [&]() {
    if (t->state == TaskState::Running) return;  // TaskStart followed by PollBegin
    leave_waiters(task_lane);
    dequeue(task_lane);
    t->state = TaskState::Running;
    t->reason = Reason::None;
    t->notified = false;
    t->since = ts;
    t->worker = static_cast<WorkerId>(wl < 0 ? trace::kNoWorker : wl);
    if (WorkerRec* w = worker(wl)) {
      w->running = task_lane;
      w->running_since = ts;
    }
  };

  switch (kind) {
    case EventKind::WorkerIdle:
      if (WorkerRec* w = worker(wl)) w->idle = true;
      break;
    case EventKind::WorkerSpin:
      if (WorkerRec* w = worker(wl)) w->spinning = true;
      break;
    case EventKind::WorkerStop:
      if (WorkerRec* w = worker(wl)) w->stopped = true;
      break;
    case EventKind::WorkerStart:
      if (WorkerRec* w = worker(wl)) w->stopped = false;
      break;
    case EventKind::TaskCreate:
      if (!t) break;
      if (!t->alive) {
        t->alive = true;
        ++memory_.live_tasks;
      }
      // Futures: frame_bytes is the coroutine frame. (Goroutines put the stack reservation there;
      // their memory comes from StackSample.)
      if (model_ == trace::ModelKind::Future) set_frame(*t, events.arg(i, 2));
      t->state = TaskState::Runnable;
      t->reason = Reason::Spawn;
      t->since = ts;
      enqueue(task_lane, wl, ts);
      note_peak();
      break;
    case EventKind::TaskStart:
    case EventKind::PollBegin:
      if (t) start_running();
      break;
    case EventKind::SyscallExit:
      if (!t) break;
      if (events.arg(i, 0) != 0) {
        t->state = TaskState::Syscall;  // so start_running does not skip
        start_running();
      } else {
        stop_running(*t);
        t->state = TaskState::Runnable;
        t->since = ts;
        enqueue(task_lane, -1, ts);  // exitsyscall without a P: global run queue
      }
      break;
    case EventKind::TaskStop:
    case EventKind::TaskPreempt: {
      if (!t || t->state != TaskState::Running) break;
      const Reason r = kind == EventKind::TaskPreempt ? Reason::Preempted
                                                      : static_cast<Reason>(events.arg(i, 0));
      stop_running(*t);
      t->since = ts;
      t->reason = r;
      if (r == Reason::Yield || r == Reason::Preempted) {
        t->state = TaskState::Runnable;
        enqueue(task_lane, model_ == trace::ModelKind::Goroutine ? -1 : wl, ts);
      } else if (r == Reason::Done || r == Reason::Panic || r == Reason::Cancelled) {
        t->state = TaskState::Done;
      } else if (r == Reason::None) {
        t->state = model_ == trace::ModelKind::Future ? TaskState::Pending : TaskState::Blocked;
      } else {
        t->state = TaskState::Blocked;
      }
      break;
    }
    case EventKind::PollEnd:
      if (!t || t->state != TaskState::Running) break;
      stop_running(*t);
      t->since = ts;
      if (events.arg(i, 0) == static_cast<uint64_t>(trace::PollResult::Ready)) {
        t->state = TaskState::Done;
        t->reason = Reason::Done;
      } else if (t->notified) {
        t->notified = false;
        t->state = TaskState::Runnable;
        t->reason = Reason::Waker;
        enqueue(task_lane, wl, ts);  // the worker that polled it re-queues it (Tokio)
      } else {
        // What the task now waits for (0: unsaid, e.g. a hand-written future's own waker).
        const auto why = static_cast<Reason>(events.arg(i, 1));
        t->state = TaskState::Pending;
        t->reason = why != Reason::None ? why : Reason::Waker;
        t->object = events.arg(i, 2);
        t->object_name = 0;
        join_waiters(task_lane);
      }
      break;
    case EventKind::TaskBlock: {
      if (!t) break;
      stop_running(*t);
      leave_waiters(task_lane);
      dequeue(task_lane);
      const Reason r = static_cast<Reason>(events.arg(i, 0));
      const bool future_wait = t->state == TaskState::Pending || model_ == trace::ModelKind::Future;
      t->state = r == Reason::Syscall ? TaskState::Syscall
                 : future_wait        ? TaskState::Pending
                                      : TaskState::Blocked;
      t->reason = r;
      t->object = events.arg(i, 1);
      t->object_name = static_cast<uint32_t>(events.arg(i, 2));
      t->since = ts;
      join_waiters(task_lane);
      break;
    }
    case EventKind::SyscallEnter:
      if (!t) break;
      stop_running(*t);
      t->state = TaskState::Syscall;
      t->reason = Reason::Syscall;
      t->object = 0;
      t->object_name = static_cast<uint32_t>(events.arg(i, 0));
      t->since = ts;
      break;
    case EventKind::TaskUnblock:
    case EventKind::WakerWake:
      if (!t || !t->alive) break;
      if (t->state == TaskState::Running) {
        t->notified = true;  // woken during its own poll: re-queued when the poll returns Pending
        break;
      }
      if (t->state == TaskState::Runnable || t->state == TaskState::Done) break;  // merged wake
      leave_waiters(task_lane);  // before the reason changes: it names the list the task is on
      t->reason = kind == EventKind::WakerWake ? Reason::Waker : trace::reason_of(events.arg(i, 2));
      make_runnable(wl);
      if (kind == EventKind::TaskUnblock) {
        // The unblock may say it put the task in W's runnext / LIFO slot (Go's ready()).
        const uint64_t into = trace::queued_into(events.arg(i, 2));
        if (into == trace::start_from(QueueKind::Runnext)) place_in_slot(wl, QueueKind::Runnext);
        if (into == trace::start_from(QueueKind::Lifo)) place_in_slot(wl, QueueKind::Lifo);
      }
      break;
    case EventKind::TaskDestroy:
      if (!t) break;
      stop_running(*t);
      leave_waiters(task_lane);
      dequeue(task_lane);
      t->state = TaskState::Done;
      t->reason = static_cast<Reason>(events.arg(i, 0));
      t->since = ts;
      if (t->alive) {
        t->alive = false;
        --memory_.live_tasks;
        set_stack(*t, 0, 0, 0);
        set_frame(*t, 0);
      }
      wakers_.erase(task_lane);
      tasks_.erase(task_lane);  // a destroyed task has no state left to show
      break;
    case EventKind::Steal: {
      // Steal(from, to, count): count tasks move from the head of from's queue (runnext last) to
      // to's local queue. from == kNoWorker: a batch taken from the global queue (globrunqget).
      const int32_t to_lane = lane_of(events.arg(i, 1));
      if (to_lane < 0) break;
      uint64_t n = events.arg(i, 2);
      if (events.arg(i, 0) == trace::kNoWorker) {
        while (n-- > 0 && !global_.empty()) {
          const uint32_t l = global_.front();
          enqueue(l, to_lane, ts);
          if (!global_.empty() && global_.front() == l) global_.pop_front();  // inconsistent input
        }
        break;
      }
      WorkerRec* from = worker(lane_of(events.arg(i, 0)));
      if (!from) break;
      while (n > 0 && (!from->local.empty() || from->runnext != kNone)) {
        const uint32_t victim = !from->local.empty() ? from->local.front() : from->runnext;
        enqueue(victim, to_lane, ts);  // dequeue() takes it off the victim
        if (!from->local.empty() && from->local.front() == victim) from->local.pop_front();
        if (from->runnext == victim) from->runnext = kNone;
        --n;
      }
      break;
    }
    case EventKind::QueueLength: {
      const auto q = static_cast<QueueKind>(events.arg(i, 0));
      if (q != QueueKind::Runnext && q != QueueKind::Lifo) break;
      const int32_t owner = lane_of(events.arg(i, 1));
      WorkerRec* w = worker(owner);
      if (!w) break;
      uint32_t& slot = q == QueueKind::Runnext ? w->runnext : w->lifo;
      if (events.arg(i, 2) > 0) {
        place_in_slot(owner, q);
      } else if (slot != kNone) {
        // The runtime says the slot is empty: whatever we placed there moved to the queue head.
        w->local.push_front(slot);
        if (TaskRec* old = tasks_.find(slot)) old->where = Where::Local;
        slot = kNone;
      }
      break;
    }
    case EventKind::StackSample:
      if (!t) break;
      set_stack(*t, events.arg(i, 0), events.arg(i, 1), events.arg(i, 2));
      note_peak();
      break;
    case EventKind::FrameAlloc:
      if (t) set_frame(*t, t->frame_bytes + events.arg(i, 0));
      note_peak();
      break;
    case EventKind::FrameFree:
      if (t) set_frame(*t, t->frame_bytes - std::min<uint64_t>(t->frame_bytes, events.arg(i, 0)));
      break;
    case EventKind::ChanMake: {
      ChanRec& c = chan(events.arg(i, 0));
      c.capacity = events.arg(i, 1);
      c.name = static_cast<StringId>(events.arg(i, 2));
      break;
    }
    case EventKind::ChanSend: {
      ChanRec& c = chan(events.arg(i, 0));
      const uint64_t len = events.arg(i, 1);
      while (c.buffer.size() < len && c.buffer.size() < (1u << 20)) {
        c.buffer.push_back({t ? events.task(i) : 0, ts});
      }
      while (c.buffer.size() > len) c.buffer.pop_front();
      c.length = len;
      break;
    }
    case EventKind::ChanRecv: {
      ChanRec& c = chan(events.arg(i, 0));
      const uint64_t len = events.arg(i, 1);
      while (c.buffer.size() > len) c.buffer.pop_front();
      c.length = len;
      break;
    }
    case EventKind::ChanClose:
      chan(events.arg(i, 0)).closed = true;
      break;
    case EventKind::TimerArm:
      timers_[events.arg(i, 0)] = TimerRec{task_lane, ts, static_cast<Time>(events.arg(i, 1))};
      break;
    case EventKind::TimerFire:
    case EventKind::TimerCancel:
      timers_.erase(events.arg(i, 0));
      break;
    case EventKind::IoRegister: {
      auto [it, inserted] = io_.try_emplace(events.arg(i, 0));
      if (inserted) it->second.order = next_io_order_++;
      it->second.interest = events.arg(i, 1);
      it->second.owner = task_lane;
      break;
    }
    case EventKind::IoReady:
      if (auto it = io_.find(events.arg(i, 0)); it != io_.end()) {
        it->second.readiness = events.arg(i, 1);
      }
      break;
    case EventKind::IoDeregister:
      io_.erase(events.arg(i, 0));
      break;
    case EventKind::WakerClone:
    case EventKind::WakerDrop:
      if (has_task) {
        const uint64_t live = events.arg(i, 0);
        if (live == 0) {
          wakers_.erase(task_lane);
        } else {
          WakerRec& w = wakers_[task_lane];
          if (w.live == 0) w.since = ts;
          w.live = live;
        }
      }
      break;
    default:
      break;
  }
  // A record that holds nothing (never created or already destroyed, not queued) is dropped, so
  // the live-task map — and every checkpoint — stays proportional to the live tasks.
  if (has_task) {
    const TaskRec* r = tasks_.find(task_lane);
    if (r && !r->alive && r->state == TaskState::Done && r->where == Where::None) {
      tasks_.erase(task_lane);
    }
  }
}

void ReplayState::export_state(std::span<const TaskInfo> tasks, std::span<const WorkerInfo> workers,
                               ModelState& out) const {
  auto id = [&](uint32_t lane) -> TaskId { return lane < tasks.size() ? tasks[lane].id : 0; };
  out.event = last_event_;
  out.time = now_;
  out.workers.clear();
  for (size_t k = 0; k < workers.size(); ++k) {
    WorkerAt w;
    w.worker = workers[k].id;
    if (k < workers_.size()) {
      const WorkerRec& r = workers_[k];
      w.running = r.running == kNone ? 0 : id(r.running);
      w.running_since = r.running_since;
      w.runnext = r.runnext == kNone ? 0 : id(r.runnext);
      w.lifo = r.lifo == kNone ? 0 : id(r.lifo);
      for (uint32_t l : r.local) w.local.push_back(id(l));
      w.idle = r.idle;
      w.spinning = r.spinning;
      w.stopped = r.stopped;
    }
    out.workers.push_back(std::move(w));
  }
  out.global_queue.clear();
  for (uint32_t l : global_) out.global_queue.push_back(id(l));

  out.channels.clear();
  for (const auto& [cid, c] : chans_) {
    ChannelAt ch;
    ch.id = cid;
    ch.name = c.name;
    ch.capacity = c.capacity;
    ch.length = c.length;
    ch.closed = c.closed;
    ch.buffer.assign(c.buffer.begin(), c.buffer.end());
    for (uint32_t l : c.senders) ch.senders.push_back(id(l));
    for (uint32_t l : c.receivers) ch.receivers.push_back(id(l));
    out.channels.push_back(std::move(ch));
  }
  std::sort(out.channels.begin(), out.channels.end(), [&](const ChannelAt& a, const ChannelAt& b) {
    return chans_.at(a.id).order < chans_.at(b.id).order;
  });

  out.timers.clear();
  for (const auto& [tid, r] : timers_) {
    out.timers.push_back(TimerAt{tid, r.owner == kNone ? 0 : id(r.owner), r.armed_at, r.deadline});
  }
  std::sort(out.timers.begin(), out.timers.end(), [](const TimerAt& a, const TimerAt& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id;
  });

  out.io.clear();
  std::vector<std::pair<uint32_t, IoAt>> io;
  for (const auto& [fd, r] : io_) {
    IoAt a;
    a.fd = fd;
    a.interest = r.interest;
    a.owner = r.owner == kNone ? 0 : id(r.owner);
    a.last_readiness = r.readiness;
    for (uint32_t l : r.waiting) a.waiting.push_back(id(l));
    io.emplace_back(r.order, std::move(a));
  }
  std::sort(io.begin(), io.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, a] : io) out.io.push_back(std::move(a));

  out.wakers.clear();
  for (const auto& [lane, w] : wakers_) {
    const TaskRec* r = tasks_.find(lane);
    const bool pending = r != nullptr && r->state == TaskState::Pending;
    out.wakers.push_back({id(lane), w.live, w.since, pending, w.live, w.since});
  }
  std::sort(out.wakers.begin(), out.wakers.end(),
            [](const WakerAt& a, const WakerAt& b) { return a.task < b.task; });
  out.lost_wakeups.clear();
  if (model_ == trace::ModelKind::Future) {
    tasks_.for_each([&](uint32_t l, const TaskRec& r) {
      if (r.alive && r.state == TaskState::Pending && wakers_.find(l) == wakers_.end()) {
        out.lost_wakeups.push_back(id(l));
      }
    });
    std::sort(out.lost_wakeups.begin(), out.lost_wakeups.end());
  }
  out.blocked.clear();
  out.runnable.clear();
  tasks_.for_each([&](uint32_t l, const TaskRec& r) {
    if (!r.alive) return;
    if (r.state == TaskState::Runnable) out.runnable.push_back(id(l));
    if (r.state == TaskState::Blocked || r.state == TaskState::Pending ||
        r.state == TaskState::Syscall) {
      out.blocked.push_back({id(l), r.state, r.reason, r.object, r.object_name, r.since});
    }
  });
  std::sort(out.runnable.begin(), out.runnable.end());
  std::sort(out.blocked.begin(), out.blocked.end(),
            [](const BlockedAt& a, const BlockedAt& b) { return a.task < b.task; });
  out.memory = memory_;
}

size_t ReplayState::approx_bytes() const {
  size_t bytes = sizeof(*this) + tasks_.capacity() * (sizeof(TaskRec) + sizeof(uint32_t)) +
                 workers_.size() * (sizeof(WorkerRec) + 64) + global_.size() * 4;
  for (const auto& w : workers_) bytes += w.local.size() * 4;
  for (const auto& [cid, c] : chans_) {
    bytes += sizeof(ChanRec) + 32 + c.buffer.size() * sizeof(BufferedValue) +
             (c.senders.size() + c.receivers.size()) * 4;
  }
  bytes += timers_.size() * (sizeof(TimerRec) + 32) + io_.size() * (sizeof(IoRec) + 32) +
           wakers_.size() * (sizeof(WakerRec) + 48);
  return bytes;
}

}  // namespace as::viz
