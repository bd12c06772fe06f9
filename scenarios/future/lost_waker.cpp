// scenarios/future/lost_waker.cpp — a hand-written future with the classic bug: it returns
// Pending without storing the waker, so nobody can ever wake its task.
// Look at: RuntimeError LostWaker right after its PollEnd(Pending) (the task holds no live Waker),
// then the simulation's deadlock report. (A real Tokio program would simply hang; on --real the
// runtime also reports it once every worker is parked with nothing to wait for.)
#include <memory>

#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

// FlagFuture: Ready once *flag is set. BUG: it forgets to keep cx.waker() when Pending.
// (A constructor, not aggregate init: g++ 12 destroys an aggregate-initialised co_await operand
// twice when the coroutine is destroyed while suspended on it — see task/coroutine.hpp.)
struct FlagFuture {
  explicit FlagFuture(std::shared_ptr<bool> f) : flag(std::move(f)) {}
  std::shared_ptr<bool> flag;
  fut::Poll<fut::Unit> poll(fut::Context&) {
    if (*flag) return fut::Unit{};
    return fut::pending;  // should have stored cx.waker().clone() for the setter to wake
  }
};

static fut::Task<int> waiter(std::shared_ptr<bool> flag) {
  co_await FlagFuture(flag);
  co_return 0;
}

static fut::Task<int> setter(std::shared_ptr<bool> flag) {
  co_await fut::sleep(2ms);
  *flag = true;  // nobody to wake: the waiter never learns about it
  co_return 0;
}

static fut::Task<int> lost_waker_main() {
  auto flag = std::make_shared<bool>(false);
  auto w = fut::spawn(waiter(flag), "waiter");
  auto s = fut::spawn(setter(flag), "setter");
  (void)co_await s;
  (void)co_await w;  // never completes
  co_return 0;
}

Scenario lost_waker() {
  return make("lost_waker", "A future that forgets its waker (lost wakeup bug)",
              "LostWaker diagnostic at the faulty Pending, then the deadlock report.",
              "scenarios/future/lost_waker.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                return run_future(o, rec, [] { return lost_waker_main(); });
              });
}

}  // namespace as::scenario::future_scn
