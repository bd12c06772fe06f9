// lessons/lesson_scenarios.hpp — the scenarios written for lessons
// (lessons/<nn>-<slug>/scenario.cpp) and the lookup a lesson run uses: lesson scenarios first, then
// the built-in ones (scenarios/scenario.hpp), so a lesson can reuse `pingpong` or bring its own
// program.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario.hpp"

namespace as::lessons {

// lesson_scenarios returns every scenario registered by a lesson folder, in lesson order.
const std::vector<scenario::Scenario>& lesson_scenarios();

// find_lesson_scenario looks up `id` for `model`: lesson scenarios, then built-in scenarios.
const scenario::Scenario* find_lesson_scenario(std::string_view id, scenario::Model model);

// Registration hooks, one per lesson folder (explicit calls; see scenarios/scenario.hpp for why).
void register_lesson01_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson02_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson03_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson04_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson05_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson06_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson07_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson08_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson09_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson10_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson11_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson12_scenarios(std::vector<scenario::Scenario>& out);
void register_lesson13_scenarios(std::vector<scenario::Scenario>& out);

}  // namespace as::lessons
