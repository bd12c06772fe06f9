// scenarios/registry.cpp — gathers the scenarios of every model once.
#include "scenarios/scenario.hpp"

namespace as::scenario {

const std::vector<Scenario>& all() {
  static const std::vector<Scenario> scenarios = [] {
    std::vector<Scenario> v;
    register_goroutine_scenarios(v);
    register_future_scenarios(v);
    return v;
  }();
  return scenarios;
}

const Scenario* find(std::string_view id, Model model) {
  for (const auto& s : all())
    if (s.id == id && s.model == model) return &s;
  return nullptr;
}

}  // namespace as::scenario
