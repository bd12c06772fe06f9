// viz/app/app_window.cpp — see app_window.hpp.
#include "viz/app/app_window.hpp"

// glad must come before GLFW so GLFW does not pull in the system GL header.
#include <glad/gl.h>
// (keep this order)
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>

namespace as::viz {
namespace {

std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
  (void)code;
  g_last_glfw_error = description ? description : "unknown GLFW error";
}

// GLFW is initialised once per process and terminated at exit; several windows (tests) reuse it.
bool init_glfw_once(std::string& error) {
  static bool initialised = false;
  if (initialised) return true;
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    error =
        "cannot open a window: " +
        (g_last_glfw_error.empty() ? std::string("GLFW could not initialise") : g_last_glfw_error);
    return false;
  }
  initialised = true;
  std::atexit(glfwTerminate);
  return true;
}

}  // namespace

std::unique_ptr<AppWindow> AppWindow::create(const WindowOptions& options, std::string& error) {
  if (!init_glfw_once(error)) return nullptr;
  std::unique_ptr<AppWindow> w(new AppWindow());
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, options.visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  g_last_glfw_error.clear();
  w->window_ = glfwCreateWindow(std::max(options.width, 64), std::max(options.height, 64),
                                options.title.c_str(), nullptr, nullptr);
  if (w->window_ == nullptr) {
    error = "cannot create an OpenGL 3.3 window: " +
            (g_last_glfw_error.empty() ? std::string("unknown reason") : g_last_glfw_error);
    return nullptr;
  }
  glfwMakeContextCurrent(w->window_);
  glfwSwapInterval(1);
  if (gladLoadGL(glfwGetProcAddress) == 0) {
    error = "cannot load OpenGL 3.3 functions (glad)";
    return nullptr;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  w->imgui_ready_ = true;
  ImGuiIO& io = ImGui::GetIO();
  w->ini_path_ = options.ini_path;
  io.IniFilename = w->ini_path_.empty() ? nullptr : w->ini_path_.c_str();
  // No keyboard navigation: Space and the arrows belong to the playhead (see key_actions.hpp).
  w->glfw_backend_ = ImGui_ImplGlfw_InitForOpenGL(w->window_, true);
  w->gl_backend_ = ImGui_ImplOpenGL3_Init("#version 330 core");
  if (!w->glfw_backend_ || !w->gl_backend_) {
    error = "cannot initialise the ImGui backends";
    return nullptr;
  }
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(w->window_, &xs, &ys);
  w->content_scale_ = std::isfinite(xs) && xs > 0 ? xs : 1.0f;
  return w;
}

AppWindow::~AppWindow() {
  if (window_ != nullptr) glfwMakeContextCurrent(window_);
  if (gl_backend_) ImGui_ImplOpenGL3_Shutdown();
  if (glfw_backend_) ImGui_ImplGlfw_Shutdown();
  if (imgui_ready_) ImGui::DestroyContext();
  if (window_ != nullptr) glfwDestroyWindow(window_);
}

bool AppWindow::should_close() const {
  return glfwWindowShouldClose(window_) != 0;
}
void AppWindow::request_close() {
  glfwSetWindowShouldClose(window_, GLFW_TRUE);
}
void AppWindow::wait_events(double timeout_s) {
  glfwWaitEventsTimeout(timeout_s);
}
void AppWindow::poll_events() {
  glfwPollEvents();
}

void AppWindow::rebuild_fonts_if_needed() {
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(window_, &xs, &ys);
  if (std::isfinite(xs) && xs > 0) content_scale_ = xs;
  if (built_scale_ == content_scale_ && built_presenter_ == presenter_) return;
  fonts_.rebuild(font_pixel_size(content_scale_, presenter_), content_scale_);
  built_scale_ = content_scale_;
  built_presenter_ = presenter_;
}

void AppWindow::begin_frame(int offscreen_width, int offscreen_height) {
  rebuild_fonts_if_needed();  // outside a frame, as ImGui requires
  offscreen_w_ = offscreen_width;
  offscreen_h_ = offscreen_height;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (offscreen_w_ > 0 && offscreen_h_ > 0) {
    io.DisplaySize = ImVec2(static_cast<float>(offscreen_w_), static_cast<float>(offscreen_h_));
    io.DisplayFramebufferScale = ImVec2(1, 1);
  }
  apply_injected_input();
  ImGui::NewFrame();
}

void AppWindow::apply_injected_input() {
  ImGuiIO& io = ImGui::GetIO();
  static int held_key = -1;  // a key injected last frame is released now (a press lasts one frame)
  if (held_key >= 0) {
    io.KeysDown[held_key] = false;
    io.KeyCtrl = io.KeyShift = false;
    held_key = -1;
  }
  if (!injected_) return;
  const InjectedInput in = *injected_;
  injected_.reset();
  if (in.mouse_x && in.mouse_y) io.MousePos = ImVec2(*in.mouse_x, *in.mouse_y);
  if (in.mouse_down_left) io.MouseDown[0] = *in.mouse_down_left;
  io.MouseWheel += in.wheel;
  if (in.key_pressed >= 0 && in.key_pressed < IM_ARRAYSIZE(io.KeysDown)) {
    io.KeysDown[in.key_pressed] = true;
    io.KeyCtrl = in.ctrl;
    io.KeyShift = in.shift;
    held_key = in.key_pressed;
  }
}

void AppWindow::end_frame(uint32_t clear_colour) {
  ImGui::Render();
  const ImVec4 c = ImGui::ColorConvertU32ToFloat4(clear_colour);
  if (offscreen_w_ > 0 && offscreen_h_ > 0) {
    if (!offscreen_.bind(offscreen_w_, offscreen_h_)) {
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());  // keep ImGui's state consistent
      return;
    }
    glClearColor(c.x, c.y, c.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glFinish();
    OffscreenTarget::unbind();
    return;
  }
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(c.x, c.y, c.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glfwSwapBuffers(window_);
}

Image AppWindow::render_offscreen(int width, int height, int frames,
                                  const std::function<void()>& draw, uint32_t clear_colour) {
  for (int i = 0; i < std::max(frames, 1); ++i) {
    begin_frame(width, height);
    draw();
    end_frame(clear_colour);
  }
  Image img = offscreen_.read();
  offscreen_w_ = offscreen_h_ = 0;
  return img;
}

}  // namespace as::viz
