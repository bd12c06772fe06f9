// core/future/executor/current_thread.cpp — see current_thread.hpp.
#include "core/future/executor/current_thread.hpp"

#include <utility>

namespace as::future {

using trace::EventKind;

CurrentThreadScheduler::CurrentThreadScheduler(platform::Platform& p, trace::Recorder* rec,
                                               RuntimeConfig cfg)
    : Scheduler(p, rec, [&] {
        cfg.flavor = RuntimeConfig::Flavor::CurrentThread;
        cfg.workers = 1;
        return cfg;
      }()) {}

CurrentThreadScheduler::~CurrentThreadScheduler() {
  drain_queues();
}

void CurrentThreadScheduler::enqueue(RawTask* t, bool yielded) {
  // On the worker: inside one of our polls the thread-local says so (the common case: a wake from
  // a channel or a JoinHandle); otherwise ask the platform which worker this thread is.
  const bool on_worker =
      (tl_current.scheduler == this && tl_current.worker == 0) ||
      (worker_running_.load(std::memory_order_acquire) && platform_.current_worker() == 0);
  if (on_worker) {
    local_.push_back(t);
    (void)yielded;  // FIFO either way: a yielded task goes behind everything already queued
    return;
  }
  {
    std::lock_guard<std::mutex> lk(inject_mu_);
    inject_.push_back(t);
    inject_len_.store(inject_.size(), std::memory_order_release);
  }
  if (rec_)
    rec_->emit(EventKind::QueueLength, tl_current.worker, 0,
               static_cast<uint64_t>(trace::QueueKind::Inject), 0,
               inject_len_.load(std::memory_order_relaxed));
  platform_.unpark(0);
}

RawTask* CurrentThreadScheduler::pop_inject() {
  if (inject_len_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard<std::mutex> lk(inject_mu_);
  if (inject_.empty()) return nullptr;
  RawTask* t = inject_.front();
  inject_.pop_front();
  inject_len_.store(inject_.size(), std::memory_order_release);
  return t;
}

RawTask* CurrentThreadScheduler::next_task(bool inject_first, bool& from_inject) {
  from_inject = true;
  if (inject_first)
    if (RawTask* t = pop_inject()) return t;
  if (RawTask* t = local_.pop_front()) {
    from_inject = false;
    return t;
  }
  return pop_inject();
}

RawTask* CurrentThreadScheduler::take_next_polled(int worker) {
  (void)worker;
  // Only the task the next loop turn would pop anyway: not when that turn runs the drivers, looks
  // at the inject queue first or writes the queue-length counter (they come before its poll).
  if (!next_turn_plain_ || shutting_down()) return nullptr;
  return local_.pop_front();
}

void CurrentThreadScheduler::worker_main(int index) {
  worker_running_.store(true, std::memory_order_release);
  // The inject queue may hold the root (spawned before the worker existed).
  // Countdowns, not `tick % interval`: the intervals are configurable, so the modulo was a
  // division per loop turn.
  const uint32_t event_interval =
      static_cast<uint32_t>(cfg_.event_interval > 0 ? cfg_.event_interval : 61);
  const uint32_t inject_interval =
      static_cast<uint32_t>(cfg_.global_queue_interval > 0 ? cfg_.global_queue_interval : 61);
  uint32_t until_maintenance = event_interval;
  uint32_t until_inject_first = inject_interval;
  uint32_t tick = 0;  // every 16th turn writes the local queue's length
  // carry: what the previous run_task returned, while the worker went straight from that poll to
  // this one (see Scheduler::run_task); reset by anything else the worker does.
  int64_t carry = 0;
  // next: the task the previous run_task took for this turn (take_next_polled), maybe with its
  // PollBegin written. It is run even if shutdown began meanwhile: its span is open.
  NextPoll next;
  while (next.task != nullptr || !shutting_down()) {
    tl_current.worker = static_cast<trace::WorkerId>(index);
    ++tick;
    if (--until_maintenance == 0) {
      until_maintenance = event_interval;
      maintenance(index);
      carry = 0;
    }
    const bool inject_first = --until_inject_first == 0;
    if (inject_first) until_inject_first = inject_interval;
    if (coarse_clock_)  // take_next_polled is asked only then
      next_turn_plain_ =
          until_maintenance != 1 && until_inject_first != 1 && ((tick + 1) & 15) != 0;
    RawTask* t = std::exchange(next.task, nullptr);
    const bool begun = std::exchange(next.begun, false);
    if (t == nullptr) {
      bool from_inject = false;
      t = next_task(inject_first, from_inject);
      // A task from the inject queue was queued by another thread — maybe after the previous
      // PollEnd — so its PollBegin must not take that PollEnd's time (it could precede the wake).
      if (from_inject) carry = 0;
    }
    if (!t) {
      emit(EventKind::WorkerIdle, index, 0);
      park_idle(index);
      carry = 0;
      continue;
    }
    if (rec_ && (tick & 15) == 0) {
      const auto w = static_cast<trace::WorkerId>(index);
      const auto queue = static_cast<uint64_t>(trace::QueueKind::Local);
      if (carry != 0) {
        rec_->emit_same_time(EventKind::QueueLength, w, 0, queue, static_cast<uint64_t>(index),
                             local_.len);
      } else {
        rec_->emit(EventKind::QueueLength, w, 0, queue, static_cast<uint64_t>(index), local_.len);
      }
    }
    carry = run_task(t, index, carry, coarse_clock_ ? &next : nullptr, begun);
  }
  worker_running_.store(false, std::memory_order_release);
}

void CurrentThreadScheduler::notify_shutdown() {
  platform_.unpark(0);
  unpark_blocking_threads();
}

void CurrentThreadScheduler::drain_queues() {
  while (RawTask* t = local_.pop_front()) t->release();
  std::lock_guard<std::mutex> lk(inject_mu_);
  for (RawTask* t : inject_) t->release();
  inject_.clear();
  inject_len_.store(0);
}

}  // namespace as::future
