// scenarios/future/blocking_in_async.cpp — THE pathology: a blocking call inside a task.
// Look at: the task's poll lasts 50 ms (RuntimeError LongPoll); its worker runs nothing else
// meanwhile, the ticker's 1 ms timer fires late, and on the current-thread executor *everything*
// stops. Compare with spawn_blocking (the fix).
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> ticker(int ticks) {
  for (int i = 0; i < ticks; ++i) co_await fut::sleep(1ms);
  co_return 0;
}

static fut::Task<int> blocker() {
  co_await fut::sleep(3ms);
  fut::blocking_work(
      50ms);  // e.g. std::this_thread::sleep_for / a synchronous read: stalls the worker
  co_return 0;
}

static fut::Task<int> blocking_main() {
  auto t = fut::spawn(ticker(20), "ticker");
  auto b = fut::spawn(blocker(), "blocker");
  (void)co_await b;
  (void)co_await t;
  co_return 0;
}

Scenario blocking_in_async() {
  return make("blocking_in_async", "A blocking call inside a task stalls its worker",
              "LongPoll diagnostic; the ticker's timers fire late while the worker is blocked.",
              "scenarios/future/blocking_in_async.cpp",
              [](const RunOptions& o, trace::Recorder& rec) {
                return run_future(o, rec, [] { return blocking_main(); });
              });
}

}  // namespace as::scenario::future_scn
