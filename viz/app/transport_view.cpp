// viz/app/transport_view.cpp — the playhead's transport bar: play/pause, step, step the selected
// task, step back, jump to start/end, speed, and a scrub slider over the event index.
//
// Stepping at the live end of a simulated run advances the simulation by one scheduling event
// (AppState::step_forward → StepControl::step); stepping back never re-runs anything.
#include <imgui.h>

#include <cmath>

#include "viz/app/time_axis.hpp"
#include "viz/app/views.hpp"

namespace as::viz {

void draw_transport(AppState& state) {
  const TraceModel& model = state.main.model;
  const size_t n = model.event_count();
  if (ImGui::Button("|<")) state.jump_start();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("start (Home)");
  ImGui::SameLine();
  if (ImGui::Button("<")) state.step_back();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step back one event (Left)");
  ImGui::SameLine();
  if (ImGui::Button(state.playing() ? "Pause" : "Play", ImVec2(ImGui::GetFontSize() * 4, 0)))
    state.toggle_play();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("play / pause (Space)");
  ImGui::SameLine();
  if (ImGui::Button(">")) state.step_forward();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(state.live_sim_waiting()
                          ? "next event; at the end, run the simulation one step (Right)"
                          : "next event (Right)");
  ImGui::SameLine();
  ImGui::BeginDisabled(state.selection.task == 0);
  if (ImGui::Button("task >")) state.step_task_forward();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("next event of the selected task (Shift+Right)");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(">|")) state.jump_end();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("end (End)");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  int speed = state.settings.speed_events_per_s;
  if (ImGui::SliderInt("##speed", &speed, 1, 20000, "%d ev/s", ImGuiSliderFlags_Logarithmic))
    state.settings.speed_events_per_s = std::max(1, speed);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("playback speed (events per second)");
  ImGui::SameLine();

  // Scrub slider over the event index (the playhead is "after event i").
  int index = state.playhead() == kNoEvent ? -1 : static_cast<int>(state.playhead());
  const int max_index = n == 0 ? 0 : static_cast<int>(n - 1);
  ImGui::SetNextItemWidth(
      std::max(120.0f, ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 16));
  char fmt[64];
  std::snprintf(fmt, sizeof fmt, "event %%d / %d", max_index);
  if (ImGui::SliderInt("##scrub", &index, -1, max_index, fmt, ImGuiSliderFlags_AlwaysClamp))
    state.scrub_to_event(index < 0 ? kNoEvent : static_cast<EventIndex>(index));
  ImGui::SameLine();
  const std::string t =
      format_duration(static_cast<double>(state.playhead_time() - model.begin_time()));
  if (state.main.live.active())
    ImGui::TextColored(ImVec4(0.0f, 0.62f, 0.45f, 1), "t=%s  LIVE%s", t.c_str(),
                       state.following_live() ? "" : " (behind)");
  else
    ImGui::Text("t=%s", t.c_str());
}

}  // namespace as::viz
