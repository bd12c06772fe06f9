// core/future/executor/current_thread.cpp — see current_thread.hpp.
#include "core/future/executor/current_thread.hpp"

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

void CurrentThreadScheduler::schedule(RawTask* t, bool yielded) {
  if (t->blocking) {
    push_blocking(t);
    return;
  }
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

RawTask* CurrentThreadScheduler::next_task(uint32_t tick, bool& from_inject) {
  const uint32_t interval =
      static_cast<uint32_t>(cfg_.global_queue_interval > 0 ? cfg_.global_queue_interval : 61);
  from_inject = true;
  if (tick % interval == 0)
    if (RawTask* t = pop_inject()) return t;
  if (RawTask* t = local_.pop_front()) {
    from_inject = false;
    return t;
  }
  return pop_inject();
}

void CurrentThreadScheduler::worker_main(int index) {
  worker_running_.store(true, std::memory_order_release);
  // The inject queue may hold the root (spawned before the worker existed).
  uint32_t tick = 0;
  const uint32_t event_interval =
      static_cast<uint32_t>(cfg_.event_interval > 0 ? cfg_.event_interval : 61);
  // carry: what the previous run_task returned, while the worker went straight from that poll to
  // this one (see Scheduler::run_task); reset by anything else the worker does.
  int64_t carry = 0;
  while (!shutting_down()) {
    tl_current.worker = static_cast<trace::WorkerId>(index);
    ++tick;
    if (tick % event_interval == 0) {
      maintenance(index);
      carry = 0;
    }
    bool from_inject = false;
    RawTask* t = next_task(tick, from_inject);
    // A task from the inject queue was queued by another thread — maybe after the previous
    // PollEnd — so its PollBegin must not take that PollEnd's time (it could precede the wake).
    if (from_inject) carry = 0;
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
    carry = run_task(t, index, carry);
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
