// viz/model/synthetic.cpp — a tiny discrete-event scheduler that emits realistic traces.
//
// Workers take turns by virtual time (always the worker that is free earliest), pick work like Go
// and Tokio do (runnext/LIFO slot, local queue, global/inject queue, then steal half from a
// victim), run a task for a random slice, and end the slice with an action: a channel operation
// (rendezvous or buffered, waking a waiting peer), a sleep (timer), an I/O wait
// (netpoller/reactor), a yield, a preemption, a blocking syscall with P handoff, a spawn, or an
// exit. Because it is a real (if simple) scheduler, every trace it emits is consistent: this is
// what makes it useful to test the model against hand-computed expectations and to benchmark it at
// 10M events.
#include "viz/model/synthetic.hpp"

#include <algorithm>
#include <deque>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace as::viz {

namespace {
using trace::Event;
using trace::EventKind;
using trace::kNoWorker;
using trace::QueueKind;
using trace::Reason;
using trace::StringId;
using trace::TaskId;
using trace::WorkerId;

struct SimTask {
  TaskId id = 0;
  bool alive = false;
  bool blocked = false;
  Reason reason = Reason::None;
  uint64_t object = 0;
  uint64_t fd = 0;
  uint32_t frame = 0;
};

struct SimChan {
  uint64_t id = 0;
  uint64_t capacity = 0;
  uint64_t length = 0;
  StringId name = 0;
  std::deque<size_t> senders, receivers;  // task slots
};

struct SimWorker {
  int64_t free_at = 0;
  size_t running = SIZE_MAX;  // task slot
  int64_t run_started = 0;
  std::deque<size_t> local;
  size_t slot = SIZE_MAX;  // runnext (goroutines) / LIFO (futures)
  bool idle = false;
};

struct Pending {  // a timer, I/O readiness or syscall return due at `at`
  int64_t at = 0;
  size_t task = 0;
  EventKind kind = EventKind::TimerFire;
  uint64_t object = 0;
};

class Generator {
 public:
  explicit Generator(const SyntheticOptions& o)
      : o_(o), rng_(o.seed), future_(o.model == trace::ModelKind::Future) {
    strings_.push_back("");
    for (const char* n : {"main", "producer", "consumer", "worker", "fetch", "handler", "timer"})
      names_.push_back(intern(n));
    syscall_name_ = intern("read");
  }

  trace::TraceData run() {
    trace::TraceData data;
    data.meta.model = o_.model;
    data.meta.seed = o_.seed;
    data.meta.workers = std::max(1u, o_.workers);
    data.meta.simulated = true;
    data.meta.runtime = future_ ? "futures (synthetic)" : "goroutines (synthetic)";
    out_.reserve(o_.events + 64);
    const uint32_t nw = data.meta.workers;
    workers_.resize(nw);
    emit(0, EventKind::RuntimeStart, kNoWorker, 0, static_cast<uint64_t>(o_.model), nw, o_.seed);
    for (uint32_t w = 0; w < nw; ++w) {
      emit(0, EventKind::WorkerStart, static_cast<WorkerId>(w), 0,
           intern((future_ ? "worker " : "P") + std::to_string(w)), w);
    }
    for (uint32_t c = 0; c < std::max(1u, o_.channels); ++c) {
      SimChan ch;
      ch.id = 100 + c;
      ch.capacity = c % 3 == 0 ? 0 : c % 5;
      ch.name = intern("chan" + std::to_string(c));
      emit(0, EventKind::ChanMake, kNoWorker, 0, ch.id, ch.capacity, ch.name);
      chans_.push_back(ch);
    }
    const size_t initial = std::max<size_t>(1, std::min<size_t>(o_.tasks, 64));
    for (size_t k = 0; k < initial; ++k) spawn(0, 0, static_cast<WorkerId>(k % nw));
    while (out_.size() < o_.events) step();
    emit(now_, EventKind::RuntimeStop, kNoWorker, 0, 0);
    data.strings = std::move(strings_);
    data.events = std::move(out_);
    return data;
  }

 private:
  uint64_t rnd(uint64_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_);
  }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t slice() {  // mostly short slices, a long tail (what real traces look like)
    const double x = std::exponential_distribution<double>(1.0)(rng_);
    return 200 + static_cast<int64_t>(x * x * 3000.0);
  }

  StringId intern(const std::string& s) {
    strings_.push_back(s);
    return static_cast<StringId>(strings_.size() - 1);
  }

  void emit(int64_t ts, EventKind kind, WorkerId w, TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
            uint64_t a2 = 0) {
    Event e;
    e.ts = ts;
    e.kind = kind;
    e.worker = w;
    e.task = task;
    e.seq = static_cast<uint32_t>(out_.size());
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    out_.push_back(e);
  }

  size_t live() const { return live_; }

  // enqueue makes slot runnable on worker w (kNoWorker = global), runnext/LIFO when `slot_first`.
  void enqueue(int64_t ts, size_t slot, WorkerId w, bool slot_first) {
    if (w == kNoWorker) {
      global_.push_back(slot);
      return;
    }
    SimWorker& sw = workers_[w];
    sw.local.push_back(slot);
    if (slot_first) {
      sw.local.pop_back();
      if (sw.slot != SIZE_MAX) sw.local.push_back(sw.slot);
      sw.slot = slot;
      emit(ts, EventKind::QueueLength, kNoWorker, 0,
           static_cast<uint64_t>(future_ ? QueueKind::Lifo : QueueKind::Runnext), w, 1);
    }
    emit(ts, EventKind::QueueLength, kNoWorker, 0, static_cast<uint64_t>(QueueKind::Local), w,
         sw.local.size());
  }

  void spawn(int64_t ts, TaskId parent, WorkerId w) {
    size_t slot = tasks_.size();
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      tasks_.emplace_back();
    }
    SimTask& t = tasks_[slot];
    t = SimTask{};
    t.id = next_task_++;
    t.alive = true;
    t.frame = future_ ? static_cast<uint32_t>(64 + rnd(4000)) : 0;
    ++live_;
    const StringId name = names_[rnd(names_.size())];
    emit(ts, EventKind::TaskCreate, w, t.id, parent, name, t.frame);
    enqueue(ts, slot, w, parent != 0);
  }

  void wake(int64_t ts, size_t slot, TaskId by_task, WorkerId by_worker, Reason why) {
    SimTask& t = tasks_[slot];
    if (!t.alive || !t.blocked) return;
    t.blocked = false;
    if (future_) {
      emit(ts, EventKind::WakerWake, by_worker, t.id, by_task, by_worker, 0);
      emit(ts, EventKind::WakerDrop, by_worker, t.id, 0);  // no live waker left
    } else {
      emit(ts, EventKind::TaskUnblock, by_worker, t.id, by_task, by_worker,
           static_cast<uint64_t>(why));
    }
    enqueue(ts, slot, by_worker, by_worker != kNoWorker);
  }

  void block(int64_t ts, size_t slot, WorkerId w, Reason why, uint64_t object, StringId name) {
    SimTask& t = tasks_[slot];
    t.blocked = true;
    t.reason = why;
    t.object = object;
    if (future_) {
      emit(ts, EventKind::WakerClone, w, t.id, 1);  // one live waker, held by the resource
      emit(ts, EventKind::PollEnd, w, t.id, static_cast<uint64_t>(trace::PollResult::Pending));
      emit(ts, EventKind::TaskBlock, w, t.id, static_cast<uint64_t>(why), object, name);
    } else {
      emit(ts, EventKind::StackSample, w, t.id, 2048 + rnd(6000), 8192, 1 << 20);
      emit(ts, EventKind::TaskBlock, w, t.id, static_cast<uint64_t>(why), object, name);
    }
  }

  // pick the next task for worker w: slot, local, global, steal.
  size_t pick(int64_t ts, WorkerId w) {
    SimWorker& sw = workers_[w];
    if (sw.slot != SIZE_MAX) {
      const size_t s = sw.slot;
      sw.slot = SIZE_MAX;
      emit(ts, EventKind::QueueLength, kNoWorker, 0,
           static_cast<uint64_t>(future_ ? QueueKind::Lifo : QueueKind::Runnext), w, 0);
      return s;
    }
    if (++ticks_ % 61 == 0 && !global_.empty()) {
      const size_t s = global_.front();
      global_.pop_front();
      return s;
    }
    if (!sw.local.empty()) {
      const size_t s = sw.local.front();
      sw.local.pop_front();
      return s;
    }
    if (!global_.empty()) {
      const size_t s = global_.front();
      global_.pop_front();
      return s;
    }
    const WorkerId victim = static_cast<WorkerId>(rnd(workers_.size()));
    SimWorker& v = workers_[victim];
    if (victim != w && v.local.size() >= 2) {
      const size_t n = v.local.size() / 2;
      emit(ts, EventKind::Steal, w, 0, victim, w, n);
      for (size_t k = 0; k < n; ++k) {
        sw.local.push_back(v.local.front());
        v.local.pop_front();
      }
      const size_t s = sw.local.front();
      sw.local.pop_front();
      return s;
    }
    return SIZE_MAX;
  }

  void fire_due(int64_t ts, WorkerId w) {
    // Timers, I/O readiness and syscall returns that are due, in due order.
    while (!pending_.empty() && pending_.top().at <= ts) {
      const Pending p = pending_.top();
      pending_.pop();
      SimTask& t = tasks_[p.task];
      if (!t.alive) continue;
      if (p.kind == EventKind::TimerFire) {
        emit(ts, EventKind::TimerFire, kNoWorker, t.id, p.object);
        wake(ts, p.task, 0, kNoWorker, Reason::Sleep);
      } else if (p.kind == EventKind::IoReady) {
        emit(ts, EventKind::IoReady, w, t.id, p.object, 1);
        wake(ts, p.task, 0, w, Reason::Io);
      } else {  // syscall return without a P: to the global queue
        t.blocked = false;
        emit(ts, EventKind::SyscallExit, kNoWorker, t.id, 0);
        global_.push_back(p.task);
      }
    }
  }

  void finish_slice(WorkerId w) {
    SimWorker& sw = workers_[w];
    const size_t slot = sw.running;
    SimTask& t = tasks_[slot];
    const int64_t ts = now_;
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    auto stop_running = [&]() { sw.running = SIZE_MAX; };
    if (r < 0.45) {  // channel operation
      SimChan& c = chans_[rnd(chans_.size())];
      const bool send = chance(0.5);
      if (send) {
        if (!c.receivers.empty()) {
          const size_t peer = c.receivers.front();
          c.receivers.pop_front();
          emit(ts, EventKind::ChanSend, w, t.id, c.id, c.length);
          wake(ts, peer, t.id, w, Reason::ChanRecv);
        } else if (c.length < c.capacity) {
          emit(ts, EventKind::ChanSend, w, t.id, c.id, ++c.length);
        } else {
          c.senders.push_back(slot);
          block(ts, slot, w, Reason::ChanSend, c.id, c.name);
          return stop_running();
        }
      } else {
        if (c.length > 0) {
          emit(ts, EventKind::ChanRecv, w, t.id, c.id, --c.length, 1);
          if (!c.senders.empty()) {  // a blocked sender's value moves into the buffer
            const size_t peer = c.senders.front();
            c.senders.pop_front();
            emit(ts, EventKind::ChanSend, w, tasks_[peer].id, c.id, ++c.length);
            wake(ts, peer, t.id, w, Reason::ChanSend);
          }
        } else if (!c.senders.empty()) {
          const size_t peer = c.senders.front();
          c.senders.pop_front();
          emit(ts, EventKind::ChanRecv, w, t.id, c.id, 0, 1);
          wake(ts, peer, t.id, w, Reason::ChanSend);
        } else {
          c.receivers.push_back(slot);
          block(ts, slot, w, Reason::ChanRecv, c.id, c.name);
          return stop_running();
        }
      }
      if (future_) {  // a future's poll ends after its operation; it wakes itself to continue
        emit(ts, EventKind::WakerWake, w, t.id, t.id, w, 1);
        emit(ts, EventKind::PollEnd, w, t.id, static_cast<uint64_t>(trace::PollResult::Pending));
        enqueue(ts, slot, w, false);
        return stop_running();
      }
      sw.free_at = ts + slice();  // the goroutine keeps running
      return;
    }
    if (r < 0.55) {  // sleep
      const uint64_t timer = next_timer_++;
      const int64_t deadline = ts + 1000 + static_cast<int64_t>(rnd(200000));
      emit(ts, EventKind::TimerArm, w, t.id, timer, static_cast<uint64_t>(deadline));
      pending_.push(Pending{deadline, slot, EventKind::TimerFire, timer});
      block(ts, slot, w, Reason::Sleep, timer, 0);
      return stop_running();
    }
    if (r < 0.62) {  // I/O wait
      if (t.fd == 0) {
        t.fd = next_fd_++;
        emit(ts, EventKind::IoRegister, w, t.id, t.fd, 1);
      }
      pending_.push(
          Pending{ts + 5000 + static_cast<int64_t>(rnd(50000)), slot, EventKind::IoReady, t.fd});
      block(ts, slot, w, Reason::Io, t.fd, 0);
      return stop_running();
    }
    if (r < 0.68) {  // yield
      if (future_) {
        emit(ts, EventKind::WakerWake, w, t.id, t.id, w, 1);
        emit(ts, EventKind::PollEnd, w, t.id, static_cast<uint64_t>(trace::PollResult::Pending));
        enqueue(ts, slot, w, false);
      } else {
        emit(ts, EventKind::TaskStop, w, t.id, static_cast<uint64_t>(Reason::Yield));
        global_.push_back(slot);
      }
      return stop_running();
    }
    if (r < 0.71 && !future_) {  // preempted after a long run
      emit(ts, EventKind::TaskPreempt, w, t.id, static_cast<uint64_t>(ts - sw.run_started));
      global_.push_back(slot);
      return stop_running();
    }
    if (r < 0.74 && !future_) {  // blocking syscall: the P is handed off
      emit(ts, EventKind::SyscallEnter, w, t.id, syscall_name_);
      emit(ts, EventKind::ProcHandoff, w, 0, w, workers_.size() + w);
      t.blocked = true;
      pending_.push(
          Pending{ts + 2000 + static_cast<int64_t>(rnd(30000)), slot, EventKind::SyscallExit, 0});
      return stop_running();
    }
    if (r < 0.86) {  // spawn a child, keep running
      if (live() < o_.tasks) spawn(ts, t.id, w);
      if (future_ && chance(0.3)) emit(ts, EventKind::FrameAlloc, w, t.id, 64 + rnd(512), 0);
      sw.free_at = ts + slice();
      return;
    }
    if (live() > std::max<size_t>(2, o_.tasks / 2)) {  // exit
      if (future_) {
        emit(ts, EventKind::PollEnd, w, t.id, static_cast<uint64_t>(trace::PollResult::Ready));
        emit(ts, EventKind::FrameFree, w, t.id, t.frame);
      }
      if (t.fd != 0) emit(ts, EventKind::IoDeregister, w, t.id, t.fd);
      emit(ts, EventKind::TaskDestroy, w, t.id, static_cast<uint64_t>(Reason::Done));
      t.alive = false;
      --live_;
      free_slots_.push_back(slot);
      return stop_running();
    }
    sw.free_at = ts + slice();
  }

  void step() {
    // The worker that is free earliest acts next; virtual time never goes back.
    WorkerId w = 0;
    for (WorkerId k = 1; k < workers_.size(); ++k)
      if (workers_[k].free_at < workers_[w].free_at) w = k;
    SimWorker& sw = workers_[w];
    now_ = std::max(now_, sw.free_at);
    fire_due(now_, w);
    if (sw.running != SIZE_MAX) {
      finish_slice(w);
      if (sw.running != SIZE_MAX) return;
    }
    const size_t next = pick(now_, w);
    if (next == SIZE_MAX) {
      if (!sw.idle) emit(now_, EventKind::WorkerIdle, w, 0);
      sw.idle = true;
      sw.free_at = now_ + 2000;
      if (all_idle() && pending_.empty()) unstick();
      return;
    }
    sw.idle = false;
    SimTask& t = tasks_[next];
    sw.running = next;
    sw.run_started = now_;
    emit(now_, future_ ? EventKind::PollBegin : EventKind::TaskStart, w, t.id);
    sw.free_at = now_ + slice();
  }

  bool all_idle() const {
    for (const auto& w : workers_)
      if (!w.idle || w.running != SIZE_MAX) return false;
    return global_.empty();
  }

  // unstick: everything is blocked on channels nobody will touch — close the stall by waking
  // one waiter (as a timeout would), so the generator always reaches the requested size.
  void unstick() {
    for (SimChan& c : chans_) {
      auto& q = !c.receivers.empty() ? c.receivers : c.senders;
      if (q.empty()) continue;
      const size_t peer = q.front();
      q.pop_front();
      wake(now_, peer, 0, kNoWorker, Reason::ChanClose);
      return;
    }
    if (live() < o_.tasks) spawn(now_, 0, kNoWorker);
  }

  SyntheticOptions o_;
  std::mt19937_64 rng_;
  bool future_;
  std::vector<std::string> strings_;
  std::vector<Event> out_;
  std::vector<SimWorker> workers_;
  std::deque<SimTask> tasks_;  // a deque: spawning keeps references to other tasks valid
  std::vector<size_t> free_slots_;
  std::vector<SimChan> chans_;
  std::deque<size_t> global_;
  struct LaterFirst {
    bool operator()(const Pending& a, const Pending& b) const { return a.at > b.at; }
  };
  std::priority_queue<Pending, std::vector<Pending>, LaterFirst> pending_;  // earliest on top
  std::vector<StringId> names_ = {};
  StringId syscall_name_ = 0;
  TaskId next_task_ = 1;
  uint64_t next_timer_ = 1;
  uint64_t next_fd_ = 3;
  uint64_t ticks_ = 0;
  size_t live_ = 0;
  int64_t now_ = 0;
};

}  // namespace

trace::TraceData make_synthetic_trace(const SyntheticOptions& options) {
  Generator g(options);
  return g.run();
}

}  // namespace as::viz
