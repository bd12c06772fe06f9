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
// word): a Notified is 40 bytes — its wait node (a one-word waker) plus the Notify pointer — because
// it sits in every parked task.
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

namespace as::future {

class Notify {
 public:
  class Notified;

  void notify_one() {
    Waker w;
    {
      std::lock_guard<sync::SpinLock> lk(mu_);
      if (sync::WaitNode* n = waiters_.pop_front()) {
        n->notified = true;
        w = std::move(n->waker);
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
      while (sync::WaitNode* n = waiters_.pop_front()) {
        n->notified = true;
        ws.push_back(std::move(n->waker));
      }
    }
    WakeReasonScope why(trace::Reason::Cond);
    for (auto& w : ws) w.wake();
  }
  Notified notified();

  class Notified {
   public:
    Notified(Notify* n, uint32_t gen) : notify_(n) { node_.want = gen; }
    Notified(Notified&& o) noexcept : notify_(o.notify_) { node_.want = o.node_.want; }
    ~Notified() {
      if (node_.done) return;
      Waker pass_on;
      {
        std::lock_guard<sync::SpinLock> lk(notify_->mu_);
        notify_->waiters_.remove(&node_);
        if (node_.notified && notify_->generation_ == node_.want) {
          // Chosen by notify_one but cancelled before observing it: pass it on.
          if (sync::WaitNode* n = notify_->waiters_.pop_front()) {
            n->notified = true;
            pass_on = std::move(n->waker);
          } else {
            notify_->permit_ = true;
          }
        }
      }
      pass_on.wake();
    }
    Poll<Unit> poll(Context& cx) {
      std::lock_guard<sync::SpinLock> lk(notify_->mu_);
      if (node_.notified || notify_->generation_ != node_.want) {
        notify_->waiters_.remove(&node_);
        node_.done = true;
        return Unit{};
      }
      if (!node_.queued && notify_->permit_) {
        notify_->permit_ = false;
        node_.done = true;
        return Unit{};
      }
      if (!node_.queued) notify_->waiters_.push_back(&node_);
      node_.waker.clone_if_changed(cx.waker());
      note_block(trace::Reason::Cond, 0);
      return pending;
    }

   private:
    Notify* notify_;
    sync::WaitNode node_;  // want = the notify_waiters call count at creation; done = completed
  };

 private:
  sync::SpinLock mu_;
  sync::WaitList waiters_;
  bool permit_ = false;
  uint32_t generation_ = 0;  // notify_waiters calls (wrapping)
};

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
