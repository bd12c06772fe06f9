// viz/app/app.cpp — run_app: the frame loop of the desktop app, and its headless screenshot mode.
// See app.hpp for the contract.
#include "viz/app/app.hpp"

// glad before GLFW.
#include <glad/gl.h>
// (keep this order)
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>
#include <cstdlib>

#include "viz/app/app_ui.hpp"
#include "viz/app/app_window.hpp"
#include "viz/app/lesson_panel.hpp"
#include "viz/app/screenshot.hpp"
#include "viz/app/settings.hpp"

namespace as::viz {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "asyncscope: %s\n", message.c_str());
  return 1;
}

// prepare_content loads what the options ask for into the UI. Returns "" or an error.
std::string prepare_content(AppUi& ui, const AppOptions& o, bool headless) {
  AppState& state = ui.state();
  if (!o.lesson_id.empty()) {
    std::string error;
    if (!ui.open_lesson(o.lessons_dir, o.lesson_id, o.lesson_step, error)) return error;
    if (headless && !state.run_to_end(60.0)) return "the lesson's runs did not finish within 60 s";
    ui.update();
  } else if (!o.open_file.empty()) {
    if (!state.open_file(o.open_file)) return state.error;
  } else if (!o.scenario.empty()) {
    RunChoice c = state.choice;
    c.scenario = o.scenario;
    if (o.model != "go" && o.model != "future")
      return "unknown model '" + o.model + "' (go | future)";
    c.model = o.model == "future" ? scenario::Model::Future : scenario::Model::Goroutine;
    c.options.procs = o.procs;
    c.options.seed = o.seed;
    c.options.executor = o.executor;
    c.options.real = o.real;
    state.choice = c;
    if (!state.run_scenario(c)) return state.error;
    if (headless && !state.run_to_end(60.0)) return "the scenario did not finish within 60 s";
  }
  if (!o.at.empty() && !state.set_at(o.at))
    return "bad --at '" + o.at +
           "': use an event index (42), a time (1.5ms, 200us, 3000ns) or a fraction (60%)";
  if (o.select_task != 0) state.select_task(o.select_task);
  return "";
}

// export_lesson_steps writes DIR/<lesson id>-<step, 2 digits>.png for every step whose window
// the trace reached (steps that were not reached are reported and skipped; exit code 1 then).
int export_lesson_steps(AppWindow& window, AppUi& ui, const AppOptions& o) {
  LessonPanel* lesson = ui.lesson();
  if (lesson == nullptr) return fail("--export needs a lesson (lesson_id)");
  AppState& state = ui.state();
  ui.update();
  const int width = o.width > 0 ? o.width : 1600, height = o.height > 0 ? o.height : 1000;
  int failures = 0;
  for (size_t i = 0; i < lesson->player().step_count(); ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "-%02zu.png", i);
    const std::string path = o.lesson_export_dir + "/" + lesson->lesson().id + name;
    if (!lesson->show_step(state, i)) {
      std::fprintf(stderr, "asyncscope: step %zu of lesson %s was not reached; no %s\n", i,
                   lesson->lesson().id.c_str(), path.c_str());
      ++failures;
      continue;
    }
    const Image image = window.render_offscreen(
        width, height, 3, [&] { ui.draw(); }, state.palette.background);
    if (const std::string e = write_png(path, image); !e.empty()) return fail(e);
    std::printf("wrote %s\n", path.c_str());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

bool display_available() {
  const char* x = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  return (x != nullptr && x[0] != '\0') || (w != nullptr && w[0] != '\0');
}

int run_app(const AppOptions& o) {
  const bool headless = !o.screenshot_out.empty() || !o.lesson_export_dir.empty();
  if (!display_available())
    return fail(headless
                    ? "no X display (DISPLAY is not set): run under xvfb-run -a to take screenshots"
                    : "no X display (DISPLAY is not set): the desktop app needs one");
  Settings settings = headless ? Settings{} : load_settings();
  if (!o.theme.empty()) {
    if (o.theme != "dark" && o.theme != "light")
      return fail("unknown theme '" + o.theme + "' (dark | light)");
    settings.theme = o.theme;
  }
  if (o.presenter) settings.presenter = true;
  if (o.width < 0 || o.height < 0 || o.width > 8192 || o.height > 8192)
    return fail("size must be between 1x1 and 8192x8192");
  const int width = o.width > 0 ? o.width : settings.window_width;
  const int height = o.height > 0 ? o.height : settings.window_height;

  WindowOptions wo;
  wo.width = headless ? 64 : width;
  wo.height = headless ? 64 : height;
  wo.visible = !headless;
  if (!headless) {
    const std::string dir = ensure_config_dir();
    if (!dir.empty()) wo.ini_path = dir + "/imgui.ini";
  }
  std::string error;
  auto window = AppWindow::create(wo, error);
  if (!window) return fail(error);

  AppUi ui(settings);
  window->set_presenter(ui.presenter());
  if (const std::string problem = prepare_content(ui, o, headless); !problem.empty()) {
    if (headless) return fail(problem);
    ui.state().report_error(problem);
  }

  if (headless && !o.lesson_export_dir.empty()) return export_lesson_steps(*window, ui, o);
  if (headless) {
    AppState& state = ui.state();
    if (!state.error.empty()) return fail(state.error);
    // A few frames so auto-sized widgets and the fitted axis settle before the picture is taken.
    const Image image = window->render_offscreen(
        width, height, 4, [&] { ui.draw(); }, state.palette.background);
    if (const std::string e = write_png(o.screenshot_out, image); !e.empty()) return fail(e);
    std::fprintf(stderr, "asyncscope: wrote %s (%dx%d)\n", o.screenshot_out.c_str(), image.width,
                 image.height);
    return 0;
  }

  double last = glfwGetTime();
  while (!window->should_close() && !ui.want_quit()) {
    AppState& state = ui.state();
    const bool busy = state.playing() || state.main.live.active() || state.compare.live.active();
    if (busy)
      window->poll_events();
    else
      window->wait_events(0.25);
    const double now = glfwGetTime();
    state.update(now - last);
    ui.update();
    last = now;
    window->set_presenter(ui.presenter());
    // A PNG export renders the timeline alone at the chosen size, between two normal frames.
    if (auto req = ui.files().png_request) {
      ui.files().png_request.reset();
      const Image image = window->render_offscreen(
          req->width, req->height, 3, [&] { ui.draw(true); }, state.palette.background);
      if (const std::string e = write_png(req->path, image); !e.empty())
        state.report_error(e);
      else
        state.report_status("exported " + req->path);
    }
    window->begin_frame();
    ui.handle_keys();
    ui.draw();
    window->end_frame(state.palette.background);
  }
  ui.state().stop_runs();
  Settings& s = ui.state().settings;
  glfwGetWindowSize(window->handle(), &s.window_width, &s.window_height);
  s.model = ui.state().choice.model == scenario::Model::Future ? "future" : "go";
  s.procs = ui.state().choice.options.procs;
  s.seed = ui.state().choice.options.seed;
  s.executor = ui.state().choice.options.executor;
  s.real = ui.state().choice.options.real;
  save_settings(s);
  return 0;
}

}  // namespace as::viz
