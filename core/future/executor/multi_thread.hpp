// core/future/executor/multi_thread.hpp — the work-stealing executor
// (tokio runtime/scheduler/multi_thread/{worker, queue, idle, park}.rs).
//
// Owns: per worker a LocalQueue (256, stealable), a LIFO slot (not stealable) and the countdowns
// to its next maintenance and inject-first turns;
// one shared inject queue (mutex) for tasks scheduled from outside a worker and for overflow;
// the idle bookkeeping (idle.rs): how many workers are unparked, how many are searching, and the
// list of parked sleepers.
//
// Scheduling rules, as Tokio:
//   - a task woken on a worker goes to that worker's LIFO slot (the message-passing fast path:
//     the receiver runs next, while the sender's data is hot in cache); the previous occupant moves
//     to the local queue. At most 3 consecutive LIFO picks, then the queue gets a turn;
//   - the tasks a driver pass woke (timers fired, I/O ready) go to the back of the local queue in
//     firing order, and one idle worker is notified after the batch, not per wake (tokio wakes
//     them while the worker's parker is out, and notifies once after the park): a batch through
//     the LIFO slot would displace every wake's predecessor — 256 exchanges and counter events for
//     nothing (timers at procs=2: -12% CPU);
//   - a yielding task goes to the back of the local queue; a full local queue moves half of itself
//     plus the task to the inject queue; a task woken from outside goes to the inject queue;
//   - every 61 ticks a worker looks at the inject queue first (no starvation of injected tasks),
//     and polls the drivers; a worker whose own queues are empty takes a batch from the inject
//     queue (its fair share: len / workers + 1, at most 128) into its local queue — one lock for
//     many tasks, as worker.rs does;
//   - a worker without work first fires its own due timers (their tasks stay on it), then becomes
//     "searching" — only if fewer than half of the workers already search (limits the thundering
//     herd) — and steals half of a victim's queue, victims tried in order from a random start (the
//     platform chooser: deterministic in sim);
//   - on real threads a thief leaves a running victim what it queued for kStealGraceNs (10 us):
//     it notes the victim's queue tail and steals only if the victim has not reached that tail
//     since (Go's runqgrab gives a running P's runnext ~3 us the same way). A worker that drains
//     its own queue keeps its message-passing partners (fanout at procs=2: a producer's consumers
//     stolen at once ran on the other core in lockstep with it — every value a cache-line transfer
//     each way, 108 -> 47 ns per item); a worker stuck in a long poll loses its queue 10 us later.
//     The simulation steals at once (it has no real time to spin in, and the lessons show eager
//     steals);
//   - nothing found: on real threads a searching worker keeps looking for up to 20 µs while
//     another worker runs tasks (Go's spinning M; Tokio parks at once): meanwhile new work costs
//     its producer no futex wake, since notify_parked skips the wake while a worker searches — a
//     producer waking consumers every few hundred ns otherwise pays a wake syscall for most of them
//     (fanout at procs=2: 25,000 parks and wakes per million items). The simulation parks at once
//     (no real time to spin);
//   - then it parks (in the driver if free). New work wakes one sleeper only if no worker is
//     searching (the searcher will find it); the last searcher that finds work wakes another.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/future/executor/local_queue.hpp"
#include "core/future/executor/scheduler.hpp"

namespace as::future {

class MultiThreadScheduler final : public Scheduler {
 public:
  MultiThreadScheduler(platform::Platform& p, trace::Recorder* rec, RuntimeConfig cfg);
  ~MultiThreadScheduler() override;

  void enqueue(RawTask* t, bool yielded) override;
  void worker_main(int index) override;
  void notify_shutdown() override;
  void drain_queues() override;
  size_t wake_room(int worker) const override;
  void wake_batch(int worker, std::vector<Waker>& wakers,
                  const std::vector<uint64_t>* timers) override;
  RawTask* take_next_polled(int worker) override;

 private:
  struct alignas(64) Worker {
    LocalQueue queue;
    RawTask* lifo = nullptr;  // owner only
    int lifo_streak = 0;
    // Loop turns until the next maintenance (drivers + queue-length counter) and the next turn that
    // looks at the inject queue first: countdowns, not `tick % interval` (a division per turn).
    uint32_t until_maintenance = 0;
    uint32_t until_inject_first = 0;
    bool searching = false;
    bool batch_waking = false;  // in wake_batch: wakes go to the back of the queue, no notify
    // As a thief on real threads: per victim, the victim's queue tail when this worker first saw
    // it non-empty, and when (-1 = not watching). See steal_ripe().
    std::vector<uint32_t> seen_tail;
    std::vector<int64_t> seen_at;
  };

  void push_local(int w, RawTask* t);
  void push_inject(RawTask* t);
  void push_inject_batch(RawTask** ts, uint32_t n);
  RawTask* pop_inject();
  // pop_inject_batch moves a share of the inject queue into w's local queue, returns the first.
  RawTask* pop_inject_batch(int w);
  // next_task: the task worker w runs next from its LIFO slot, its queue or the inject queue
  // (`inject_first`: this turn looks there first). `own` (optional) is set when it came from w's
  // own LIFO slot or queue (w queued it itself).
  RawTask* next_task(int w, bool inject_first, bool* own = nullptr);
  // pop_own: the LIFO slot (at most kMaxLifoStreak in a row) or else the local queue's head.
  RawTask* pop_own(int w);
  RawTask* steal_work(int w);
  // steal_ripe: may thief w steal from victim v's queue now? Always in the simulation; on real
  // threads only tasks the victim has not reached within kStealGraceNs (see the file comment).
  bool steal_ripe(int w, int v);
  // search_before_parking: a searching worker on real threads keeps looking for a short while
  // before it parks (Go's spinning M): see the file comment.
  RawTask* search_before_parking(int w);
  bool any_work_visible() const;
  // trace_queue_length emits a queue-length counter that follows the operation that queued.
  void trace_queue_length(trace::WorkerId lane, trace::QueueKind q, uint64_t owner, uint64_t len);
  // idle.rs
  // notify_parked wakes a parked worker to search, unless one searches already. `follow_on`: the
  // caller is a worker that just traced the operation that queued the work (its WorkerWake then
  // takes that event's time on real threads).
  void notify_parked(int by_worker, bool follow_on = false);
  bool transition_to_searching(int w);
  void transition_from_searching(int w);
  void park_worker(int w);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::mutex inject_mu_;
  std::deque<RawTask*> inject_;
  std::atomic<size_t> inject_len_{0};

  std::mutex idle_mu_;
  std::vector<int> sleepers_;
  std::atomic<int> num_searching_{0};
  std::atomic<int> num_unparked_{0};
  std::vector<std::atomic<bool>>
      notified_;  // per worker: woken by notify_parked (starts searching)
};

}  // namespace as::future
