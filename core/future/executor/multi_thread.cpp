// core/future/executor/multi_thread.cpp — see multi_thread.hpp.
#include "core/future/executor/multi_thread.hpp"

#include <algorithm>

namespace as::future {

using trace::EventKind;

namespace {
constexpr int kMaxLifoStreak = 3;  // tokio MAX_LIFO_POLLS_PER_TICK
// How long a searching worker keeps looking before it parks (real threads only): long enough to
// bridge the gaps of a producer that wakes consumers every few hundred ns (a futex wake costs the
// waker microseconds), short next to a 1 ms timer tick.
constexpr int64_t kSearchSpinNs = 20'000;
// How long a task queued on a running worker is left to that worker before a thief on real
// threads takes it (see multi_thread.hpp; Go's runqgrab leaves a running P's runnext alone for
// ~3 us for the same reason): long enough for a worker that drains its own queue every few us (a
// producer whose sends queue its consumers), short next to a poll that blocks.
constexpr int64_t kStealGraceNs = 10'000;
}  // namespace

MultiThreadScheduler::MultiThreadScheduler(platform::Platform& p, trace::Recorder* rec,
                                           RuntimeConfig cfg)
    : Scheduler(p, rec,
                [&] {
                  cfg.flavor = RuntimeConfig::Flavor::MultiThread;
                  if (cfg.workers < 1) cfg.workers = 1;
                  return cfg;
                }()),
      notified_(static_cast<size_t>(cfg_.worker_count())) {
  for (int i = 0; i < workers(); ++i) {
    auto wk = std::make_unique<Worker>();
    wk->seen_tail.assign(static_cast<size_t>(workers()), 0);
    wk->seen_at.assign(static_cast<size_t>(workers()), -1);
    workers_.push_back(std::move(wk));
  }
}

MultiThreadScheduler::~MultiThreadScheduler() {
  drain_queues();
}

void MultiThreadScheduler::enqueue(RawTask* t, bool yielded) {
  const int w = platform_.current_worker();
  if (w >= 0 && w < workers() && !shutting_down()) {
    Worker& me = *workers_[static_cast<size_t>(w)];
    if (yielded || me.batch_waking) {
      push_local(w, t);
      if (me.batch_waking) return;  // wake_batch notifies once for the whole batch
    } else {
      RawTask* prev = std::exchange(me.lifo, t);
      trace_queue_length(static_cast<trace::WorkerId>(w), trace::QueueKind::Lifo,
                         static_cast<uint64_t>(w), 1);
      if (prev) push_local(w, prev);
    }
    // New work on this worker: let an idle worker come and steal it, unless one is searching.
    // The queueing operation (a wake, a spawn, a re-queue after a poll) traced its event last.
    if (!me.queue.empty()) notify_parked(w, true);
    return;
  }
  push_inject(t);
  notify_parked(w);
}

size_t MultiThreadScheduler::wake_room(int w) const {
  if (w < 0 || w >= workers()) return SIZE_MAX;  // not an executor worker: inject queue
  const uint32_t len = workers_[static_cast<size_t>(w)]->queue.len();
  return len >= LocalQueue::kCapacity ? 1 : LocalQueue::kCapacity - len;
}

void MultiThreadScheduler::wake_batch(int worker, std::vector<Waker>& wakers,
                                      const std::vector<uint64_t>* timers) {
  if (worker < 0 || worker >= workers() || platform_.current_worker() != worker) {
    wake_each(worker, wakers, timers);
    return;
  }
  Worker& me = *workers_[static_cast<size_t>(worker)];
  me.batch_waking = true;
  wake_each(worker, wakers, timers);
  me.batch_waking = false;
  if (!me.queue.empty()) notify_parked(worker);
}

void MultiThreadScheduler::push_local(int w, RawTask* t) {
  Worker& me = *workers_[static_cast<size_t>(w)];
  if (me.queue.push_back(t)) return;
  // Overflow (queue.rs push_overflow): move half of the queue and t to the inject queue.
  RawTask* batch[LocalQueue::kCapacity / 2 + 1];
  uint32_t n = me.queue.grab(batch);
  batch[n++] = t;
  push_inject_batch(batch, n);
}

void MultiThreadScheduler::push_inject(RawTask* t) {
  push_inject_batch(&t, 1);
}

void MultiThreadScheduler::push_inject_batch(RawTask** ts, uint32_t n) {
  size_t len;
  {
    std::lock_guard<std::mutex> lk(inject_mu_);
    for (uint32_t i = 0; i < n; ++i) inject_.push_back(ts[i]);
    len = inject_.size();
    inject_len_.store(len, std::memory_order_release);
  }
  trace_queue_length(tl_current.worker, trace::QueueKind::Inject, trace::kNoWorker, len);
}

void MultiThreadScheduler::trace_queue_length(trace::WorkerId lane, trace::QueueKind q,
                                              uint64_t owner, uint64_t len) {
  if (!rec_) return;
  // A follow-on of the operation that queued (a wake, a spawn, a yield: its event was this
  // thread's last one, and only executor code ran since): on real threads the counter takes that
  // event's time instead of reading the clock again. In the simulation every worker is a fiber of
  // one thread, so "this thread's last event" may be another worker's: read the clock there.
  if (coarse_clock_) {
    rec_->emit_same_time(EventKind::QueueLength, lane, 0, static_cast<uint64_t>(q), owner, len);
  } else {
    rec_->emit(EventKind::QueueLength, lane, 0, static_cast<uint64_t>(q), owner, len);
  }
}

RawTask* MultiThreadScheduler::pop_inject() {
  if (inject_len_.load(std::memory_order_acquire) == 0) return nullptr;
  std::lock_guard<std::mutex> lk(inject_mu_);
  if (inject_.empty()) return nullptr;
  RawTask* t = inject_.front();
  inject_.pop_front();
  inject_len_.store(inject_.size(), std::memory_order_release);
  return t;
}

RawTask* MultiThreadScheduler::pop_inject_batch(int w) {
  if (inject_len_.load(std::memory_order_acquire) == 0) return nullptr;
  Worker& me = *workers_[static_cast<size_t>(w)];
  RawTask* batch[LocalQueue::kCapacity / 2];
  size_t n = 0;
  {
    std::lock_guard<std::mutex> lk(inject_mu_);
    // worker.rs: a fair share (len / workers + 1), at most half a local queue, at most the room
    // left in ours (only we push to it, so the room cannot shrink meanwhile).
    n = std::min<size_t>({inject_.size() / static_cast<size_t>(workers()) + 1, std::size(batch),
                          LocalQueue::kCapacity - me.queue.len(), inject_.size()});
    for (size_t i = 0; i < n; ++i) {
      batch[i] = inject_.front();
      inject_.pop_front();
    }
    inject_len_.store(inject_.size(), std::memory_order_release);
  }
  if (n == 0) return nullptr;
  for (size_t i = 1; i < n; ++i) (void)me.queue.push_back(batch[i]);
  return batch[0];
}

RawTask* MultiThreadScheduler::next_task(int w, bool inject_first, bool* own) {
  if (own) *own = false;
  if (inject_first)
    if (RawTask* t = pop_inject()) return t;
  if (RawTask* t = pop_own(w)) {
    if (own) *own = true;
    return t;
  }
  return pop_inject_batch(w);
}

RawTask* MultiThreadScheduler::pop_own(int w) {
  Worker& me = *workers_[static_cast<size_t>(w)];
  if (me.lifo && me.lifo_streak < kMaxLifoStreak) {
    ++me.lifo_streak;
    return std::exchange(me.lifo, nullptr);
  }
  me.lifo_streak = 0;
  if (me.lifo) push_local(w, std::exchange(me.lifo, nullptr));
  return me.queue.pop();
}

RawTask* MultiThreadScheduler::take_next_polled(int w) {
  if (w < 0 || w >= workers() || shutting_down()) return nullptr;
  Worker& me = *workers_[static_cast<size_t>(w)];
  // Only what the next loop turn would pop anyway: not when that turn runs maintenance or looks
  // at the inject queue first (they come before its poll), and not when moving the LIFO occupant
  // to a full queue would overflow (push_local traces the inject queue's length: an event that
  // would land before this poll's PollEnd).
  if (me.until_maintenance == 1 || me.until_inject_first == 1) return nullptr;
  if (me.lifo && me.lifo_streak >= kMaxLifoStreak && me.queue.len() >= LocalQueue::kCapacity)
    return nullptr;
  return pop_own(w);
}

bool MultiThreadScheduler::transition_to_searching(int w) {
  Worker& me = *workers_[static_cast<size_t>(w)];
  if (me.searching) return true;
  // idle.rs: at most half of the workers search at once.
  int s = num_searching_.load(std::memory_order_acquire);
  if (2 * s >= workers()) return false;
  num_searching_.fetch_add(1, std::memory_order_acq_rel);
  me.searching = true;
  emit(EventKind::WorkerSpin, w, 0);
  return true;
}

void MultiThreadScheduler::transition_from_searching(int w) {
  Worker& me = *workers_[static_cast<size_t>(w)];
  if (!me.searching) return;
  me.searching = false;
  // The last searcher to find work wakes another worker to search for the rest.
  if (num_searching_.fetch_sub(1, std::memory_order_acq_rel) == 1) notify_parked(w);
}

RawTask* MultiThreadScheduler::steal_work(int w) {
  if (workers() < 2) return pop_inject();
  if (!transition_to_searching(w)) return nullptr;
  Worker& me = *workers_[static_cast<size_t>(w)];
  const int n = workers();
  const int start = static_cast<int>(platform_.choose(static_cast<uint64_t>(n)));
  RawTask* batch[LocalQueue::kCapacity / 2];
  for (int i = 0; i < n; ++i) {
    const int victim = (start + i) % n;
    if (victim == w) continue;
    if (!steal_ripe(w, victim)) continue;
    uint32_t got = workers_[static_cast<size_t>(victim)]->queue.grab(batch);
    if (got == 0) continue;
    model_cost(platform_.costs().steal_ns);
    emit(EventKind::Steal, w, 0, static_cast<uint64_t>(victim), static_cast<uint64_t>(w), got);
    for (uint32_t k = 1; k < got; ++k) me.queue.push_back(batch[k]);  // our queue was empty
    return batch[0];
  }
  return pop_inject_batch(w);
}

bool MultiThreadScheduler::steal_ripe(int w, int v) {
  if (simulated()) return true;
  Worker& me = *workers_[static_cast<size_t>(w)];
  const auto vi = static_cast<size_t>(v);
  const LocalQueue& q = workers_[vi]->queue;
  const uint32_t head = q.head();
  const uint32_t tail = q.tail();
  if (head == tail) {
    me.seen_at[vi] = -1;
    return false;
  }
  const int64_t now = platform_.now();
  // Not watching yet, or the victim has run everything queued when we last looked: watch anew.
  if (me.seen_at[vi] < 0 || static_cast<int32_t>(head - me.seen_tail[vi]) >= 0) {
    me.seen_tail[vi] = tail;
    me.seen_at[vi] = now;
    return false;
  }
  if (now - me.seen_at[vi] < kStealGraceNs) return false;
  me.seen_at[vi] = -1;
  return true;
}

RawTask* MultiThreadScheduler::search_before_parking(int w) {
  // Only a searching worker on real threads spins, and only while another worker runs tasks
  // (the one that may queue new work): meanwhile that worker's wakes skip the futex wake
  // (notify_parked sees a searcher), and we steal the work it queues.
  if (simulated() || !workers_[static_cast<size_t>(w)]->searching) return nullptr;
  const int64_t give_up = platform_.now() + kSearchSpinNs;
  do {
    for (int i = 0; i < 64; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (RawTask* t = next_task(w, false)) return t;
    if (RawTask* t = steal_work(w)) return t;
    if (shutting_down()) return nullptr;
    // Nobody is running tasks (the others park or search): no new local work can appear, park.
    if (num_unparked_.load(std::memory_order_acquire) -
            num_searching_.load(std::memory_order_acquire) <=
        0)
      return nullptr;
  } while (platform_.now() < give_up);
  return nullptr;
}

bool MultiThreadScheduler::any_work_visible() const {
  if (inject_len_.load(std::memory_order_acquire) > 0) return true;
  for (const auto& wk : workers_)
    if (!wk->queue.empty()) return true;
  return false;
}

void MultiThreadScheduler::notify_parked(int by_worker, bool follow_on) {
  if (num_searching_.load(std::memory_order_acquire) != 0) return;
  if (num_unparked_.load(std::memory_order_acquire) >= workers()) return;
  int target = -1;
  {
    std::lock_guard<std::mutex> lk(idle_mu_);
    if (num_searching_.load(std::memory_order_acquire) != 0 || sleepers_.empty()) return;
    target = sleepers_.back();
    sleepers_.pop_back();
    num_searching_.fetch_add(1, std::memory_order_acq_rel);
    num_unparked_.fetch_add(1, std::memory_order_acq_rel);
    notified_[static_cast<size_t>(target)].store(true, std::memory_order_release);
  }
  if (rec_) {
    const auto lane = static_cast<trace::WorkerId>(target);
    const uint64_t by = by_worker >= 0 ? static_cast<uint64_t>(by_worker) : trace::kNoWorker;
    // A follow-on on real threads takes the time of the operation that queued the work (see
    // trace_queue_length): no clock read, and no event later than the PollEnd time run_task
    // carries to the worker's next PollBegin.
    if (follow_on && coarse_clock_) {
      rec_->emit_same_time(EventKind::WorkerWake, lane, 0, by, tl_current.task);
    } else {
      rec_->emit(EventKind::WorkerWake, lane, 0, by, tl_current.task);
    }
  }
  platform_.unpark(target);
}

void MultiThreadScheduler::park_worker(int w) {
  Worker& me = *workers_[static_cast<size_t>(w)];
  drain_remote_completed(w);  // nothing else to do: free what the others completed of ours
  bool was_last_searcher = false;
  {
    std::lock_guard<std::mutex> lk(idle_mu_);
    if (me.searching) {
      me.searching = false;
      was_last_searcher = num_searching_.fetch_sub(1, std::memory_order_acq_rel) == 1;
    }
    num_unparked_.fetch_sub(1, std::memory_order_acq_rel);
    sleepers_.push_back(w);
  }
  // Re-check after announcing ourselves: work published before we joined the sleepers would
  // otherwise wait for the next wake (the classic lost-wakeup window of parking).
  // The last searcher to give up makes sure visible work is not stranded (idle.rs).
  if (was_last_searcher && any_work_visible()) notify_parked(w);
  // Park unless the shared inject queue has work (other workers' queues are theirs, or a
  // searcher's: we were counted as a sleeper, so their notify_parked reaches us).
  if (inject_len_.load(std::memory_order_acquire) == 0 && !shutting_down()) {
    emit(EventKind::WorkerIdle, w, 0);
    park_idle(w);
  }
  tl_current.worker = static_cast<trace::WorkerId>(w);
  std::lock_guard<std::mutex> lk(idle_mu_);
  auto it = std::find(sleepers_.begin(), sleepers_.end(), w);
  if (it != sleepers_.end()) {
    sleepers_.erase(it);  // woke by itself (timer, I/O, recheck): not counted by a notifier
    num_unparked_.fetch_add(1, std::memory_order_acq_rel);
  } else if (notified_[static_cast<size_t>(w)].exchange(false, std::memory_order_acq_rel)) {
    me.searching = true;  // the notifier counted us as searching
  }
}

void MultiThreadScheduler::worker_main(int w) {
  num_unparked_.fetch_add(1, std::memory_order_acq_rel);
  Worker& me = *workers_[static_cast<size_t>(w)];
  const uint32_t event_interval =
      static_cast<uint32_t>(cfg_.event_interval > 0 ? cfg_.event_interval : 61);
  const uint32_t inject_interval =
      static_cast<uint32_t>(cfg_.global_queue_interval > 0 ? cfg_.global_queue_interval : 61);
  me.until_maintenance = event_interval;
  me.until_inject_first = inject_interval;
  // carry: what the previous run_task returned, while the worker went straight from that poll to a
  // task of its own (see Scheduler::run_task); reset by anything else the worker does.
  int64_t carry = 0;
  // next: the task the previous run_task took for this turn (take_next_polled), maybe with its
  // PollBegin written. It is run even if shutdown began meanwhile: its span is open.
  NextPoll next;
  while (next.task != nullptr || !shutting_down()) {
    tl_current.worker = static_cast<trace::WorkerId>(w);
    if (--me.until_maintenance == 0) {
      me.until_maintenance = event_interval;
      drain_remote_completed(w);  // tasks of ours other workers completed (scheduler.hpp)
      maintenance(w);
      if (rec_)
        rec_->emit(EventKind::QueueLength, static_cast<trace::WorkerId>(w), 0,
                   static_cast<uint64_t>(trace::QueueKind::Local), static_cast<uint64_t>(w),
                   me.queue.len());
      carry = 0;
    }
    const bool inject_first = --me.until_inject_first == 0;
    if (inject_first) me.until_inject_first = inject_interval;
    RawTask* t = std::exchange(next.task, nullptr);
    const bool begun = std::exchange(next.begun, false);
    if (!t) {
      bool own = false;
      t = next_task(w, inject_first, &own);
      if (!t && time_.next_deadline_ns(w) <= platform_.now()) {
        fire_timers(w);  // our own due timers before others' work: their tasks stay here
        own = false;     // fire_timers traced the fires and wakes
        t = next_task(w, false);
      }
      if (!t) t = steal_work(w);
      if (!t) t = search_before_parking(w);
      // Only a task this worker queued itself, before the previous PollEnd, may take its time.
      if (!own) carry = 0;
    }
    if (t) {
      if (me.searching) {
        transition_from_searching(w);
        carry = 0;
      }
      carry = run_task(t, w, carry, coarse_clock_ ? &next : nullptr, begun);
      continue;
    }
    park_worker(w);
    carry = 0;
  }
  if (me.searching) {
    me.searching = false;
    num_searching_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void MultiThreadScheduler::notify_shutdown() {
  for (int i = 0; i < workers(); ++i) platform_.unpark(i);
  unpark_blocking_threads();
}

void MultiThreadScheduler::drain_queues() {
  for (auto& wk : workers_) {
    if (wk->lifo) std::exchange(wk->lifo, nullptr)->release();
    while (RawTask* t = wk->queue.pop()) t->release();
  }
  std::lock_guard<std::mutex> lk(inject_mu_);
  for (RawTask* t : inject_) t->release();
  inject_.clear();
  inject_len_.store(0);
}

}  // namespace as::future
