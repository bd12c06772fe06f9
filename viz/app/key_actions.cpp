// viz/app/key_actions.cpp — see key_actions.hpp.
#include "viz/app/key_actions.hpp"

namespace as::viz {

std::vector<KeyAction> decide_key_actions(const KeyPresses& k) {
  std::vector<KeyAction> actions;
  if (k.text_input_focused || k.alt) return actions;
  if (k.ctrl) {
    if (k.o) actions.push_back(KeyAction::Open);
    if (k.s) actions.push_back(KeyAction::Save);
    if (k.e) actions.push_back(KeyAction::Export);
    if (k.zero) actions.push_back(KeyAction::Fit);
    return actions;  // Ctrl+arrow etc. are left to ImGui widgets
  }
  if (k.space) actions.push_back(KeyAction::PlayPause);
  if (k.right) actions.push_back(k.shift ? KeyAction::StepTaskForward : KeyAction::StepForward);
  if (k.left) actions.push_back(k.shift ? KeyAction::StepTaskBack : KeyAction::StepBack);
  if (k.home) actions.push_back(KeyAction::JumpStart);
  if (k.end) actions.push_back(KeyAction::JumpEnd);
  if (k.f1) actions.push_back(KeyAction::Help);
  if (k.f) actions.push_back(KeyAction::Fit);
  if (k.plus) actions.push_back(KeyAction::ZoomIn);
  if (k.minus) actions.push_back(KeyAction::ZoomOut);
  return actions;
}

const std::vector<const char*>& key_help() {
  static const std::vector<const char*> lines = {
      "Space          play / pause",
      "Right / Left   step to the next / previous event",
      "Shift+Right    step to the next event of the selected task",
      "Shift+Left     step back to the previous event of the selected task",
      "Home / End     jump to the start / end of the trace",
      "F  or Ctrl+0   fit the whole trace",
      "+ / -          zoom in / out at the playhead",
      "Mouse wheel    zoom at the cursor (Shift+wheel pans)",
      "Drag           pan;  Ctrl+drag selects a range to zoom into",
      "Click          select a task or an event;  click the ruler to move the playhead",
      "Ctrl+O         open a .astrace file",
      "Ctrl+S         save the current trace as .astrace",
      "Ctrl+E         export (Perfetto JSON or PNG of the timeline)",
      "F1             this help",
      "(keys are ignored while a text field has focus)",
  };
  return lines;
}

}  // namespace as::viz
