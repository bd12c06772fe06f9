// viz/app/key_actions.hpp — which app action a key press means.
//
// Owns: the keyboard map (Space play/pause, Left/Right step, Shift+Right step the selected task,
// Home/End, Ctrl+O open, Ctrl+S save, Ctrl+E export, F1 help, F/Ctrl+0 fit, +/- zoom) and the rule
// that keys are ignored while a text field has focus (ImGui's io.WantTextInput), so typing a path
// or a seed never steps the trace. Pure logic on a snapshot of key edges: unit-tested without GLFW.
#pragma once

#include <vector>

namespace as::viz {

enum class KeyAction {
  PlayPause,
  StepForward,
  StepBack,
  StepTaskForward,  // next event of the selected task
  StepTaskBack,
  JumpStart,
  JumpEnd,
  Open,
  Save,
  Export,
  Help,
  Fit,
  ZoomIn,
  ZoomOut,
};

// KeyPresses is one frame's key edges (true = pressed this frame, including key repeat) plus the
// modifier and focus state.
struct KeyPresses {
  bool space = false, left = false, right = false, home = false, end = false;
  bool o = false, s = false, e = false, f = false, zero = false, plus = false, minus = false;
  bool f1 = false;
  bool ctrl = false, shift = false, alt = false;
  bool text_input_focused = false;  // io.WantTextInput
};

// decide_key_actions returns the actions for this frame in a fixed order; none while typing.
std::vector<KeyAction> decide_key_actions(const KeyPresses& keys);

// key_help lists "key — what it does" lines for the F1 help window.
const std::vector<const char*>& key_help();

}  // namespace as::viz
