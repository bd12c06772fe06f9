// scenarios/future/future_scenarios.cpp — registers the built-in future scenarios.
#include "scenarios/scenario.hpp"

namespace as::scenario {
void register_future_scenarios(std::vector<Scenario>& out) { (void)out; }
}  // namespace as::scenario
