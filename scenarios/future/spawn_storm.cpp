// scenarios/future/spawn_storm.cpp — the main task spawns many short tasks and joins them all.
// Look at: TaskCreate with the frame size (the future's "stack"), the local queue overflowing into
// the inject queue, idle workers woken on demand and stealing.
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> tiny(int i) {
  if (i % 7 == 0) co_await fut::yield_now();
  co_return i % 3;
}

static fut::Task<int> storm_main(int n) {
  std::vector<fut::JoinHandle<int>> hs;
  hs.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(fut::spawn(tiny(i), "tiny"));
  long sum = 0;
  for (auto& h : hs) sum += (co_await h).value();
  co_return sum >= 0 ? 0 : 1;
}

Scenario spawn_storm() {
  return make(
      "spawn_storm", "Spawn 1000 short tasks and join them",
      "Frames are the futures' stacks (TaskCreate frame_bytes); queues overflow and workers steal.",
      "scenarios/future/spawn_storm.cpp", [](const RunOptions& o, trace::Recorder& rec) {
        const int n = static_cast<int>(param_int(o, "n", 1000, 1, 10'000'000));
        return run_future(o, rec, [n] { return storm_main(n); });
      });
}

}  // namespace as::scenario::future_scn
