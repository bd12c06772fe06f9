// scenarios/goroutine/goroutine_scenarios.cpp — registers the built-in goroutine scenarios.
#include "scenarios/scenario.hpp"

namespace as::scenario {
void register_goroutine_scenarios(std::vector<Scenario>& out) { (void)out; }
}  // namespace as::scenario
