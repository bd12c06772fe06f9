// scenarios/future/future_scenarios.cpp — registers the built-in future scenarios (one per file).
#include "scenarios/future/common.hpp"

namespace as::scenario {
void register_future_scenarios(std::vector<Scenario>& out) {
  using namespace future_scn;
  for (auto make_one :
       {pingpong, fanout, spawn_storm, select_timeout, timers, echo, blocking_in_async,
        spawn_blocking, never_yield, lost_waker, panic_join, deep_await})
    out.push_back(make_one());
}
}  // namespace as::scenario
