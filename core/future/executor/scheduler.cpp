// core/future/executor/scheduler.cpp — the shared half of both executors (see scheduler.hpp).
#include "core/future/executor/scheduler.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/future/task/coroutine.hpp"

namespace as::future {

using trace::EventKind;
using trace::Reason;

namespace {

// BorrowedWaker is the task's own waker handed to poll through Context: no reference is taken
// (Rust's WakerRef), so it is never dropped.
struct BorrowedWaker {
  union {
    Waker waker;
  };
  explicit BorrowedWaker(RawTask* t) : waker(t, &kTaskWakerVTable) {}
  ~BorrowedWaker() {}
};

// PollScope installs the per-thread poll state for task t and clears it afterwards.
struct PollScope {
  PollScope(Scheduler* s, RawTask* t, int worker) {
    tl_current.recorder = s->recorder();
    tl_current.task = t->id;
    tl_current.worker = static_cast<trace::WorkerId>(worker);
    tl_current.scheduler = s;
    tl_current.budget = s->poll_budget();
    tl_current.block_reason = Reason::Waker;
    tl_current.block_object = 0;
    tl_current.wake_reason = Reason::Waker;
    tl_current.wake_ts = 0;
    tl_current.wake_cause = nullptr;
    tl_current.expected_self_wake = false;
    tl_current.runtime_stall_ns = 0;
  }
  ~PollScope() { leave(); }
  PollScope(const PollScope&) = delete;
  PollScope& operator=(const PollScope&) = delete;
  // leave clears the poll state (what the destructor does; complete() calls it for run_task's).
  static void leave() {
    // Outside a poll nothing may point at this runtime: the recorder may die before the thread.
    tl_current.recorder = nullptr;
    tl_current.scheduler = nullptr;
    tl_current.task = 0;
    tl_current.budget = -1;
    tl_current.poll_ts = 0;
  }
};

}  // namespace

PlatformCallScope::PlatformCallScope() : saved_(tl_current), saved_run_(detail::tl_run) {
  // Another fiber may run on this thread meanwhile (simulation): a held FrameAlloc is ours.
  detail::flush_held_frame_alloc();
}
PlatformCallScope::~PlatformCallScope() {
  tl_current = saved_;
  detail::tl_run = saved_run_;
}

namespace {
std::atomic<uint64_t> g_next_scheduler_serial{1};
// The calling thread's last interned spawn name (per scheduler, hence per recorder).
struct NameCache {
  uint64_t scheduler = 0;
  std::string name;
  trace::StringId id = 0;
};
thread_local NameCache t_name_cache;
}  // namespace

Scheduler::Scheduler(platform::Platform& p, trace::Recorder* rec, RuntimeConfig cfg)
    : platform_(p),
      rec_(rec),
      cfg_(cfg),
      simulated_(p.simulated()),
      coarse_clock_(rec != nullptr && !p.simulated()),
      charge_costs_(p.simulated() && cfg.model_costs),
      poll_budget_(cfg.budget > 0 ? cfg.budget : -1),
      serial_(g_next_scheduler_serial.fetch_add(1, std::memory_order_relaxed)),
      worker_tasks_(std::make_unique<WorkerTasks[]>(static_cast<size_t>(cfg.worker_count()))),
      time_(p.now(), cfg.worker_count()),
      reactor_(p.io()) {}

Scheduler::~Scheduler() = default;

void Scheduler::consume_saving_state(int64_t ns) {
  PlatformCallScope keep;
  platform_.consume(ns);
}

void Scheduler::report(trace::ErrorKind kind, const std::string& message, trace::TaskId task) {
  if (!rec_) return;
  rec_->emit(EventKind::RuntimeError, tl_current.worker, task, static_cast<uint64_t>(kind),
             rec_->intern(message), task);
}

trace::StringId Scheduler::intern_name(std::string_view name) {
  NameCache& c = t_name_cache;
  if (c.scheduler == serial_ && c.name == name) return c.id;
  c.id = rec_->intern(name);
  c.name.assign(name);
  c.scheduler = serial_;
  return c.id;
}

void Scheduler::OwnedList::insert(RawTask* t) {
  count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  t->owned_next = head;
  if (head) head->owned_prev = t;
  head = t;
}

void Scheduler::OwnedList::remove(RawTask* t) {
  if (t->owned_prev) {
    t->owned_prev->owned_next = t->owned_next;
  } else {
    head = t->owned_next;
  }
  if (t->owned_next) t->owned_next->owned_prev = t->owned_prev;
  t->owned_prev = t->owned_next = nullptr;
  // Release: a live_tasks() that sees this count sees what was stored before (drained).
  count.store(count.load(std::memory_order_relaxed) - 1, std::memory_order_release);
}

size_t Scheduler::live_tasks() const {
  // Remote completions first: a task counted there was inserted before (so the list counts
  // below include it); then the lists, then what their owners drained (a drain counts a task in
  // `drained` before it leaves its list's count) — a concurrent completion or drain can only be
  // overcounted for a moment, never undercounted.
  int64_t done = 0;
  for (int w = 0; w < workers(); ++w)
    done += static_cast<int64_t>(
        worker_tasks_[static_cast<size_t>(w)].remote_done.load(std::memory_order_acquire));
  int64_t live = static_cast<int64_t>(shared_owned_.count.load(std::memory_order_acquire));
  for (int w = 0; w < workers(); ++w)
    live += static_cast<int64_t>(
        worker_tasks_[static_cast<size_t>(w)].list.count.load(std::memory_order_acquire));
  for (int w = 0; w < workers(); ++w)
    done -= static_cast<int64_t>(
        worker_tasks_[static_cast<size_t>(w)].drained.load(std::memory_order_acquire));
  return live > done ? static_cast<size_t>(live - done) : 0;
}

void Scheduler::drain_remote_completed(int w) {
  WorkerTasks& wt = worker_tasks_[static_cast<size_t>(w)];
  if (wt.remote.load(std::memory_order_relaxed) == nullptr) return;
  RawTask* t = wt.remote.exchange(nullptr, std::memory_order_acquire);
  while (t) {
    RawTask* next = t->next;
    // Counted as drained before it leaves the list's count (both release stores): live_tasks()
    // reads the list's count before `drained`, so it may see the task in both (an overcount for a
    // moment) but never in neither — drained after the removal, a reader between the two saw the
    // task subtracted twice (a live count 11 short under TSan).
    wt.drained.store(wt.drained.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    wt.list.remove(t);
    t->release();  // the owned list's reference: the completer left it to us
    t = next;
  }
}

void Scheduler::after_create(RawTask* t, std::string_view name, uint64_t bytes) {
  // Spawned by a poll of an executor worker (not the blocking pool, whose threads have other
  // worker numbers): the worker's own list. No other thread holds t yet, so its state word takes
  // the flag with a plain store.
  const int w = t->blocking() ? -1 : spawning_worker();
  if (w >= 0 && w <= UINT8_MAX) {  // RawTask::owner is a byte: more workers share the shared list
    t->state.store(t->state.load(std::memory_order_relaxed) | RawTask::kOwnedByWorker,
                   std::memory_order_relaxed);
    t->owner = static_cast<uint16_t>(w);
    worker_tasks_[static_cast<size_t>(w)].list.insert(t);
  } else {
    std::lock_guard<sync::SpinLock> lk(owned_mu_);
    shared_owned_.insert(t);
  }
  if (rec_) {
    // The frame the spawned future's coroutine allocated just before (held back for this, see
    // detail::HeldFrameAlloc) rides in the TaskCreate, ahead of it (FollowOn::before: readers get
    // FrameAlloc then TaskCreate): one record and one clock read for the pair.
    detail::HeldFrameAlloc& held = detail::tl_held_frame_alloc;
    if (held.rec == rec_ && held.task == tl_current.task && held.worker == tl_current.worker) {
      held.rec = nullptr;
      rec_->emit_at(rec_->now(), EventKind::TaskCreate, tl_current.worker, t->id, tl_current.task,
                    intern_name(name), bytes, 0,
                    trace::FollowOn{EventKind::FrameAlloc, held.task,
                                    static_cast<uint16_t>(held.bytes), /*before=*/true});
    } else {
      detail::flush_held_frame_alloc();
      rec_->emit(EventKind::TaskCreate, tl_current.worker, t->id, tl_current.task,
                 intern_name(name), bytes);
    }
    if (bytes > cfg_.large_future_bytes)
      report(trace::ErrorKind::LargeFuture,
             "large future: " + std::to_string(bytes) + " bytes (limit " +
                 std::to_string(cfg_.large_future_bytes) + ")",
             t->id);
  }
  if (charge_costs_) model_cost(platform_.costs().task_spawn_ns);
}

int64_t Scheduler::run_task(RawTask* t, int worker, int64_t carry, NextPoll* next_poll,
                            bool begun) {
  uint64_t cur = t->state.load(std::memory_order_acquire);
  for (;;) {
    if (cur & RawTask::kComplete) {
      if (begun) close_unpolled(t, worker);
      t->release();
      return carry;  // nothing traced
    }
    uint64_t next = (cur & ~RawTask::kNotified) | RawTask::kRunning;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      break;
  }
  if (charge_costs_) model_cost(platform_.costs().task_switch_ns);
  if (cur & RawTask::kCancelled) {
    if (begun) close_unpolled(t, worker);
    complete(t, Reason::Cancelled, worker);  // also drops the queue's reference
    return 0;
  }

  PollScope scope(this, t, worker);
  // A poll is the future's unit of running: PollBegin/PollEnd is the running span. TaskStart marks
  // the first poll and TaskStop the end (or a yield), not every poll: that halves the trace volume.
  // One clock read stamps the events before the poll (and starts the long-poll measurement), one
  // the events after it. Right after another poll on real threads (carry != 0) the first read is
  // skipped: the events before the poll take the time of the worker's previous event, and the
  // long-poll measurement starts at that poll's end (both within the executor's few-ns gap).
  // begun: the previous poll's PollEnd carries this PollBegin (see NextPoll), at that time.
  int64_t t0 = carry;
  // A first poll writes TaskStart carrying the PollBegin (trace::FollowOn: same instant, lane).
  // carry, when set, is the time of the worker's last event (that PollEnd, or a counter after it).
  if (begun) {
  } else if (rec_) {
    const auto w = static_cast<trace::WorkerId>(worker < 0 ? trace::kNoWorker : worker);
    if (carry == 0) t0 = rec_->now();
    if (!t->polled()) {
      rec_->emit_at(t0, EventKind::TaskStart, w, t->id, 0, 0, 0, 0,
                    trace::FollowOn{EventKind::PollBegin, t->id});
    } else {
      rec_->emit_at(t0, EventKind::PollBegin, w, t->id);
    }
  }
  // Until the first Task::poll takes it: the time of PollBegin, nothing else having run since.
  if (coarse_clock_) tl_current.poll_ts = t0;
  // A wake that makes the task runnable again must not be stamped before this PollBegin.
  if (rec_) t->poll_begin_lo.store(static_cast<uint32_t>(t0) | 1u, std::memory_order_relaxed);
  BorrowedWaker bw(t);
  Context cx(bw.waker);
  bool ready = false;
  Reason why = Reason::Done;
  std::exception_ptr panic;  // kept in the task once its future is dropped (complete)
  try {
    ready = t->vtable->poll(t, cx);
  } catch (const platform::RunCancelled&) {
    detail::flush_held_frame_alloc();
    throw;
  } catch (...) {
    panic = std::current_exception();
    ready = true;
    why = Reason::Panic;
  }
  // A frame allocated in this poll and not used yet: its FrameAlloc goes before the PollEnd.
  detail::flush_held_frame_alloc();
  const Reason block_reason = tl_current.block_reason;
  const uint64_t block_object = tl_current.block_object;
  if (charge_costs_) model_cost(platform_.costs().poll_ns);
  const int64_t t1 = trace_now();
  const int64_t next_carry = coarse_clock_ ? t1 : 0;
  uint64_t took = static_cast<uint64_t>(t1 - t0);
  // A long poll: the runtime's own stall starting a blocking-pool thread (spawn_blocking) is not
  // the task's time (its span still shows it); a blocking call in the task still counts in full.
  if (took > static_cast<uint64_t>(cfg_.long_poll_ns)) [[unlikely]]
    took -= std::min(took, static_cast<uint64_t>(tl_current.runtime_stall_ns));
  if (ready) {
    emit_at(t1, EventKind::PollEnd, worker, t->id, static_cast<uint64_t>(trace::PollResult::Ready));
    // A diagnostic reads the clock anew: the next poll must not take the older PollEnd time.
    const bool reported =
        rec_ && (why == Reason::Panic || took > static_cast<uint64_t>(cfg_.long_poll_ns));
    if (reported) report_poll(t->id, t->blocking(), took, why == Reason::Panic ? &panic : nullptr);
    // also drops the queue's reference
    const bool woke_joiner = complete(t, why, worker, true, std::move(panic));
    return reported || woke_joiner ? 0 : next_carry;
  }

  // Pending: RUNNING → idle, dropping the queue's reference in the same RMW — unless a wake
  // arrived during the poll (NOTIFIED): then the task keeps it and goes back to the queue.
  // Once the task is idle another worker may wake, run and complete it, and its JoinHandle free
  // it: what the events below need is read before the RMW, and t is not touched after it (unless
  // re-queued: then the queue's reference keeps it).
  // The lost-waker lint: nobody holds a Waker and no wake is pending (the word before the RMW
  // says both).
  const trace::TaskId id = t->id;
  const bool blocking = t->blocking();
  cur = t->state.load(std::memory_order_acquire);
  uint64_t next;
  for (;;) {
    next = cur & ~RawTask::kRunning;
    if (!(cur & RawTask::kNotified)) next -= RawTask::kRefOne;
    if (t->state.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      break;
  }
  // The RMW cannot have dropped the last reference: the owned list keeps one until the task
  // completes, and only its runner (us, until the RMW) completes it.
  const bool lost_waker = rec_ && RawTask::live_of(cur) == 0 && !(cur & RawTask::kNotified);
  // Woken while it was running (yield_now, budget, a wake from elsewhere): it runs again later.
  const bool requeue = (cur & RawTask::kNotified) != 0;
  const bool long_poll = rec_ && took > static_cast<uint64_t>(cfg_.long_poll_ns);
  const bool yielded =
      requeue && (block_reason == Reason::Preempted || block_reason == Reason::Yield);
  // Nothing but the PollEnd to trace (no TaskStop, no diagnostic): if the worker already knows its
  // next task, that task's PollBegin rides in this PollEnd (same instant, one clock read).
  if (coarse_clock_ && next_poll && !lost_waker && !long_poll && !yielded) {
    if (requeue) schedule(t, true);  // keeps the queue reference (it may be the next task itself)
    RawTask* n = take_next_polled(worker);
    const bool pack =
        n && n->polled() &&
        !(n->state.load(std::memory_order_acquire) & (RawTask::kComplete | RawTask::kCancelled));
    *next_poll = NextPoll{n, pack};
    const auto w = static_cast<trace::WorkerId>(worker);
    const uint64_t result = static_cast<uint64_t>(trace::PollResult::Pending);
    const uint64_t reason = requeue ? 0 : static_cast<uint64_t>(block_reason);
    const uint64_t object = requeue ? 0 : block_object;
    if (pack) {
      // Left open (unpublished until the worker's next event): the next poll's first step, a
      // receive that takes this instant (mpsc's stamp_leaf), rides in it too (add_follow_on).
      rec_->emit_at_open(t1, EventKind::PollEnd, w, id, result, reason, object, 0,
                         trace::FollowOn{EventKind::PollBegin, n->id});
    } else {
      rec_->emit_at(t1, EventKind::PollEnd, w, id, result, reason, object);
    }
    return next_carry;
  }
  // PollEnd(Pending) says what the task now waits for (the reason and object its leaf future
  // gave) — the future's task.block; nothing when it is re-queued at once.
  emit_at(t1, EventKind::PollEnd, worker, id, static_cast<uint64_t>(trace::PollResult::Pending),
          requeue ? 0 : static_cast<uint64_t>(block_reason), requeue ? 0 : block_object);
  if (long_poll) report_poll(id, blocking, took, nullptr);
  if (lost_waker)
    report(trace::ErrorKind::LostWaker,
           "lost wakeup: task returned Pending but holds no live Waker; nothing can wake it", id);
  if (requeue) {
    if (rec_ && yielded)
      rec_->emit_same_time(EventKind::TaskStop, static_cast<trace::WorkerId>(worker), id,
                           static_cast<uint64_t>(block_reason));
    schedule(t, true);  // keeps the queue reference
  }
  return long_poll || lost_waker ? 0 : next_carry;  // a diagnostic read the clock anew
}

void Scheduler::close_unpolled(RawTask* t, int worker) {
  // Rare: a cross-thread abort() landed between the previous PollEnd and this run. The PollBegin
  // it carried is closed at once: the worker looked at the task and found it cancelled.
  if (rec_)
    rec_->emit_same_time(EventKind::PollEnd, static_cast<trace::WorkerId>(worker), t->id,
                         static_cast<uint64_t>(trace::PollResult::Ready));
}

void Scheduler::report_poll(trace::TaskId id, bool blocking, uint64_t took,
                            const std::exception_ptr* panic) {
  if (!rec_) return;
  if (took > static_cast<uint64_t>(cfg_.long_poll_ns) && !blocking)  // blocking pool: expected
    report(
        trace::ErrorKind::LongPoll,
        "long poll: " + std::to_string(took / 1000) + " us without yielding (blocking in async?)",
        id);
  if (panic) {
    JoinError e = JoinError::panic(*panic);
    report(trace::ErrorKind::Panic, e.message(), id);
  }
}

bool Scheduler::complete(RawTask* t, Reason why, int worker, bool after_poll,
                         std::exception_ptr panic) {
  {
    // Drop the future on this worker, as its own task (frame frees are traced on its lane).
    // Right after its poll, run_task's poll state for t is still installed: it serves as is.
    // Right after its PollEnd on real threads the frame frees take that event's time, like the
    // TaskStop and TaskDestroy below (no clock read for the drop).
    std::optional<PollScope> scope;
    if (!after_poll) scope.emplace(this, t, worker);
    if (after_poll && coarse_clock_) {
      detail::tl_frame_free_same_time = rec_;
      detail::tl_held_frame_free = {rec_};  // see below: the TaskStop record carries it
    }
    try {
      t->vtable->drop_future(t);
    } catch (...) {
      detail::flush_held_frame_free();
      // destructors must not throw; a throwing one is reported, not propagated
      report(trace::ErrorKind::Other, "future destructor threw", t->id);
    }
    detail::tl_frame_free_same_time = nullptr;
    detail::flush_held_frame_alloc();  // a destructor that allocated a frame (odd, but possible)
    if (after_poll) PollScope::leave();
  }
  // The panic takes the future's place in the cell (RawTask::panicked), before COMPLETE publishes
  // it.
  if (panic) t->set_panic(std::move(panic));
  // Off the owned list first (shutdown finds only live tasks there): after the COMPLETE
  // transition below the cell may already be gone. A task of another worker's list stays there
  // with the list's reference (it keeps the cell) until that worker unlinks it: it goes on the
  // owner's remote-completed stack at the end (remote_owner).
  WorkerTasks* remote_owner = nullptr;
  if (t->state.load(std::memory_order_relaxed) & RawTask::kOwnedByWorker) {
    WorkerTasks& owner = worker_tasks_[t->owner];
    if (worker < 0 || worker == t->owner) {
      owner.list.remove(t);  // we are its worker (or shutdown, after the workers stopped)
    } else {
      remote_owner = &owner;
      WorkerTasks& me = worker_tasks_[static_cast<size_t>(worker)];
      me.remote_done.store(me.remote_done.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
    }
  } else {
    std::lock_guard<sync::SpinLock> lk(owned_mu_);
    shared_owned_.remove(t);
  }
  // The references this completion drops: the caller's, and the list's unless it stays listed.
  const uint64_t drop = remote_owner ? 1 : 2;
  const trace::TaskId id = t->id;
  const bool was_root = t == root_;
  // COMPLETE, !RUNNING in one CAS (raw_task.hpp, "The join side"). When a JoinHandle holds the
  // task and has stored no waker, nothing more is to be done with the cell: the same CAS drops
  // the owned list's reference and the caller's, and t is not touched after it (the handle may
  // free it at once; a remote completion drops only the caller's: the list's keeps the cell
  // until the push below). Otherwise the references go after the waker or the output is dealt
  // with.
  Waker join;
  uint64_t prev = t->state.load(std::memory_order_acquire);
  uint64_t next;
  do {
    next = (prev | RawTask::kComplete) & ~RawTask::kRunning;
    if ((prev & (RawTask::kJoinInterest | RawTask::kJoinWaker)) == RawTask::kJoinInterest)
      next -= drop * RawTask::kRefOne;
  } while (!t->state.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                           std::memory_order_acquire));
  const bool released =
      (prev & (RawTask::kJoinInterest | RawTask::kJoinWaker)) == RawTask::kJoinInterest;
  if (!(prev & RawTask::kJoinInterest)) {
    detail::flush_held_frame_free();  // the output's destructor may trace: the free goes first
    t->vtable->drop_output(t);        // detached: nobody will read it
  } else if (prev & RawTask::kJoinWaker) {
    join = t->join_waker.take();  // ours since the CAS saw JOIN_WAKER (the handle keeps off it)
  }
  // One time for the completion's events (FrameFree, TaskStop, TaskDestroy, and the joiner's wake
  // if it is traced here too): right after a poll on real threads, the time of the worker's
  // previous event (its PollEnd); otherwise a clock read.
  int64_t ts = 0;
  if (rec_) {
    const auto w = static_cast<trace::WorkerId>(worker < 0 ? trace::kNoWorker : worker);
    // The joiner's events may share the time only if they go to this recorder.
    const bool joiner_here = join.vtable() == &kTaskWakerVTable &&
                             static_cast<const RawTask*>(join.data())->scheduler == this;
    // TaskDestroy rides in the TaskStop (trace::FollowOn: same instant, same lane); right after
    // the poll, the TaskStop rides in the task's last FrameFree, if its drop left one held (a
    // Task's drop frees its root frame last, so nothing was traced after it): one record.
    const trace::FollowOn destroy{EventKind::TaskDestroy, id, static_cast<uint16_t>(why)};
    if (after_poll && coarse_clock_) {
      const detail::HeldFrameFree held =
          std::exchange(detail::tl_held_frame_free, detail::HeldFrameFree{});
      if (held.held) {
        rec_->emit_same_time(EventKind::FrameFree, w, id, held.bytes, 0, 0, 0,
                             trace::FollowOn{EventKind::TaskStop, id, static_cast<uint16_t>(why)},
                             destroy);
      } else {
        rec_->emit_same_time(EventKind::TaskStop, w, id, static_cast<uint64_t>(why), 0, 0, 0,
                             destroy);
      }
      // Not the joiner's wake, though: these events take the PollEnd's time, read before the
      // COMPLETE transition, and a joiner polled in between (it saw the task unfinished) must
      // not find its wake stamped before that poll. It reads the clock (0).
      ts = 0;
    } else {
      const int64_t now = rec_->now();
      rec_->emit_at(now, EventKind::TaskStop, w, id, static_cast<uint64_t>(why), 0, 0, 0, destroy);
      ts = joiner_here ? now : 0;
    }
  }
  const bool woke = !join.empty();
  if (woke) {
    WakeReasonScope reason(Reason::Join, ts);
    join.wake();
  }
  if (!released) t->release_n(static_cast<uint32_t>(drop));  // see `drop`
  if (remote_owner) {
    // Last: the owner may unlink and release t as soon as it is on the stack.
    RawTask* head = remote_owner->remote.load(std::memory_order_relaxed);
    do {
      t->next = head;
    } while (!remote_owner->remote.compare_exchange_weak(head, t, std::memory_order_release,
                                                         std::memory_order_relaxed));
  }
  if (was_root) {
    shutdown_.store(true, std::memory_order_release);
    notify_shutdown();
  }
  return woke && rec_ != nullptr;
}

void Scheduler::cancel_all_owned() {
  // The workers stopped: their lists are ours now (blocking-pool threads use the shared one).
  // Tasks completed by a worker other than their owner leave the lists first: what stays is live.
  for (int w = 0; w < workers(); ++w) drain_remote_completed(w);
  for (;;) {
    RawTask* t = nullptr;
    {
      std::lock_guard<sync::SpinLock> lk(owned_mu_);
      for (int w = 0; w < workers() && !t; ++w) t = worker_tasks_[static_cast<size_t>(w)].list.head;
      if (!t) t = shared_owned_.head;
      if (!t) return;
      t->add_ref();
    }
    uint64_t cur = t->state.load(std::memory_order_acquire);
    while (!t->state.compare_exchange_weak(
        cur, (cur | RawTask::kRunning | RawTask::kCancelled) & ~RawTask::kNotified)) {
    }
    // A task that panicked was completed by its poll: every task still listed is cancelled.
    complete(t, Reason::Cancelled, -1);  // drops our reference
  }
}

void Scheduler::push_blocking(RawTask* t) {
  int wake = -1;
  bool spawn_thread = false;
  size_t queued = 0;  // read under the lock: a pool thread may pop as soon as it is released
  {
    std::lock_guard<std::mutex> lk(blocking_mu_);
    blocking_queue_.push_back(t);
    queued = blocking_queue_.size();
    if (!blocking_idle_.empty()) {
      wake = blocking_idle_.back();
      blocking_idle_.pop_back();
    } else if (blocking_threads_ < cfg_.max_blocking_threads) {
      ++blocking_threads_;
      spawn_thread = true;
    }
  }
  if (trace::Recorder* rec = rec_)
    rec->emit(EventKind::QueueLength, tl_current.worker, 0,
              static_cast<uint64_t>(trace::QueueKind::Blocking), trace::kNoWorker, queued);
  if (wake >= 0) platform_.unpark(wake);
  if (spawn_thread) {
    // Starting a thread stalls the caller (tokio's spawn_blocking does it in place too), by tens
    // of ms on a busy machine: under TSan pthread_create waits until the new thread runs. The
    // calling poll's LongPoll check leaves that out (real threads; the simulation's is virtual).
    const bool timed = rec_ && coarse_clock_;
    const int64_t start = timed ? rec_->now() : 0;
    {
      PlatformCallScope keep;
      blocking_live_.fetch_add(1, std::memory_order_relaxed);
      platform_.spawn_worker([this](int w) { blocking_thread_main(w); }, "as-blocking");
    }
    if (timed) tl_current.runtime_stall_ns += rec_->now() - start;
  }
}

void Scheduler::blocking_thread_main(int pw) {
  emit(EventKind::WorkerStart, pw, 0, rec_ ? rec_->intern("blocking-" + std::to_string(pw)) : 0);
  for (;;) {
    RawTask* t = nullptr;
    {
      std::lock_guard<std::mutex> lk(blocking_mu_);
      if (!blocking_queue_.empty()) {
        t = blocking_queue_.front();
        blocking_queue_.pop_front();
      } else if (shutting_down()) {
        --blocking_threads_;
        break;
      } else {
        blocking_idle_.push_back(pw);
      }
    }
    if (t) {
      run_task(t, pw);
      continue;
    }
    emit(EventKind::WorkerIdle, pw, 0);
    platform_.park(platform::kNever);
    std::lock_guard<std::mutex> lk(blocking_mu_);
    blocking_idle_.erase(std::remove(blocking_idle_.begin(), blocking_idle_.end(), pw),
                         blocking_idle_.end());
  }
  blocking_live_.fetch_sub(1, std::memory_order_relaxed);
  emit(EventKind::WorkerStop, pw, 0);
}

void Scheduler::unpark_blocking_threads() {
  std::vector<int> idle;
  {
    std::lock_guard<std::mutex> lk(blocking_mu_);
    idle = blocking_idle_;
  }
  for (int w : idle) platform_.unpark(w);
}

void Scheduler::unpark_driver() {
  int w = driver_worker_.load(std::memory_order_acquire);
  if (w >= 0) platform_.unpark(w);
}

void Scheduler::timer_moved_earlier(int shard) {
  if (platform_.current_worker() == shard) return;  // running: it parks with the new deadline
  platform_.unpark(shard);
}

int64_t Scheduler::timer_wakeup(int worker) const {
  int64_t at = time_.next_deadline_ns(worker);
  for (int s = 0; s < time_.shards(); ++s) {
    if (s == worker) continue;
    const int64_t other = time_.next_deadline_ns(s);
    if (other != INT64_MAX) at = std::min(at, other + kTimerStealGraceNs);
  }
  return at;
}

void Scheduler::fire_timers(int worker) {
  if (timer_wakeup(worker) > platform_.now()) return;
  // Local, not thread_local: in the simulation every worker is a fiber of one thread, and a wake
  // may switch fibers (model_cost) into another worker's fire_timers.
  std::vector<Waker> wakers;
  std::vector<uint64_t> fired;
  const int64_t now = platform_.now();
  // At most what fits in our queue: the woken tasks stay on this worker (no overflow into the
  // shared inject queue, from which any worker would take them, frames and all, cache-cold) —
  // unless our timers are overdue by the grace (a worker kept busy by a full queue): then all,
  // so that lateness stays bounded.
  const bool overdue = time_.next_deadline_ns(worker) <= now - kTimerStealGraceNs;
  const size_t room = overdue ? SIZE_MAX : std::max<size_t>(wake_room(worker), 1);
  time_.process(worker, now, wakers, fired, room);
  // Another worker's timers, if it left them overdue (it is stuck in a long poll — blocking in
  // async — or is late to wake): Go's findrunnable also runs the timers of other Ps.
  for (int s = 0; s < time_.shards(); ++s)
    if (s != worker && wakers.size() < room &&
        time_.next_deadline_ns(s) <= now - kTimerStealGraceNs)
      time_.process(s, now, wakers, fired, room - wakers.size());
  if (wakers.empty()) return;
  {
    WakeReasonScope reason(Reason::Sleep);
    wake_batch(worker, wakers, &fired);  // traces the TimerFires (wake_each)
  }
  fired.clear();
  wakers.clear();
  model_cost(platform_.costs().timer_ns);
}

void Scheduler::wake_each(int worker, std::vector<Waker>& wakers,
                          const std::vector<uint64_t>* timers) {
  if (!rec_ || !timers) {
    for (Waker& w : wakers) w.wake();
    return;
  }
  if (!coarse_clock_) {
    // The simulation: every fire at the instant of the pass, then the wakes (each charges its
    // modelled cost, so their times advance).
    for (uint64_t id : *timers) emit(EventKind::TimerFire, worker, 0, id);
    for (Waker& w : wakers) w.wake();
    return;
  }
  // Real threads: a timer's fire and its task's wake are one step of this loop — one clock read
  // for both, and one record when the wake schedules the task on this worker (WakeCause).
  // The wakes run on this worker as this runtime's (tl_current.scheduler, as inside a poll):
  // RawTask::wake then writes the pair inline, and a wake knows its worker without asking the
  // platform. Cleared after: outside a poll nothing may point at this runtime.
  const auto lane = static_cast<trace::WorkerId>(worker < 0 ? trace::kNoWorker : worker);
  Scheduler* const outside = std::exchange(tl_current.scheduler, this);
  for (size_t i = 0; i < wakers.size(); ++i) {
    // The next wake's task header (cold: its task slept a tick) loads while this one wakes (a
    // prefetch never faults, whatever another kind of waker's data points to).
    if (i + 1 < wakers.size()) __builtin_prefetch(wakers[i + 1].data());
    const uint64_t id = (*timers)[i];
    WakeCause cause{rec_, rec_->now(), EventKind::TimerFire, id, 0, 0};
    {
      WakeReasonScope why(tl_current.wake_reason, cause);
      wakers[i].wake();
    }
    if (!cause.written) rec_->emit_at(cause.ts, EventKind::TimerFire, lane, 0, id);
  }
  tl_current.scheduler = outside;
}

bool Scheduler::poll_drivers(int worker, int64_t deadline) {
  // Caller holds driver_busy_.
  static thread_local std::vector<platform::ReadyEvent> events;
  static thread_local std::vector<Waker> wakers;
  static thread_local std::vector<std::pair<int, uint32_t>> ready_fds;
  events.clear();
  const int64_t until = std::min(deadline, timer_wakeup(worker));
  const int64_t now = platform_.now();
  const bool block = until > now;
  if (reactor_.registered() > 0) {
    reactor_.poller().wait(block ? until : now, events);
  } else if (block) {
    platform_.park(until);
  }
  tl_current.worker = static_cast<trace::WorkerId>(worker);
  tl_current.task = 0;
  if (!events.empty()) {
    reactor_.dispatch(events, wakers, ready_fds);
    for (auto& [fd, r] : ready_fds)
      emit(EventKind::IoReady, worker, 0, static_cast<uint64_t>(fd), r);
    ready_fds.clear();
    WakeReasonScope reason(Reason::Io);
    wake_batch(worker, wakers, nullptr);
    wakers.clear();
  }
  fire_timers(worker);
  return true;
}

void Scheduler::park_idle(int worker) {
  if (!driver_busy_.exchange(true, std::memory_order_acq_rel)) {
    driver_worker_.store(worker, std::memory_order_release);
    poll_drivers(worker, platform::kNever);
    driver_worker_.store(-1, std::memory_order_release);
    driver_busy_.store(false, std::memory_order_release);
  } else {
    // Not the I/O driver: sleep until our own wheel's next timer (we fire it ourselves).
    platform_.park(timer_wakeup(worker));
    tl_current.worker = static_cast<trace::WorkerId>(worker);
    tl_current.task = 0;
    fire_timers(worker);
  }
}

void Scheduler::maintenance(int worker) {
  if (reactor_.registered() > 0 && !driver_busy_.exchange(true, std::memory_order_acq_rel)) {
    driver_worker_.store(worker, std::memory_order_release);
    poll_drivers(worker, platform_.now());
    driver_worker_.store(-1, std::memory_order_release);
    driver_busy_.store(false, std::memory_order_release);
    return;
  }
  if (timer_wakeup(worker) <= platform_.now()) fire_timers(worker);
}

void Scheduler::run(RawTask* root) {
  root_ = root;
  shutdown_.store(false);
  deadlocked_.store(false);
  platform_.set_stall_handler([this] {
    if (shutting_down()) {
      notify_shutdown();
      return;
    }
    deadlocked_.store(true, std::memory_order_release);
    if (rec_)
      rec_->emit(EventKind::RuntimeError, trace::kNoWorker, 0,
                 static_cast<uint64_t>(trace::ErrorKind::Deadlock),
                 rec_->intern("all tasks are Pending and nothing can wake them (no timer, no I/O, "
                              "no live waker reachable): the program would hang forever"),
                 0);
    shutdown_.store(true, std::memory_order_release);
    notify_shutdown();
  });
  if (rec_) {
    rec_->emit(EventKind::RuntimeStart, trace::kNoWorker, 0,
               static_cast<uint64_t>(trace::ModelKind::Future), static_cast<uint64_t>(workers()),
               platform_.seed());
  }
  platform_.run(workers(), [this](int w) {
    emit(EventKind::WorkerStart, w, 0, rec_ ? rec_->intern("worker-" + std::to_string(w)) : 0);
    worker_main(w);
    emit(EventKind::WorkerStop, w, 0);
  });
  platform_.set_stall_handler({});
  tl_current = CurrentTask{};
  drain_queues();
  {
    std::lock_guard<std::mutex> lk(blocking_mu_);
    for (RawTask* t : blocking_queue_) t->release();
    blocking_queue_.clear();
    blocking_idle_.clear();
    blocking_threads_ = 0;
  }
  cancel_all_owned();
  drain_queues();  // wakes issued while cancelling (join wakers) queued tasks nobody will run
  if (rec_)
    rec_->emit(EventKind::RuntimeStop, trace::kNoWorker, 0,
               static_cast<uint64_t>(deadlocked() ? 2 : 0));
  tl_current = CurrentTask{};
}

}  // namespace as::future
