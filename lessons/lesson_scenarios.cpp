// lessons/lesson_scenarios.cpp — gathers the scenarios of every lesson folder once.
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {

const std::vector<scenario::Scenario>& lesson_scenarios() {
  static const std::vector<scenario::Scenario> scenarios = [] {
    std::vector<scenario::Scenario> v;
    return v;
  }();
  return scenarios;
}

const scenario::Scenario* find_lesson_scenario(std::string_view id, scenario::Model model) {
  for (const auto& s : lesson_scenarios())
    if (s.id == id && s.model == model) return &s;
  return scenario::find(id, model);
}

}  // namespace as::lessons
