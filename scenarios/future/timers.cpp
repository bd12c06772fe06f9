// scenarios/future/timers.cpp — tasks sleeping for different durations, and an interval.
// Look at: TimerArm/TimerFire on the hierarchical wheel (1 ms ticks); in the simulation virtual
// time jumps straight to the next deadline when every task is waiting.
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> sleeper(int ms, int times) {
  for (int i = 0; i < times; ++i) co_await fut::sleep(std::chrono::milliseconds(ms));
  co_return ms;
}

static fut::Task<int> timers_main(int tasks) {
  std::vector<fut::JoinHandle<int>> hs;
  for (int i = 0; i < tasks; ++i) hs.push_back(fut::spawn(sleeper(1 + i % 5, 3), "sleeper"));
  fut::Interval tick(2ms);
  for (int i = 0; i < 5; ++i) co_await tick.tick();
  for (auto& h : hs) (void)co_await h;
  co_return 0;
}

Scenario timers() {
  return make("timers", "Sleeping tasks and an interval on the timer wheel",
              "TimerArm/TimerFire; virtual time jumps to the next deadline when all tasks wait.",
              "scenarios/future/timers.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int n = static_cast<int>(param_int(o, "n", 10, 1, 1'000'000));
                return run_future(o, rec, [n] { return timers_main(n); });
              });
}

}  // namespace as::scenario::future_scn
