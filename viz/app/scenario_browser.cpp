// viz/app/scenario_browser.cpp — pick a scenario and how to run it: model (goroutines / futures /
// both = compare), procs, executor, seed, sim vs real threads; Run starts it live. With no
// runtime scenarios registered (early builds) a synthetic trace keeps the app useful.
#include <imgui.h>

#include "viz/app/views.hpp"

namespace as::viz {

void draw_scenario_browser(AppState& state) {
  RunChoice& c = state.choice;
  ImGui::TextUnformatted("Model");
  static int model_mode = 0;  // 0 go, 1 futures, 2 both (compare)
  if (c.model == scenario::Model::Future && model_mode == 0) model_mode = 1;
  ImGui::RadioButton("goroutines", &model_mode, 0);
  ImGui::SameLine();
  ImGui::RadioButton("futures", &model_mode, 1);
  ImGui::SameLine();
  ImGui::RadioButton("both", &model_mode, 2);
  c.model = model_mode == 1 ? scenario::Model::Future : scenario::Model::Goroutine;

  ImGui::Separator();
  ImGui::TextUnformatted("Scenario");
  const auto& all = scenario::all();
  const float list_h = ImGui::GetContentRegionAvail().y * 0.5f;
  ImGui::BeginChild("##scenarios", ImVec2(0, std::max(list_h, ImGui::GetFontSize() * 6)), true);
  size_t shown = 0;
  const scenario::Scenario* selected = nullptr;
  for (const auto& s : all) {
    if (s.model != c.model) continue;
    ++shown;
    const bool is_sel = c.scenario == s.id;
    if (is_sel) selected = &s;
    if (ImGui::Selectable((s.id + "##" + std::string(scenario::model_name(s.model))).c_str(),
                          is_sel))
      c.scenario = s.id;
    if (ImGui::IsItemHovered() && !s.title.empty()) ImGui::SetTooltip("%s", s.title.c_str());
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) {
      c.scenario = s.id;
      state.run_scenario(c);
    }
  }
  if (shown == 0)
    ImGui::TextDisabled("(no %s scenarios built in yet)",
                        std::string(scenario::model_name(c.model)).c_str());
  ImGui::EndChild();
  if (selected != nullptr) {
    ImGui::TextWrapped("%s", selected->title.c_str());
    if (!selected->summary.empty()) {
      // Wrapped: a summary is a sentence or two, wider than the panel.
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", selected->summary.c_str());
      ImGui::PopStyleColor();
    }
  }

  ImGui::Separator();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("procs", &c.options.procs, 1, 16);
  if (c.model == scenario::Model::Future || model_mode == 2) {
    int exec = c.options.executor == "current" ? 0 : 1;
    ImGui::RadioButton("current-thread", &exec, 0);
    ImGui::SameLine();
    ImGui::RadioButton("multi-thread", &exec, 1);
    c.options.executor = exec == 0 ? "current" : "multi";
  }
  int sim = c.options.real ? 1 : 0;
  ImGui::RadioButton("simulated", &sim, 0);
  ImGui::SameLine();
  ImGui::RadioButton("real threads", &sim, 1);
  c.options.real = sim == 1;
  ImGui::BeginDisabled(c.options.real);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  int seed = static_cast<int>(std::min<uint64_t>(c.options.seed, 1u << 30));
  if (ImGui::InputInt("seed", &seed)) c.options.seed = static_cast<uint64_t>(std::max(seed, 0));
  ImGui::EndDisabled();

  const bool can_run = shown > 0;
  ImGui::BeginDisabled(!can_run);
  if (ImGui::Button("Run", ImVec2(ImGui::GetContentRegionAvail().x * 0.5f, 0))) {
    state.run_scenario(c);
    if (model_mode == 2) {
      RunChoice other = c;
      other.model = scenario::Model::Future;
      if (scenario::find(c.scenario, other.model) != nullptr)
        state.run_compare(other);
      else
        state.report_status("no futures version of '" + c.scenario + "' to compare with");
    }
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!can_run || state.main.empty());
  if (ImGui::Button("Compare seed+1", ImVec2(-1, 0))) {
    RunChoice other = c;
    other.options.seed += 1;
    state.run_compare(other);
  }
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("run the same scenario with the next seed below the current run");
  ImGui::EndDisabled();
  if (!state.compare.empty() || state.compare.live.active()) {
    if (ImGui::Button("Close comparison", ImVec2(-1, 0))) state.clear_compare();
  }
  ImGui::Separator();
  if (ImGui::Button("Synthetic demo trace", ImVec2(-1, 0)))
    state.load_synthetic(
        c.model == scenario::Model::Future ? trace::ModelKind::Future : trace::ModelKind::Goroutine,
        3000, c.options.seed);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a generated trace with the shape of a real run");
}

}  // namespace as::viz
