// scenarios/future/spawn_blocking.cpp — the fix for blocking_in_async: move the blocking call
// to the blocking pool with spawn_blocking and await its JoinHandle.
// Look at: a new worker lane ("blocking-N") runs the 50 ms call; the executor workers keep polling
// and the ticker stays on time.
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> on_time_ticker(int ticks) {
  for (int i = 0; i < ticks; ++i) co_await fut::sleep(1ms);
  co_return 0;
}

static fut::Task<int> offloader() {
  co_await fut::sleep(3ms);
  auto job = fut::spawn_blocking([] {
    fut::blocking_work(50ms);  // the same blocking call, now on a blocking-pool thread
    return 42;
  });
  auto r = co_await job;
  co_return r.is_ok() && r.value() == 42 ? 0 : 1;
}

static fut::Task<int> spawn_blocking_main() {
  auto t = fut::spawn(on_time_ticker(20), "ticker");
  auto b = fut::spawn(offloader(), "offloader");
  int rb = (co_await b).value();
  (void)co_await t;
  co_return rb;
}

Scenario spawn_blocking() {
  return make("spawn_blocking", "spawn_blocking: the blocking call moves to the blocking pool",
              "A blocking-pool lane takes the 50 ms call; executor workers keep polling, timers "
              "stay on time.",
              "scenarios/future/spawn_blocking.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                return run_future(o, rec, [] { return spawn_blocking_main(); });
              });
}

}  // namespace as::scenario::future_scn
