// core/future/executor/scheduler.hpp — what both executors share: spawning, the task harness,
// the drivers (time + I/O), the blocking pool, shutdown and diagnostics.
//
// Owns: every spawned task until it completes (the owned-task list, tokio task/list.rs), the time
// and I/O drivers, the blocking pool, the trace emission of task lifecycles.
// Owned tasks live on intrusive lists: the shared one (a spin lock: blocking-pool tasks and tasks
// spawned from outside the workers) and one per executor worker — the tasks its polls spawn
// (RawTask::kOwnedByWorker and RawTask::owner say whose). Only that worker links and unlinks its
// list, so a spawn and a completion on the same worker take no locked instruction. A task that
// another worker completes (multi-thread: a stolen task) is not unlinked by it: the completer
// pushes it on the owner's remote-completed stack (one CAS on a line the owner rarely touches)
// and leaves it the owned list's reference; the owner unlinks and releases those tasks in a batch
// (drain_remote_completed: every 64 spawns, every maintenance turn, before parking). One shared
// lock taken by the spawning worker and by every thief completing its tasks was the hottest line
// of spawn_join at procs=2 (Tokio shards that lock by task id; sharding it here made things worse:
// a spawn links next to a task spawned 16 earlier, just completed on the other core). The live
// count stays exact at each completion (per-worker counters, summed by live_tasks()). Shutdown
// first drains every stack, then cancels the tasks still listed, after the workers stopped.
// Subclasses (current_thread.cpp, multi_thread.cpp) own only their run queues, parking policy and
// the worker loop — the part where tokio's two schedulers differ.
//
// The harness (run_task; tokio task/harness.rs):
//   NOTIFIED → RUNNING, poll the future with a Context whose Waker is the task itself, then
//   Ready/panic → drop the future, publish output, wake the JoinHandle (COMPLETE);
//   Pending     → RUNNING → idle, unless a wake arrived during the poll (→ re-queued, a "yield");
//   CANCELLED   → drop the future without polling it; the handle sees JoinError::cancelled().
// Every step is traced: TaskStart/PollBegin/PollEnd/TaskStop, PollEnd(Pending, reason, object) with
// the reason the leaf future gave (a future's task.block, folded into its poll's end),
// TaskDestroy(Done|Panic|Cancelled), plus the diagnostics:
// LostWaker (Pending and no live Waker), SelfWake, LongPoll (> long_poll_ns), LargeFuture.
//
// Drivers (tokio runtime/driver.rs): whichever worker runs out of work takes the I/O driver (an
// atomic flag), and parks *in the Poller*; the others park on the platform. Timers are per worker
// (time/driver.hpp): a Sleep is armed in the wheel of the worker that polls it, every worker parks
// with its own wheel's next deadline and fires its own timers, so woken tasks stay on the worker
// whose cache holds them (Go's per-P timers). A worker fires at most what its run queue has room
// for (wake_room): the rest stay due and fire as it drains its queue (it checks its own due timers
// before it steals) — 10,000 timers due at one tick would otherwise spill into the shared inject
// queue and be polled, cache-cold, by any worker. A wheel left overdue by more than a grace period
// (its worker is stuck in a long poll) is fired by another worker. Any worker that is busy checks
// its timers and the I/O driver without blocking every event_interval ticks.
//
// Threading: schedule() may be called from any thread (wakers travel); everything else from
// workers. Sim: workers are fibers on one OS thread, so thread-locals (tl_current) are
// re-established before every poll and saved/restored around any platform call made inside a poll.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/future/executor/config.hpp"
#include "core/future/io/reactor.hpp"
#include "core/future/sync/spin_lock.hpp"
#include "core/future/task/coroutine.hpp"
#include "core/future/task/join_handle.hpp"
#include "core/future/task/raw_task.hpp"
#include "core/future/time/driver.hpp"
#include "core/platform/platform.hpp"
#include "core/trace/recorder.hpp"

namespace as::future {

// Deadlock is thrown by block_on when every task is pending and nothing can ever wake them.
struct Deadlock : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Scheduler {
 public:
  Scheduler(platform::Platform& p, trace::Recorder* rec, RuntimeConfig cfg);
  virtual ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // schedule queues t, which carries a queue reference. `yielded`: t re-queued itself (its own
  // poll woke it): it goes behind the others. Any thread. A spawn_blocking task goes to the
  // blocking pool.
  void schedule(RawTask* t, bool yielded) {
    if (t->blocking()) {
      push_blocking(t);
      return;
    }
    enqueue(t, yielded);
  }
  // schedule_woken is schedule(t, false) for a wake that holds t's state word from the CAS that
  // made t runnable: the blocking flag is read from that word, not by a load of the state right
  // after the CAS (that load waits for the locked instruction: a third of a channel wake's
  // scheduling time).
  void schedule_woken(RawTask* t, uint64_t word) {
    if (word & RawTask::kBlocking) {
      push_blocking(t);
      return;
    }
    enqueue(t, false);
  }

  // ---- executor-specific ------------------------------------------------------------------------
  // enqueue queues t (not a spawn_blocking task) on this executor — see schedule.
  virtual void enqueue(RawTask* t, bool yielded) = 0;
  // worker_main is the body of executor worker `index` (platform worker `index`).
  virtual void worker_main(int index) = 0;
  // notify_shutdown wakes every worker so it sees shutting_down().
  virtual void notify_shutdown() = 0;
  // drain_queues releases every queued task reference (after the workers stopped).
  virtual void drain_queues() = 0;
  // wake_room is how many tasks worker w takes onto its own queue at once when it fires timers:
  // a bounded local queue takes what fits (fire_timers fires at most that many per call, the
  // rest stay due for the worker's next look), an unbounded one everything.
  virtual size_t wake_room(int worker) const {
    (void)worker;
    return SIZE_MAX;
  }
  // wake_batch wakes what one driver pass fired (timers, I/O readiness) on worker `worker`, in
  // order (see wake_each; `timers`: the fired timers' ids when they are timer wakers, else null).
  virtual void wake_batch(int worker, std::vector<Waker>& wakers,
                          const std::vector<uint64_t>* timers) {
    wake_each(worker, wakers, timers);
  }

  // ---- spawning ---------------------------------------------------------------------------------
  template <Future F>
  JoinHandle<FutureOutput<F>> spawn(F fut, std::string_view name = "task") {
    using Cell = TaskCell<F>;
    const uint32_t frame = frame_bytes_of(fut);
    auto* cell = new Cell(std::move(fut), this, next_task_id());
    after_create(cell, name, sizeof(Cell) + frame);
    schedule(cell, false);
    return JoinHandle<FutureOutput<F>>(cell);
  }
  // spawn_blocking runs fn on the blocking pool (a platform worker of its own).
  template <class Fn>
  auto spawn_blocking(Fn fn, std::string_view name = "blocking") {
    using R = std::invoke_result_t<Fn&>;
    struct BlockingFuture {
      Fn fn;
      Poll<OutputOf<R>> poll(Context&) {
        if constexpr (std::is_void_v<R>) {
          fn();
          return Unit{};
        } else {
          return fn();
        }
      }
    };
    using Cell = TaskCell<BlockingFuture>;
    auto* cell = new Cell(BlockingFuture{std::move(fn)}, this, next_task_id());
    // Not shared yet: the flag goes in with a plain store.
    cell->state.store(cell->state.load(std::memory_order_relaxed) | RawTask::kBlocking,
                      std::memory_order_relaxed);
    after_create(cell, name, sizeof(Cell));
    push_blocking(cell);
    return JoinHandle<OutputOf<R>>(cell);
  }

  // ---- running ----------------------------------------------------------------------------------
  // run starts the workers and returns once `root` completed (or a deadlock was detected), then
  // cancels every task still alive (tokio's shutdown: their futures are dropped).
  void run(RawTask* root);
  bool shutting_down() const { return shutdown_.load(std::memory_order_acquire); }
  bool deadlocked() const { return deadlocked_.load(std::memory_order_acquire); }

  // run_task is the harness (file comment). t carries a queue reference, consumed here.
  // `carry`: the value the previous run_task on this worker returned, if the worker did nothing
  // traced in between (else 0). On real threads it returns the time its PollEnd read, and a
  // following run_task stamps its PollBegin with the time of the worker's last event instead of
  // reading the clock again: one clock read per boundary between two polls (only executor code
  // runs in between). Returns 0 in the simulation and with tracing off (nothing to carry), and
  // after a diagnostic (it read the clock again: the worker's last event is later than PollEnd).
  // `next` (optional; only on real threads with tracing on, else ignored): when the poll returns
  // Pending and nothing else is traced before the
  // worker's next poll, run_task asks take_next_polled() for that next task and hands it back here;
  // `begun` then says its PollBegin is already written — packed into this poll's PollEnd
  // (trace::FollowOn: one event and one clock read for the boundary between two polls). The worker
  // must run it next with run_task(next.task, worker, <returned carry>, ..., next.begun).
  struct NextPoll {
    RawTask* task = nullptr;
    bool begun = false;
  };
  int64_t run_task(RawTask* t, int worker, int64_t carry = 0, NextPoll* next = nullptr,
                   bool begun = false);
  // take_next_polled: the task this worker will poll next, taken off its run queue (with the
  // queue's reference), if that is already certain right after a Pending poll — nothing else
  // (drivers, another queue, a traced counter) comes first. nullptr: not known (the default).
  // Every task it may return was queued before that poll's end (by this worker), so its PollBegin
  // may take the PollEnd's time.
  virtual RawTask* take_next_polled(int worker) {
    (void)worker;
    return nullptr;
  }

  // ---- drivers ----------------------------------------------------------------------------------
  // park_idle: the calling worker has no work: drive time+I/O (if the driver is free) or park.
  void park_idle(int worker);
  // maintenance: poll the drivers without blocking (every event_interval ticks).
  void maintenance(int worker);
  // unpark_driver wakes whoever waits in the Poller (a newly registered fd).
  void unpark_driver();
  // time_shard is the timer wheel a Sleep polled on this thread is armed in: that of the calling
  // executor worker (which then fires it), 0 for any other thread.
  int time_shard() const {
    const int w = platform_.current_worker();
    return w >= 0 && w < workers() ? w : 0;
  }
  // timer_moved_earlier: wheel `shard` got an earlier next deadline; wakes its worker (unless it
  // is the caller) so that it parks again with the new deadline.
  void timer_moved_earlier(int shard);
  time::TimeDriver& time() { return time_; }
  io::Reactor& reactor() { return reactor_; }

  // ---- accessors --------------------------------------------------------------------------------
  platform::Platform& platform() { return platform_; }
  trace::Recorder* recorder() const { return rec_; }
  const RuntimeConfig& config() const { return cfg_; }
  int workers() const { return cfg_.worker_count(); }
  bool simulated() const { return simulated_; }
  // coarse_clock: traced on real threads, where the executor's own follow-on events share one
  // clock read (run_task's carry; a completion's events right after its poll).
  bool coarse_clock() const { return coarse_clock_; }
  // emit traces an event on worker w (no-op with tracing off). Always inlined: the untraced
  // runtime then pays one test of rec_ per event site, not a call.
  [[gnu::always_inline]] void emit(trace::EventKind k, int worker, trace::TaskId task,
                                   uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0) {
    if (rec_)
      rec_->emit(k, static_cast<trace::WorkerId>(worker < 0 ? trace::kNoWorker : worker), task, a0,
                 a1, a2);
  }
  // emit_at is emit with a timestamp read once for all the events of one executor operation
  // (a poll's PollBegin + TaskStart, a completion's TaskStop + TaskDestroy, a wake's two events).
  [[gnu::always_inline]] void emit_at(int64_t ts, trace::EventKind k, int worker,
                                      trace::TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
                                      uint64_t a2 = 0) {
    if (rec_)
      rec_->emit_at(ts, k, static_cast<trace::WorkerId>(worker < 0 ? trace::kNoWorker : worker),
                    task, a0, a1, a2);
  }
  // trace_now reads the trace clock (0 with tracing off: nothing will be stamped).
  int64_t trace_now() const { return rec_ ? rec_->now() : 0; }
  void report(trace::ErrorKind kind, const std::string& message, trace::TaskId task);
  bool charges_costs() const { return charge_costs_; }
  // poll_budget is the coop budget a poll starts with (-1 = unconstrained).
  int poll_budget() const { return poll_budget_; }
  // model_cost charges ns of virtual time on the sim platform (nothing on os).
  // Inside a poll it saves/restores the per-thread poll state (another fiber may run meanwhile).
  void model_cost(int64_t ns) {
    if (charge_costs_ && ns > 0) consume_saving_state(ns);
  }
  // next_object_id numbers channels and other traced objects per runtime (deterministic).
  uint64_t next_object_id() { return next_object_id_.fetch_add(1, std::memory_order_relaxed); }
  // trace_worker is the trace id of the calling platform worker (kNoWorker outside).
  int current_worker() const { return platform_.current_worker(); }
  // live_tasks: spawned and not completed (a completed task waiting on a remote-completed stack
  // is not live). Counters read in an order that can only overcount a concurrent completion.
  size_t live_tasks() const;

 protected:
  // spawning_worker: the executor worker whose poll runs on this thread (-1: another thread).
  int spawning_worker() const {
    if (tl_current.scheduler != this) return -1;
    const int w = tl_current.worker;
    return w >= 0 && w < workers() ? w : -1;
  }
  // next_task_id numbers a new task. An executor worker takes its ids kIdBlock at a time (one
  // locked instruction per block, not per spawn); other threads one at a time. Ids stay unique,
  // and in spawn order among each worker's tasks. A new block is also when the worker unlinks
  // the tasks of its list that other workers completed meanwhile.
  trace::TaskId next_task_id() {
    const int w = spawning_worker();
    if (w >= 0) {
      WorkerTasks& wt = worker_tasks_[static_cast<size_t>(w)];
      if (wt.ids.next == wt.ids.end) [[unlikely]] {
        wt.ids.next = next_id_.fetch_add(kIdBlock, std::memory_order_relaxed);
        wt.ids.end = wt.ids.next + kIdBlock;
        drain_remote_completed(w);
      }
      return wt.ids.next++;
    }
    return next_id_.fetch_add(1, std::memory_order_relaxed);
  }
  // drain_remote_completed: worker w unlinks from its list the tasks other workers completed and
  // drops the list's reference to each. Only w calls it (or shutdown, after the workers stopped).
  void drain_remote_completed(int w);
  static constexpr trace::TaskId kIdBlock = 64;
  // intern_name is rec_->intern(name) behind a per-thread one-entry cache: spawn names are nearly
  // always the same literal, and intern() takes the recorder's string-table lock.
  trace::StringId intern_name(std::string_view name);
  void after_create(RawTask* t, std::string_view name, uint64_t bytes);
  void push_blocking(RawTask* t);
  void blocking_thread_main(int platform_worker);
  template <class F>
  static uint32_t frame_bytes_of(const F& f) {
    if constexpr (requires { f.frame_bytes(); }) {
      return f.frame_bytes();
    } else {
      return 0;
    }
  }
  // complete finishes t (drops its future, publishes the outcome, wakes the JoinHandle) and drops
  // the owned list's reference and the caller's (the caller must hold one: a queue's or its own).
  // after_poll: called right after t's PollEnd, so on real threads its events share that time.
  // Returns true when it traced a wake at a newer time than the PollEnd (a joiner's wake reads
  // the clock): the worker's next poll must not take that PollEnd's time then.
  // `panic`: the exception the poll ended with (stored in the cell after the future is dropped).
  bool complete(RawTask* t, trace::Reason why, int worker, bool after_poll = false,
                std::exception_ptr panic = nullptr);
  // close_unpolled ends the span of a task whose PollBegin was written (NextPoll::begun) but that
  // turned out complete or cancelled when its run began: it is not polled.
  void close_unpolled(RawTask* t, int worker);
  // report_poll emits the diagnostics of task id's poll that took `took` ns (LongPoll, and Panic
  // when `panic` is its exception). Out of line: the common poll reports nothing.
  void report_poll(trace::TaskId id, bool blocking, uint64_t took, const std::exception_ptr* panic);
  // wake_each wakes `wakers` in order. With `timers` (wakers[i] is the waker of fired timer
  // timers[i]) it traces each TimerFire: on real threads the wake writes it, stamped with the
  // wake's one clock read and the TaskUnblock packed in (WakeCause: one record for the pair, as a
  // channel send that readies its receiver); in the simulation all of them first, then the wakes.
  void wake_each(int worker, std::vector<Waker>& wakers, const std::vector<uint64_t>* timers);
  // unpark_blocking_threads wakes idle blocking-pool threads (shutdown).
  void unpark_blocking_threads();
  void cancel_all_owned();
  bool poll_drivers(int worker, int64_t deadline);  // true = drove (may have woken tasks)
  // fire_timers fires the due timers of `worker`'s wheel, and of any other wheel left overdue by
  // more than kTimerStealGraceNs, and wakes their tasks (onto this worker).
  void fire_timers(int worker);
  // timer_wakeup is when `worker` must wake for timers: its own wheel's next deadline, or another
  // wheel's plus the grace (INT64_MAX = kNever if there is none).
  int64_t timer_wakeup(int worker) const;
  static constexpr int64_t kTimerStealGraceNs = 2 * time::kTickNs;

  platform::Platform& platform_;
  trace::Recorder* rec_;
  RuntimeConfig cfg_;
  bool simulated_;
  bool coarse_clock_;
  bool charge_costs_;
  int poll_budget_;
  std::atomic<bool> shutdown_{false};
  std::atomic<bool> deadlocked_{false};
  RawTask* root_ = nullptr;

  void consume_saving_state(int64_t ns);
  const uint64_t serial_;  // distinguishes schedulers in the per-thread name cache
  // The fields above are read by every poll on every worker (poll_budget_, shutdown_, ...) and
  // time_ below by every timer; the ones from here to time_ (task ids, the owned-task lists and
  // their lock) are written by every spawn and completion, from any worker. They get cache lines
  // of their own: sharing one, a spawn or completion on one worker took the line from the other
  // worker's cache and that worker's next poll or timer missed (timers at procs=2, whose 10,000
  // tasks are spawned on one worker while the other polls them: cpu_ns_per_timer 340 -> 320).
  alignas(64) std::atomic<trace::TaskId> next_id_{1};
  std::atomic<uint64_t> next_object_id_{1};
  // OwnedList is an intrusive list of owned tasks and its length (read by live_tasks() from any
  // thread; written by whoever may change the list, so a plain load and store).
  struct OwnedList {
    RawTask* head = nullptr;
    std::atomic<size_t> count{0};
    void insert(RawTask* t);
    void remove(RawTask* t);
  };
  sync::SpinLock owned_mu_;  // guards shared_owned_: a few stores per spawn / completion
  OwnedList shared_owned_;
  struct IdBlock {
    trace::TaskId next = 0, end = 0;
  };
  // WorkerTasks: what executor worker w keeps of the tasks its polls spawned (file comment).
  struct alignas(64) WorkerTasks {
    OwnedList list;  // touched by worker w only (or by shutdown, after the workers stopped)
    IdBlock ids;     // w's task ids not handed out yet
    // Written by w only, read by live_tasks(): tasks of other lists w completed, and tasks of this
    // list w unlinked from its remote-completed stack.
    std::atomic<size_t> remote_done{0};
    std::atomic<size_t> drained{0};
    // The remote-completed stack (linked through RawTask::next): pushed by other workers, taken
    // whole by w. On a line of its own: its pushers do not steal the line of w's list.
    alignas(64) std::atomic<RawTask*> remote{nullptr};
  };
  std::unique_ptr<WorkerTasks[]> worker_tasks_;

  alignas(64) time::TimeDriver time_;
  io::Reactor reactor_;
  std::atomic<bool> driver_busy_{false};
  std::atomic<int> driver_worker_{-1};

  // Blocking pool (tokio runtime/blocking/pool.rs): a FIFO of blocking tasks, threads spawned on
  // demand up to max_blocking_threads, idle threads parked until work or shutdown.
  std::mutex blocking_mu_;
  std::deque<RawTask*> blocking_queue_;
  std::vector<int> blocking_idle_;  // platform worker indices parked idle
  int blocking_threads_ = 0;
  std::atomic<int> blocking_live_{0};
};

// current_scheduler is the runtime of the task being polled on this thread (nullptr outside).
inline Scheduler* current_scheduler() {
  return tl_current.scheduler;
}

// PlatformCallScope saves the per-thread poll state around a platform call made inside a poll
// (in the simulation another worker fiber may run on this OS thread meanwhile).
class PlatformCallScope {
 public:
  PlatformCallScope();
  ~PlatformCallScope();
  PlatformCallScope(const PlatformCallScope&) = delete;
  PlatformCallScope& operator=(const PlatformCallScope&) = delete;

 private:
  CurrentTask saved_;
  detail::ChainCursor saved_run_;
};

}  // namespace as::future
