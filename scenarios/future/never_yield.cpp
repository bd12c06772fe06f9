// scenarios/future/never_yield.cpp — a task whose awaits are always ready never returns Pending.
// Look at (run with --executor current): with the cooperative budget (default 128, Tokio's) the
// busy task is forced to yield every 128 channel operations (TaskStop preempted) and the other
// task runs; with --param budget=0 the other task starves until the busy one finishes.
#include <memory>

#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> busy(fut::mpsc::Receiver<int> rx, int n) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += *(co_await rx.recv());  // always ready: the queue is full
  co_return static_cast<int>(sum % 2);
}

static fut::Task<int> heartbeat(std::shared_ptr<int> beats) {
  for (int i = 0; i < 5; ++i) {
    ++*beats;
    co_await fut::yield_now();
  }
  co_return 0;
}

static fut::Task<int> never_yield_main(int n) {
  auto [tx, rx] = fut::mpsc::unbounded_channel<int>();
  for (int i = 0; i < n; ++i) (void)tx.send_now(i);
  auto beats = std::make_shared<int>(0);
  auto b = fut::spawn(busy(std::move(rx), n), "busy");
  auto h = fut::spawn(heartbeat(beats), "heartbeat");
  (void)co_await b;
  (void)co_await h;
  co_return 0;
}

Scenario never_yield() {
  return make("never_yield",
              "A task that never yields: the cooperative budget (budget=0 to starve)",
              "With budget 128 the busy task is preempted at Pending points; with budget=0 it "
              "starves others.",
              "scenarios/future/never_yield.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int n = static_cast<int>(param_int(o, "n", 2000, 1, 100'000'000));
                const int budget = static_cast<int>(param_int(o, "budget", 128, 0, 1'000'000));
                return run_future(
                    o, rec, [n] { return never_yield_main(n); },
                    [budget](fut::RuntimeConfig& c) { c.budget = budget; });
              });
}

}  // namespace as::scenario::future_scn
