// core/future/sync/notify.hpp — Notify (tokio::sync::Notify) and Semaphore
// (tokio::sync::Semaphore).
//
// Notify:
//   notify_one()      wakes the oldest waiter, or stores ONE permit if nobody waits (so a
//                     notify before the wait is not lost);
//   notify_waiters()  wakes every waiter that exists *now* — a Notified future created after the
//                     call is not woken by it (it remembers the call count at creation, as Tokio);
//   co_await n.notified()
// A waiter chosen by notify_one and then dropped before it observed the notification passes it
// on (to the next waiter, or back as the permit): the lost-wakeup regression the tests pin down.
// The notify_waiters call count is 32 bits and wraps (Tokio keeps 30 bits of it in its state
// word). A Notified sits in every parked task, so it is 32 bytes: the Notify pointer carrying the
// waiter's state in its low bits, its queue links (one shared with the call count, see Notified)
// and a one-word waker — Notify keeps its own queue of Notifieds instead of sync::WaitList nodes.
//
// Semaphore: FIFO acquire of n permits; a Permit gives them back when destroyed. A waiter that is
// granted permits and dropped before observing them returns them.
#pragma once

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/future/coop.hpp"
#include "core/future/result.hpp"
#include "core/future/sync/spin_lock.hpp"
#include "core/future/sync/wait_list.hpp"
#include "core/future/task/current.hpp"
#include "core/future/task/waker_slot.hpp"

namespace as::future {

class Notify {
 public:
  class Notified;

  void notify_one() {
    Waker w;
    {
      std::lock_guard<sync::SpinLock> lk(mu_);
      if (Notified* n = pop_front()) {
        n->set_state(Notified::kByOne);
        n->want_ = generation_;  // the call count it saw (its links are free again)
        w = n->waker_.take();
      } else {
        permit_ = true;
      }
    }
    WakeReasonScope why(trace::Reason::Cond);
    w.wake();
  }
  void notify_waiters() {
    std::vector<Waker> ws;
    {
      std::lock_guard<sync::SpinLock> lk(mu_);
      ++generation_;
      while (Notified* n = pop_front()) {
        n->set_state(Notified::kByAll);
        ws.push_back(n->waker_.take());
      }
    }
    WakeReasonScope why(trace::Reason::Cond);
    for (auto& w : ws) w.wake();
  }
  Notified notified();

  // Notified is four words: the Notify with the waiter's state in its low bits, two links and
  // the waker. The notify_waiters call count it must see change is needed only until it is
  // queued (notify_waiters empties the queue, marking each waiter kByAll), and again only once a
  // notify_one picked it (kByOne: the count then, for the pass-on rule): both times the links are
  // unused, so it shares the first link's word.
  class Notified {
   public:
    Notified(Notify* n, uint32_t gen) : word_(reinterpret_cast<std::uintptr_t>(n)) { want_ = gen; }
    Notified(Notified&& o) noexcept : word_(o.word_ & ~kStateMask) { want_ = o.want_; }
    ~Notified() {
      if (state() == kDone) return;
      Notify* const n = notify();
      Waker pass_on;
      {
        std::lock_guard<sync::SpinLock> lk(n->mu_);
        if (state() == kQueued) n->remove(this);
        if (state() == kByOne && n->generation_ == want_) {
          // Chosen by notify_one but cancelled before observing it: pass it on.
          if (Notified* next = n->pop_front()) {
            next->set_state(kByOne);
            next->want_ = n->generation_;
            pass_on = next->waker_.take();
          } else {
            n->permit_ = true;
          }
        }
      }
      pass_on.wake();
    }
    Poll<Unit> poll(Context& cx) {
      Notify* const n = notify();
      std::lock_guard<sync::SpinLock> lk(n->mu_);
      const std::uintptr_t st = state();
      if (st == kByOne || st == kByAll) {
        set_state(kDone);
        return Unit{};
      }
      if (st == kFresh) {
        // notify_waiters ran since creation, or a stored permit: done without waiting.
        if (n->generation_ != want_ || n->permit_) {
          if (n->generation_ == want_) n->permit_ = false;
          set_state(kDone);
          return Unit{};
        }
        n->push_back(this);  // kQueued
      }
      waker_.clone_if_changed(cx.waker());
      note_block(trace::Reason::Cond, 0);
      return pending;
    }

   private:
    friend class Notify;
    // The state, in the low bits of word_ (a Notify is 8-aligned).
    static constexpr std::uintptr_t kFresh = 0;   // not polled yet, or polled while notified
    static constexpr std::uintptr_t kQueued = 1;  // in the Notify's queue (prev_/next_ valid)
    static constexpr std::uintptr_t kByOne = 2;   // picked by notify_one, not observed yet
    static constexpr std::uintptr_t kByAll = 3;   // woken by notify_waiters, not observed yet
    static constexpr std::uintptr_t kDone = 4;    // completed: nothing to hand back or pass on
    static constexpr std::uintptr_t kStateMask = 7;
    Notify* notify() const { return reinterpret_cast<Notify*>(word_ & ~kStateMask); }
    std::uintptr_t state() const { return word_ & kStateMask; }
    void set_state(std::uintptr_t st) { word_ = (word_ & ~kStateMask) | st; }

    std::uintptr_t word_;
    union {
      Notified* prev_;  // kQueued
      uint32_t want_;   // kFresh: the notify_waiters call count at creation; kByOne: at the pick
    };
    Notified* next_ = nullptr;  // kQueued
    WakerSlot waker_;
  };

 private:
  // The FIFO of queued waiters (intrusive, like sync::WaitList), under mu_.
  void push_back(Notified* w) {
    w->prev_ = tail_;
    w->next_ = nullptr;
    if (tail_) {
      tail_->next_ = w;
    } else {
      head_ = w;
    }
    tail_ = w;
    w->set_state(Notified::kQueued);
  }
  void remove(Notified* w) {  // w is kQueued; leaves it kFresh (the caller sets the state)
    if (w->prev_) {
      w->prev_->next_ = w->next_;
    } else {
      head_ = w->next_;
    }
    if (w->next_) {
      w->next_->prev_ = w->prev_;
    } else {
      tail_ = w->prev_;
    }
    w->next_ = nullptr;
    w->set_state(Notified::kFresh);
  }
  Notified* pop_front() {
    Notified* w = head_;
    if (w) remove(w);
    return w;
  }

  sync::SpinLock mu_;
  bool permit_ = false;
  uint32_t generation_ = 0;  // notify_waiters calls (wrapping)
  Notified* head_ = nullptr;
  Notified* tail_ = nullptr;
};

// The waiter's state lives in the low three bits of its Notify pointer.
static_assert(alignof(Notify) >= 8);

inline Notify::Notified Notify::notified() {
  std::lock_guard<sync::SpinLock> lk(mu_);
  return Notified(this, generation_);
}

class Semaphore {
 public:
  explicit Semaphore(uint64_t permits) : permits_(permits) {}

  // Permit gives its permits back when destroyed.
  class Permit {
   public:
    Permit(Semaphore* s, uint64_t n) : sem_(s), n_(n) {}
    Permit(Permit&& o) noexcept : sem_(std::exchange(o.sem_, nullptr)), n_(o.n_) {}
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
      if (sem_) sem_->release(n_);
    }

   private:
    Semaphore* sem_;
    uint64_t n_;
  };

  class Acquire {
   public:
    Acquire(Semaphore* s, uint64_t n) : sem_(s) {
      if (n > UINT32_MAX)
        throw std::invalid_argument("Semaphore::acquire: at most 2^32-1 permits at once");
      node_.want = static_cast<uint32_t>(n);
    }
    Acquire(Acquire&& o) noexcept : sem_(o.sem_) { node_.want = o.node_.want; }
    ~Acquire() {
      if (done_) return;
      bool give_back = false;
      {
        std::lock_guard<sync::SpinLock> lk(sem_->mu_);
        sem_->waiters_.remove(&node_);
        give_back = node_.notified;  // granted but never observed
      }
      if (give_back) sem_->release(node_.want);
    }
    Poll<Permit> poll(Context& cx) {
      if (!coop::poll_proceed(cx)) return pending;
      std::lock_guard<sync::SpinLock> lk(sem_->mu_);
      if (node_.notified) {
        done_ = true;
        return Permit(sem_, node_.want);
      }
      if (!node_.queued && sem_->waiters_.empty() && sem_->permits_ >= node_.want) {
        sem_->permits_ -= node_.want;
        done_ = true;
        return Permit(sem_, node_.want);
      }
      if (!node_.queued) sem_->waiters_.push_back(&node_);
      node_.waker.clone_if_changed(cx.waker());
      note_block(trace::Reason::Mutex, 0);
      return pending;
    }

   private:
    Semaphore* sem_;
    bool done_ = false;
    sync::WaitNode node_;
  };

  Acquire acquire(uint64_t n = 1) { return Acquire(this, n); }
  uint64_t available() {
    std::lock_guard<sync::SpinLock> lk(mu_);
    return permits_;
  }
  void release(uint64_t n) {
    std::vector<Waker> ws;
    {
      std::lock_guard<sync::SpinLock> lk(mu_);
      permits_ += n;
      while (sync::WaitNode* f = waiters_.front()) {
        if (f->want > permits_) break;
        permits_ -= f->want;
        waiters_.pop_front();
        f->notified = true;
        ws.push_back(std::move(f->waker));
      }
    }
    WakeReasonScope why(trace::Reason::Mutex);
    for (auto& w : ws) w.wake();
  }

 private:
  sync::SpinLock mu_;
  uint64_t permits_;
  sync::WaitList waiters_;
};

}  // namespace as::future
