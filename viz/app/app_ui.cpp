// viz/app/app_ui.cpp — see app_ui.hpp.
#include "viz/app/app_ui.hpp"

// glad before GLFW (GLFW's key codes are the ImGui 1.86 key indices with the GLFW backend).
#include <glad/gl.h>
// (keep this order)
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <utility>

#include "viz/app/key_actions.hpp"
#include "viz/app/lesson_panel.hpp"
#include "viz/app/theme.hpp"

namespace as::viz {

AppUi::AppUi(Settings settings) : state_(std::move(settings)) {}
AppUi::~AppUi() = default;

bool AppUi::open_lesson(const std::string& lessons_dir, const std::string& id, int step,
                        std::string& error) {
  lesson_ = LessonPanel::open(state_, lessons_dir, id, step, error);
  lesson_tab_pending_ = lesson_ != nullptr;
  return lesson_ != nullptr;
}

void AppUi::update() {
  if (lesson_) lesson_->update(state_);
}

void AppUi::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  KeyPresses k;
  k.space = ImGui::IsKeyPressed(GLFW_KEY_SPACE, false);
  k.left = ImGui::IsKeyPressed(GLFW_KEY_LEFT);
  k.right = ImGui::IsKeyPressed(GLFW_KEY_RIGHT);
  k.home = ImGui::IsKeyPressed(GLFW_KEY_HOME, false);
  k.end = ImGui::IsKeyPressed(GLFW_KEY_END, false);
  k.o = ImGui::IsKeyPressed(GLFW_KEY_O, false);
  k.s = ImGui::IsKeyPressed(GLFW_KEY_S, false);
  k.e = ImGui::IsKeyPressed(GLFW_KEY_E, false);
  k.f = ImGui::IsKeyPressed(GLFW_KEY_F, false);
  k.zero = ImGui::IsKeyPressed(GLFW_KEY_0, false);
  k.plus = ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD);
  k.minus = ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT);
  k.f1 = ImGui::IsKeyPressed(GLFW_KEY_F1, false);
  k.ctrl = io.KeyCtrl;
  k.shift = io.KeyShift;
  k.alt = io.KeyAlt;
  k.text_input_focused = io.WantTextInput;
  for (KeyAction a : decide_key_actions(k)) {
    switch (a) {
      case KeyAction::PlayPause:
        state_.toggle_play();
        break;
      case KeyAction::StepForward:
        state_.step_forward();
        break;
      case KeyAction::StepBack:
        state_.step_back();
        break;
      case KeyAction::StepTaskForward:
        state_.step_task_forward();
        break;
      case KeyAction::StepTaskBack:
        state_.step_task_back();
        break;
      case KeyAction::JumpStart:
        state_.jump_start();
        break;
      case KeyAction::JumpEnd:
        state_.jump_end();
        break;
      case KeyAction::Open:
        start_file_action(state_, files_, dialog_, "open");
        break;
      case KeyAction::Save:
        start_file_action(state_, files_, dialog_, "save");
        break;
      case KeyAction::Export:
        state_.export_open = true;
        break;
      case KeyAction::Help:
        state_.help_open = !state_.help_open;
        break;
      case KeyAction::Fit:
        state_.fit_all();
        break;
      case KeyAction::ZoomIn:
      case KeyAction::ZoomOut: {
        const float x = state_.axis.to_x(static_cast<double>(state_.playhead_time()));
        state_.axis.zoom_at(std::clamp(x, 0.0f, state_.axis.width()),
                            a == KeyAction::ZoomIn ? 0.5 : 2.0);
        state_.auto_fit = false;
        break;
      }
    }
  }
}

void AppUi::draw_menu() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open trace...", "Ctrl+O"))
      start_file_action(state_, files_, dialog_, "open");
    if (ImGui::MenuItem("Open trace to compare..."))
      start_file_action(state_, files_, dialog_, "compare");
    if (ImGui::MenuItem("Save trace as...", "Ctrl+S", false, !state_.main.empty()))
      start_file_action(state_, files_, dialog_, "save");
    if (ImGui::MenuItem("Export...", "Ctrl+E")) state_.export_open = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) want_quit_ = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Fit whole trace", "F")) state_.fit_all();
    ImGui::MenuItem("Task lanes", nullptr, &state_.settings.show_task_lanes);
    ImGui::MenuItem("Wakeup arrows", nullptr, &state_.settings.show_wake_arrows);
    ImGui::Separator();
    const bool light = state_.settings.theme == "light";
    if (ImGui::MenuItem("Dark theme", nullptr, !light)) state_.set_theme(ThemeKind::Dark);
    if (ImGui::MenuItem("Light high-contrast theme", nullptr, light))
      state_.set_theme(ThemeKind::Light);
    ImGui::MenuItem("Presenter mode (larger text)", nullptr, &state_.settings.presenter);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    if (ImGui::MenuItem("Keys and legend", "F1")) state_.help_open = true;
    ImGui::EndMenu();
  }
  ImGui::TextDisabled("  %s", state_.main.title.empty() ? "asyncscope" : state_.main.title.c_str());
  ImGui::EndMenuBar();
}

void AppUi::draw_messages() {
  if (!state_.error.empty()) {
    ImGui::PushStyleColor(
        ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(state_.palette.marker(MarkerColour::Error)));
    ImGui::TextWrapped("Error: %s", state_.error.c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton("dismiss")) state_.error.clear();
  } else if (!state_.status.empty()) {
    ImGui::TextDisabled("%s", state_.status.c_str());
  }
}

void AppUi::draw(bool slide_mode) {
  const ImGuiIO& io = ImGui::GetIO();
  apply_theme(state_.palette.theme);
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  const ImGuiWindowFlags host_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus |
                                      ImGuiWindowFlags_NoSavedSettings |
                                      (slide_mode ? 0 : ImGuiWindowFlags_MenuBar);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  ImGui::Begin("##asyncscope", nullptr, host_flags);
  ImGui::PopStyleVar();
  if (slide_mode) {
    ImGui::TextUnformatted(state_.main.title.c_str());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (!state_.compare.empty()) {
      const float h = (avail.y - ImGui::GetStyle().ItemSpacing.y) / 2;
      timeline_a_.draw(state_, state_.main, false, avail.x, h);
      timeline_b_.draw(state_, state_.compare, true, avail.x, h);
    } else {
      timeline_a_.draw(state_, state_.main, false, avail.x, avail.y);
    }
    ImGui::End();
    return;
  }
  draw_menu();

  const float font = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The lesson tab needs room for text and source; the scenario browser does not.
  const float left_target = lesson_ ? std::clamp(avail.x * 0.26f, font * 18, font * 34)
                                    : std::clamp(avail.x * 0.18f, font * 14, font * 22);
  left_w_ = left_target;
  if (right_w_ <= 0) right_w_ = std::clamp(avail.x * 0.22f, font * 16, font * 28);
  const float centre_w =
      std::max(200.0f, avail.x - left_w_ - right_w_ - 2 * ImGui::GetStyle().ItemSpacing.x);

  // Left: scenario browser.
  ImGui::BeginChild("##left", ImVec2(left_w_, avail.y), true);
  if (ImGui::BeginTabBar("##lefttabs")) {
    if (lesson_) {
      if (ImGui::BeginTabItem("Lesson", nullptr,
                              lesson_tab_pending_ ? ImGuiTabItemFlags_SetSelected : 0)) {
        lesson_->draw(state_, ImGui::GetIO().Fonts->Fonts.Size > 1);
        ImGui::EndTabItem();
      }
      lesson_tab_pending_ = false;
    }
    if (ImGui::BeginTabItem("Scenarios")) {
      draw_scenario_browser(state_);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::SameLine();

  // Centre: transport, timeline(s), bottom tabs.
  ImGui::BeginChild("##centre", ImVec2(centre_w, avail.y), false);
  draw_transport(state_);
  draw_messages();
  const ImVec2 c_avail = ImGui::GetContentRegionAvail();
  if (bottom_h_ <= 0) bottom_h_ = std::max(c_avail.y * 0.36f, font * 10);
  const float timeline_h =
      std::max(font * 8, c_avail.y - bottom_h_ - ImGui::GetStyle().ItemSpacing.y);
  if (!state_.compare.empty() || state_.compare.live.active()) {
    const float h = (timeline_h - ImGui::GetStyle().ItemSpacing.y) / 2;
    timeline_a_.draw(state_, state_.main, false, c_avail.x, h);
    timeline_b_.draw(state_, state_.compare, true, c_avail.x, h);
  } else {
    timeline_a_.draw(state_, state_.main, false, c_avail.x, timeline_h);
  }
  ImGui::BeginChild("##bottom", ImVec2(0, 0), true);
  if (ImGui::BeginTabBar("##bottomtabs")) {
    // A lesson step may bring a panel forward (once per step).
    const std::string focus = std::exchange(state_.focus_panel, "");
    const bool want_stacks = focus == "stacks";
    const bool want_state = !focus.empty() && !want_stacks && focus != "timeline" &&
                            focus != "inspector" && focus != "source";
    if (ImGui::BeginTabItem("State at playhead", nullptr,
                            want_state ? ImGuiTabItemFlags_SetSelected : 0)) {
      draw_state_panels(state_);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Stacks & memory", nullptr,
                            want_stacks ? ImGuiTabItemFlags_SetSelected : 0)) {
      draw_stacks_view(state_);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::EndChild();
  ImGui::SameLine();

  // Right: inspector.
  ImGui::BeginChild("##right", ImVec2(0, avail.y), true);
  ImGui::TextUnformatted("Inspector");
  ImGui::Separator();
  draw_inspector(state_);
  ImGui::EndChild();

  ImGui::End();
  draw_files_ui(state_, files_, dialog_);
  draw_help(state_);
}

}  // namespace as::viz
