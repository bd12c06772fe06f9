// core/future/combinators.hpp — yield_now, join, select, timeout (tokio::task::yield_now,
// tokio::join!, tokio::select!, tokio::time::timeout) as hand-written futures.
//
//   join(a, b, ...)    polls every unfinished child on each poll; Ready with a tuple when all are.
//   select(a, b, ...)  polls children starting at a random one (tokio::select! picks a random
//                      start; here the platform chooser, so the simulation stays deterministic);
//                      Ready with a variant holding the first finished child's output. The losers
//                      are destroyed right then: dropped at their await point = cancelled
//                      (traced as an annotation "select: branch N cancelled").
//   timeout(d, f)      Ok(output) if f finishes first, Err(Elapsed) if the sleep does; f is
//                      dropped (cancelled) in the second case.
//   yield_now()        Pending once after waking itself: the task goes to the back of the queue.
// Invariant: children are stored in place and never moved after the first poll.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>

#include "core/future/time/sleep.hpp"

namespace as::future {

// YieldNow — see the file comment.
class YieldNow {
 public:
  Poll<Unit> poll(Context& cx) {
    if (yielded_) return Unit{};
    yielded_ = true;
    tl_current.expected_self_wake = true;
    cx.waker().wake_by_ref();
    tl_current.expected_self_wake = false;
    note_block(trace::Reason::Yield, 0);
    return pending;
  }

 private:
  bool yielded_ = false;
};
inline YieldNow yield_now() {
  return {};
}

// Join — see the file comment.
template <class... F>
class Join {
 public:
  explicit Join(F... fs) : futs_(std::move(fs)...) {}
  Poll<std::tuple<FutureOutput<F>...>> poll(Context& cx) {
    bool all = true;
    poll_each(cx, all, std::index_sequence_for<F...>{});
    if (!all) return pending;
    return take(std::index_sequence_for<F...>{});
  }

 private:
  template <size_t... I>
  void poll_each(Context& cx, bool& all, std::index_sequence<I...>) {
    (poll_one<I>(cx, all), ...);
  }
  template <size_t I>
  void poll_one(Context& cx, bool& all) {
    auto& out = std::get<I>(outs_);
    if (out) return;
    auto p = std::get<I>(futs_).poll(cx);
    if (p.is_ready()) {
      out.emplace(p.take());
    } else {
      all = false;
    }
  }
  template <size_t... I>
  std::tuple<FutureOutput<F>...> take(std::index_sequence<I...>) {
    return std::tuple<FutureOutput<F>...>(std::move(*std::get<I>(outs_))...);
  }
  std::tuple<F...> futs_;
  std::tuple<std::optional<FutureOutput<F>>...> outs_;
};
template <Future... F>
Join<F...> join(F... fs) {
  return Join<F...>(std::move(fs)...);
}

// Select — see the file comment.
template <class... F>
class Select {
 public:
  using Output = std::variant<FutureOutput<F>...>;
  explicit Select(F... fs) : futs_(std::in_place, std::move(fs)...) {}

  Poll<Output> poll(Context& cx) {
    constexpr size_t n = sizeof...(F);
    if (!started_) {
      started_ = true;
      Scheduler* s = current_scheduler();
      start_ = (s && n > 1) ? static_cast<size_t>(s->platform().choose(n)) : 0;
    }
    std::optional<Output> out;
    for (size_t k = 0; k < n && !out; ++k)
      poll_index((start_ + k) % n, cx, out, std::index_sequence_for<F...>{});
    if (!out) return pending;
    // Drop every branch now: the losers are cancelled at their await point.
    const size_t winner = out->index();
    futs_.reset();
    if (Scheduler* s = current_scheduler(); s && s->recorder()) {
      for (size_t i = 0; i < n; ++i) {
        if (i == winner) continue;
        s->emit(
            trace::EventKind::Annotation, tl_current.worker, tl_current.task,
            s->recorder()->intern("select: branch " + std::to_string(i) + " cancelled (dropped)"));
      }
    }
    return std::move(*out);
  }

 private:
  template <size_t... I>
  void poll_index(size_t i, Context& cx, std::optional<Output>& out, std::index_sequence<I...>) {
    ((I == i ? poll_one<I>(cx, out) : void()), ...);
  }
  template <size_t I>
  void poll_one(Context& cx, std::optional<Output>& out) {
    auto p = std::get<I>(*futs_).poll(cx);
    if (p.is_ready()) out.emplace(std::in_place_index<I>, p.take());
  }
  std::optional<std::tuple<F...>> futs_;
  bool started_ = false;
  size_t start_ = 0;
};
template <Future... F>
Select<F...> select(F... fs) {
  return Select<F...>(std::move(fs)...);
}

// Elapsed is the error of a timeout that expired (tokio::time::error::Elapsed).
struct Elapsed {};

// Timeout — see the file comment.
template <class F>
class Timeout {
 public:
  Timeout(F f, Sleep s) : fut_(std::in_place, std::move(f)), sleep_(std::move(s)) {}
  Poll<Result<FutureOutput<F>, Elapsed>> poll(Context& cx) {
    auto p = fut_->poll(cx);
    if (p.is_ready()) return Result<FutureOutput<F>, Elapsed>(p.take());
    {
      coop::Unconstrained no_budget;  // the deadline must be observable even with no budget left
      if (sleep_.poll(cx).is_pending()) return pending;
    }
    fut_.reset();  // cancelled at its await point
    if (Scheduler* s = current_scheduler(); s && s->recorder())
      s->emit(trace::EventKind::Annotation, tl_current.worker, tl_current.task,
              s->recorder()->intern("timeout elapsed: inner future cancelled (dropped)"));
    return Result<FutureOutput<F>, Elapsed>(Err{Elapsed{}});
  }

 private:
  std::optional<F> fut_;
  Sleep sleep_;
};
template <Future F>
Timeout<F> timeout(std::chrono::nanoseconds d, F f) {
  return Timeout<F>(std::move(f), sleep(d));
}

}  // namespace as::future
