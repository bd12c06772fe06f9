// core/future/coop.hpp — cooperative scheduling budget (tokio/src/runtime/coop.rs).
//
// Owns: the per-poll budget. The executor grants a task `budget` operations (Tokio: 128) each
// time it polls it; every resource a leaf future touches (channel, timer, I/O, JoinHandle) calls
// poll_proceed() first. When the budget is spent, the resource pretends not to be ready: it wakes
// the task itself and returns Pending, so a task that would otherwise loop forever on always-ready
// resources goes back to the run queue and the others get their turn.
//
// Invariant: budget < 0 means unconstrained (budget off, or code running outside a task).
// Why: futures cannot be preempted — the only way an executor regains control is a Pending. With
// the budget off, a task whose awaits are always ready starves every other task on its worker;
// the never_yield scenario shows both behaviours.
#pragma once

#include "core/future/task/current.hpp"
#include "core/future/waker.hpp"

namespace as::future::coop {

// poll_proceed consumes one unit of budget. false = budget exhausted: the task has been woken
// (re-queued) and the caller must return Pending.
inline bool poll_proceed(Context& cx) {
  int& b = tl_current.budget;
  if (b < 0) return true;
  if (b > 0) {
    --b;
    return true;
  }
  tl_current.expected_self_wake = true;
  cx.waker().wake_by_ref();
  tl_current.expected_self_wake = false;
  note_block(trace::Reason::Preempted, 0);
  return false;
}

// Unconstrained runs a scope without budget (Tokio's coop::unconstrained).
class Unconstrained {
 public:
  Unconstrained() : saved_(tl_current.budget) { tl_current.budget = -1; }
  ~Unconstrained() { tl_current.budget = saved_; }
  Unconstrained(const Unconstrained&) = delete;
  Unconstrained& operator=(const Unconstrained&) = delete;

 private:
  int saved_;
};

}  // namespace as::future::coop
