// core/future/executor/current_thread.hpp — the single-worker executor
// (tokio runtime/scheduler/current_thread/, smol's LocalExecutor).
//
// Owns: one run queue (FIFO, touched only by the worker) and an inject queue for wakes that
// come from other threads (blocking pool, foreign threads). One worker polls everything: tasks
// never run in parallel, so a task that never yields (or blocks) starves all the others.
//
// Loop (tokio current_thread::CoreGuard::block_on): pop from the local queue — but every
// global_queue_interval ticks look at the inject queue first (fairness); every event_interval ticks
// poll the drivers without blocking (timers and I/O readiness); nothing to do → park in the driver.
// Invariant: the local queue is accessed only on the worker; cross-thread schedule() goes
// through the mutex-protected inject queue and unparks the worker.
// The local queue is intrusive (linked through RawTask::next): a task is in at most one queue at a
// time (NOTIFIED guarantees it), so queueing it needs no allocation and no lock — the hot path of
// a wake on the worker is two pointer stores.
// Clock: back-to-back polls share one clock read at their boundary (Scheduler::run_task's carry),
// and when the next task is known as a poll returns Pending (it is at the head of the local queue
// and the next loop turn would take it) its PollBegin is written inside that PollEnd
// (take_next_polled). Never for a task from the inject queue: another thread queued it, maybe
// after that PollEnd, so its PollBegin reads the clock (it must not precede its wake).
#pragma once

#include <deque>
#include <mutex>

#include "core/future/executor/scheduler.hpp"

namespace as::future {

class CurrentThreadScheduler final : public Scheduler {
 public:
  CurrentThreadScheduler(platform::Platform& p, trace::Recorder* rec, RuntimeConfig cfg);
  ~CurrentThreadScheduler() override;

  void enqueue(RawTask* t, bool yielded) override;
  void worker_main(int index) override;
  void notify_shutdown() override;
  void drain_queues() override;
  RawTask* take_next_polled(int worker) override;

 private:
  // next_task: the next task to poll (the inject queue first when `inject_first`: fairness);
  // from_inject says it came from another thread's queue.
  RawTask* next_task(bool inject_first, bool& from_inject);
  RawTask* pop_inject();

  // TaskFifo: the intrusive FIFO of the local queue (worker only).
  struct TaskFifo {
    RawTask* head = nullptr;
    RawTask* tail = nullptr;
    size_t len = 0;
    bool empty() const { return head == nullptr; }
    void push_back(RawTask* t) {
      t->next = nullptr;
      if (tail) {
        tail->next = t;
      } else {
        head = t;
      }
      tail = t;
      ++len;
    }
    RawTask* pop_front() {
      RawTask* t = head;
      if (!t) return nullptr;
      head = t->next;
      if (!head) tail = nullptr;
      t->next = nullptr;
      --len;
      return t;
    }
  };
  TaskFifo local_;  // worker only
  // next_turn_plain_: the worker's next loop turn only pops the local queue (no driver check, no
  // inject-first look, no queue-length counter), so take_next_polled may pop for it (worker only).
  bool next_turn_plain_ = false;
  std::mutex inject_mu_;
  std::deque<RawTask*> inject_;
  std::atomic<size_t> inject_len_{0};
  std::atomic<bool> worker_running_{false};
};

}  // namespace as::future
