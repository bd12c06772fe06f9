// viz/app/app_window.hpp — the GLFW window, the OpenGL 3.3 context and the ImGui context.
//
// Owns: the platform side of the app — window creation (visible, or hidden for headless
// screenshots), glad loading, ImGui + its GLFW/OpenGL3 backends, the frame boundary, HiDPI
// (content scale → font atlas rebuilt *between* frames), offscreen rendering into an FBO of any
// size, and synthetic input for tests (mouse position/buttons/wheel and keys injected into ImGui's
// IO after the GLFW backend has read the real devices).
//
// Why one class: GLFW, GL and ImGui have strict init/teardown order (window → GL loader → ImGui →
// backends; reverse on exit). Keeping that order in one constructor/destructor pair makes it
// impossible to get wrong from the outside.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "viz/app/fonts.hpp"
#include "viz/app/screenshot.hpp"

struct GLFWwindow;

namespace as::viz {

struct WindowOptions {
  int width = 1500, height = 900;
  bool visible = true;
  std::string title = "asyncscope";
  std::string ini_path;  // imgui.ini location; "" = do not save the layout (headless)
};

// Synthetic input for one frame (tests, headless). Unset fields keep the real device state.
struct InjectedInput {
  std::optional<float> mouse_x, mouse_y;
  std::optional<bool> mouse_down_left;
  float wheel = 0;
  int key_pressed = -1;  // a GLFW key code held down for this frame (-1 = none)
  bool ctrl = false, shift = false;
};

class AppWindow {
 public:
  // create opens the window; on failure returns nullopt and fills error (one line).
  static std::unique_ptr<AppWindow> create(const WindowOptions& options, std::string& error);
  ~AppWindow();
  AppWindow(const AppWindow&) = delete;
  AppWindow& operator=(const AppWindow&) = delete;

  bool should_close() const;
  void request_close();
  // wait_events blocks until input arrives or timeout (idle app: no busy loop); poll_events
  // doesn't.
  void wait_events(double timeout_s);
  void poll_events();

  // set_font_request asks for a font size; the atlas is rebuilt at the next begin_frame (outside
  // a frame). Content-scale changes (moving between monitors) trigger the same rebuild.
  void set_presenter(bool presenter) { presenter_ = presenter; }
  float content_scale() const { return content_scale_; }
  bool has_mono_font() const { return fonts_.has_mono_font(); }

  // One frame: begin_frame → ImGui calls → end_frame. With an offscreen size the frame is laid out
  // for that size and rendered into the offscreen target instead of the window.
  void begin_frame(int offscreen_width = 0, int offscreen_height = 0);
  void end_frame(uint32_t clear_colour);
  // Inject input for the next frame only.
  void inject(const InjectedInput& input) { injected_ = input; }

  // render_offscreen runs `frames` full frames of `draw` at width x height and returns the image.
  Image render_offscreen(int width, int height, int frames, const std::function<void()>& draw,
                         uint32_t clear_colour);

  GLFWwindow* handle() const { return window_; }

 private:
  AppWindow() = default;
  void rebuild_fonts_if_needed();
  void apply_injected_input();

  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false, glfw_backend_ = false, gl_backend_ = false;
  std::string ini_path_;
  FontAtlasBuilder fonts_;
  float content_scale_ = 1.0f;
  float built_scale_ = 0.0f;
  bool presenter_ = false, built_presenter_ = false;
  int offscreen_w_ = 0, offscreen_h_ = 0;
  OffscreenTarget offscreen_;
  std::optional<InjectedInput> injected_;
};

}  // namespace as::viz
