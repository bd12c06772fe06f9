// core/goroutine/timers.cpp — binary min-heap of timers (see timers.hpp).
#include "core/goroutine/timers.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

namespace as::go::detail {

TimerHeap::~TimerHeap() {
  clear();
}

void TimerHeap::publish() {
  next_.store(heap_.empty() ? platform::kNever : heap_.front().when, std::memory_order_release);
  count_.store(heap_.size(), std::memory_order_release);
}

// A 4-ary heap, like Go's timer heap (time.go siftupTimer/siftdownTimer): half the levels of a
// binary heap, and a node's four children sit in one or two cache lines of the array.
void TimerHeap::sift_up(size_t i) {
  const Entry e = heap_[i];
  while (i > 0) {
    size_t parent = (i - 1) / kArity;
    if (!less(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void TimerHeap::sift_down(size_t i) {
  const size_t n = heap_.size();
  const Entry e = heap_[i];
  for (;;) {
    const size_t first = kArity * i + 1;
    if (first >= n) break;
    const size_t end = std::min(first + kArity, n);
    size_t child = first;
    for (size_t c = first + 1; c < end; ++c)
      if (less(heap_[c], heap_[child])) child = c;
    if (!less(heap_[child], e)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = e;
}

void TimerHeap::remove_at(size_t i) {
  heap_[i].timer->armed = false;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (i < heap_.size()) {
    heap_[i] = last;
    // The moved entry goes down or up, whichever restores the order.
    if (i > 0 && less(last, heap_[(i - 1) / kArity]))
      sift_up(i);
    else
      sift_down(i);
  }
}

void TimerHeap::push(Timer* t) {
  t->armed = true;
  heap_.push_back(Entry{t->when, t->seq, t});
  sift_up(heap_.size() - 1);
}

bool TimerHeap::add(Timer* t, bool locked) {
  if (!locked) lock_.lock();
  t->seq = seq_++;
  t->heap = this;
  push(t);
  const bool earliest = heap_.front().timer == t;
  publish();
  if (!locked) lock_.unlock();
  return earliest;
}

bool TimerHeap::remove(Timer* t, platform::Platform* relax) {
  lock_.lock();
  const bool was_armed = t->armed;
  if (was_armed) {
    for (size_t i = 0; i < heap_.size(); ++i) {
      if (heap_[i].timer == t) {
        remove_at(i);
        break;
      }
    }
    publish();
  }
  // Only periodic timers are listed in firing_, and only while another M runs their fire().
  while (std::find(firing_.begin(), firing_.end(), t) != firing_.end()) {
    lock_.unlock();
    if (relax != nullptr) relax->sched_point();
    std::this_thread::yield();
    lock_.lock();
  }
  lock_.unlock();
  return was_armed;
}

int TimerHeap::run(int64_t now) {
  if (next_.load(std::memory_order_acquire) > now) return 0;
  int fired = 0;
  Timer* fired_ticker = nullptr;  // fired in the previous round: leaves firing_ under the lock
  for (;;) {
    lock_.lock();
    if (fired_ticker != nullptr) {
      firing_.erase(std::find(firing_.begin(), firing_.end(), fired_ticker));
      fired_ticker = nullptr;
    }
    if (heap_.empty() || heap_.front().when > now) {
      lock_.unlock();
      return fired;
    }
    Timer* t = heap_.front().timer;
    remove_at(0);
    const bool periodic = t->period > 0;
    if (periodic) {
      // Ticker: next tick after now, dropping ticks that were missed (time.go's when += period*k).
      t->when += t->period * (1 + (now - t->when) / t->period);
      t->seq = seq_++;
      push(t);
      firing_.push_back(t);  // a concurrent remove() waits until fire() below returns
    }
    publish();
    // The next timer to fire lives in another goroutine's frame (sleep) or on the heap, most
    // likely out of the cache by now: start loading it while this one fires.
    if (!heap_.empty()) __builtin_prefetch(heap_.front().timer);
    lock_.unlock();
    ++fired;
    auto* fire = t->fire;
    auto* dispose = periodic ? nullptr : t->dispose;
    // A one-shot timer may be freed by the goroutine fire() readies: not touched after fire().
    fire(t, now);
    if (dispose) dispose(t);
    if (periodic) fired_ticker = t;
  }
}

void TimerHeap::clear() {
  std::lock_guard guard(lock_);
  for (const Entry& e : heap_) {
    e.timer->armed = false;
    if (e.timer->dispose) e.timer->dispose(e.timer);
  }
  heap_.clear();
  publish();
}

}  // namespace as::go::detail
