// scenarios/goroutine/goroutine_scenarios.cpp — registers the built-in goroutine scenarios (one
// program per file in this folder).
#include "scenarios/goroutine/common.hpp"

namespace as::scenario {

void register_goroutine_scenarios(std::vector<Scenario>& out) {
  using namespace goroutine;
  for (auto make :
       {make_pingpong, make_fanout, make_spawn_storm, make_select, make_timers, make_echo,
        make_syscall, make_preempt, make_deadlock, make_panic, make_deep_recursion})
    out.push_back(make());
}

}  // namespace as::scenario
