// lessons/lesson_scenarios.cpp — gathers the scenarios of every lesson folder once.
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {

const std::vector<scenario::Scenario>& lesson_scenarios() {
  static const std::vector<scenario::Scenario> scenarios = [] {
    std::vector<scenario::Scenario> v;
    register_lesson01_scenarios(v);
    register_lesson02_scenarios(v);
    register_lesson03_scenarios(v);
    register_lesson04_scenarios(v);
    register_lesson05_scenarios(v);
    register_lesson06_scenarios(v);
    register_lesson07_scenarios(v);
    register_lesson08_scenarios(v);
    register_lesson09_scenarios(v);
    register_lesson10_scenarios(v);
    register_lesson11_scenarios(v);
    register_lesson12_scenarios(v);
    register_lesson13_scenarios(v);
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
