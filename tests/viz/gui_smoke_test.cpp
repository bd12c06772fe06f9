// tests/viz/gui_smoke_test.cpp — the real app in a hidden window (needs an X server: CI runs
// ctest inside xvfb-run). Runs a scenario live on the simulation, steps it through ImGui's IO
// (the Right key), lets it finish, scrubs back (Home key and the ruler), clicks a task lane with
// injected mouse events, opens a corrupt file (error shown, app alive), and checks the rendered
// picture is not blank (pixel statistics).
#include <catch2/catch.hpp>

#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "scenarios/scenario.hpp"
#include "viz/app/app_ui.hpp"
#include "viz/app/app_window.hpp"
#include "viz/app/lesson_panel.hpp"
#include "viz/app/screenshot.hpp"

using namespace as::viz;

namespace {

constexpr int kW = 1400, kH = 900;

bool have_display() {
  const char* d = std::getenv("DISPLAY");
  return d != nullptr && d[0] != '\0';
}

struct Harness {
  std::unique_ptr<AppWindow> window;
  std::unique_ptr<AppUi> ui;

  Harness() {
    WindowOptions wo;
    wo.visible = false;
    wo.width = 64;
    wo.height = 64;
    std::string error;
    window = AppWindow::create(wo, error);
    INFO(error);
    REQUIRE(window);
    ui = std::make_unique<AppUi>(Settings{});
  }
  ~Harness() {
    if (ui) ui->state().stop_runs();
    ui.reset();
  }
  AppState& state() { return ui->state(); }

  void frame(const InjectedInput* input = nullptr) {
    state().update(1.0 / 60);
    if (input) window->inject(*input);
    window->begin_frame(kW, kH);
    ui->handle_keys();
    ui->draw();
    window->end_frame(state().palette.background);
  }
  void press_key(int key, bool shift = false) {
    InjectedInput in;
    in.key_pressed = key;
    in.shift = shift;
    frame(&in);
    frame();
  }
  void click(float x, float y) {
    InjectedInput hover, down, up;
    hover.mouse_x = down.mouse_x = up.mouse_x = x;
    hover.mouse_y = down.mouse_y = up.mouse_y = y;
    hover.mouse_down_left = false;
    down.mouse_down_left = true;
    up.mouse_down_left = false;
    frame(&hover);
    frame(&down);
    frame(&up);
  }
  // frames_until runs frames until pred() or the timeout; returns pred().
  template <class Pred>
  bool frames_until(Pred pred, double seconds = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!pred() && std::chrono::steady_clock::now() < end) {
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return pred();
  }
};

const as::scenario::Scenario* pick_go_scenario() {
  if (auto* s = as::scenario::find("pingpong", as::scenario::Model::Goroutine)) return s;
  for (const auto& s : as::scenario::all())
    if (s.model == as::scenario::Model::Goroutine) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("app runs a scenario live, steps, scrubs back, selects by click, renders",
          "[gui][smoke]") {
  if (!have_display()) {
    WARN("skipped: DISPLAY is not set (run the GUI tests under xvfb-run -a)");
    return;
  }
  Harness h;
  AppState& s = h.state();
  h.frame();

  const as::scenario::Scenario* scen = pick_go_scenario();
  if (scen != nullptr) {
    RunChoice c;
    c.scenario = scen->id;
    c.model = scen->model;
    c.options.procs = 2;
    c.options.seed = 1;
    REQUIRE(s.run_scenario(c));
    s.set_playing(false);  // the simulation waits for steps
    h.frame();
    // Each Right press moves the playhead one event; at the live end it first asks the
    // simulation to run until it records something, so the model grows while stepping.
    // (Setup events recorded before the first scheduling step may arrive without a step.)
    for (int i = 0; i < 20; ++i) {
      h.frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    int growths = 0;
    for (int i = 0; i < 40; ++i) {
      const EventIndex was = s.playhead();
      const size_t had = s.main.model.event_count();
      h.press_key(GLFW_KEY_RIGHT);
      const EventIndex want = was == kNoEvent ? 0 : was + 1;
      const bool moved =
          h.frames_until([&] { return s.playhead() == want || !s.main.live.active(); });
      CHECK(moved);
      CHECK(s.playhead() == want);
      if (s.main.model.event_count() > had) ++growths;
    }
    CHECK(growths >= 2);
    CHECK(s.main.model.event_count() > 0);
    const EventIndex stepped_to = s.playhead();
    CHECK(stepped_to != kNoEvent);
    REQUIRE(s.run_to_end(60));
  } else {
    WARN("no goroutine scenario is registered yet: using a synthetic trace");
    s.load_synthetic(as::trace::ModelKind::Goroutine, 3000, 1);
  }
  const size_t n = s.main.model.event_count();
  REQUIRE(n > 10);
  h.frame();
  h.frame();

  // Scrub back: Home goes to the first event; Right steps within the recorded past.
  h.press_key(GLFW_KEY_END);
  CHECK(s.playhead() == n - 1);
  h.press_key(GLFW_KEY_HOME);
  CHECK(s.playhead() == 0);
  h.press_key(GLFW_KEY_RIGHT);
  CHECK(s.playhead() == 1);
  h.press_key(GLFW_KEY_LEFT);
  CHECK(s.playhead() == 0);
  CHECK(s.main.model.event_count() == n);  // stepping back re-ran nothing

  // Scrub with the mouse on the ruler: click in the middle of the visible time range.
  const auto& g = h.ui->timeline().geometry();
  REQUIRE(g.lanes_x1 > g.lanes_x0);
  h.click((g.lanes_x0 + g.lanes_x1) / 2, (g.ruler_y0 + g.lanes_y0) / 2);
  CHECK(s.playhead() != 0);
  const auto mid_state = s.state_at_playhead();
  CHECK(mid_state.event == s.playhead());

  // Click a task lane's label column: that task becomes the selection (inspector shows it).
  REQUIRE(!s.main.model.tasks().empty());
  const auto y = h.ui->timeline().lane_center_y({LaneKind::Task, 0});
  REQUIRE(y);
  if (*y < g.lanes_y1) {
    h.click(g.lanes_x0 - 20, *y);
    CHECK(s.selection.task == s.main.model.tasks()[0].id);
  }
  // Shift+Right steps to the selected task's next event.
  if (s.selection.task != 0) {
    h.press_key(GLFW_KEY_HOME);
    h.press_key(GLFW_KEY_RIGHT, /*shift=*/true);
    REQUIRE(s.playhead() != kNoEvent);
    CHECK(s.main.model.event(s.playhead()).task == s.selection.task);
  }

  // The picture is not blank: many colours, lots of non-background pixels.
  const Image img = h.window->render_offscreen(
      kW, kH, 2, [&] { h.ui->draw(); }, s.palette.background);
  REQUIRE(img.width == kW);
  const PixelStats stats = pixel_stats(img);
  INFO("distinct colours " << stats.distinct_colours << ", non-background "
                           << stats.non_background_fraction);
  CHECK(stats.distinct_colours >= 20);
  CHECK(stats.non_background_fraction > 0.15);
  const std::string out = std::string(ASYNCSCOPE_BINARY_DIR) + "/gui-smoke.png";
  CHECK(write_png(out, img).empty());
}

TEST_CASE("a corrupt trace file shows an error and the app keeps running", "[gui][smoke]") {
  if (!have_display()) {
    WARN("skipped: DISPLAY is not set (run the GUI tests under xvfb-run -a)");
    return;
  }
  Harness h;
  AppState& s = h.state();
  s.load_synthetic(as::trace::ModelKind::Future, 2000, 3);
  const size_t n = s.main.model.event_count();
  const std::string bad = std::string(ASYNCSCOPE_BINARY_DIR) + "/gui-corrupt.astrace";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "ASTRACE\x01 this is not really a trace" << std::string(100, '\xff');
  }
  CHECK_FALSE(s.open_file(bad));
  CHECK_FALSE(s.error.empty());
  CHECK(s.main.model.event_count() == n);  // the shown trace is untouched
  CHECK_FALSE(s.open_file(std::string(ASYNCSCOPE_BINARY_DIR) + "/no-such-file.astrace"));
  h.frame();
  h.frame();
  // Save + reopen round trip through the app's actions.
  const std::string good = std::string(ASYNCSCOPE_BINARY_DIR) + "/gui-roundtrip.astrace";
  REQUIRE(s.save_file(good));
  REQUIRE(s.open_file(good));
  CHECK(s.main.model.event_count() == n);
  h.frame();
  const PixelStats stats = pixel_stats(h.window->render_offscreen(
      kW, kH, 2, [&] { h.ui->draw(); }, s.palette.background));
  CHECK(stats.distinct_colours >= 20);
}

TEST_CASE("light theme and slide mode render too", "[gui][smoke]") {
  if (!have_display()) {
    WARN("skipped: DISPLAY is not set (run the GUI tests under xvfb-run -a)");
    return;
  }
  Harness h;
  AppState& s = h.state();
  s.set_theme(ThemeKind::Light);
  s.load_synthetic(as::trace::ModelKind::Goroutine, 2000, 5);
  h.frame();
  const Image img = h.window->render_offscreen(
      1280, 720, 3, [&] { h.ui->draw(true); }, s.palette.background);
  REQUIRE(img.width == 1280);
  REQUIRE(img.height == 720);
  // Light theme: the most common colour is near-white.
  size_t white = 0;
  for (size_t i = 0; i < img.rgba.size(); i += 4)
    if (img.rgba[i] > 230 && img.rgba[i + 1] > 230 && img.rgba[i + 2] > 230) ++white;
  CHECK(white > img.rgba.size() / 4 / 4);
  CHECK(pixel_stats(img).distinct_colours >= 10);
}

TEST_CASE("a lesson opens in the sidebar and its steps move the playhead", "[gui][smoke][lesson]") {
  if (!have_display()) {
    WARN("skipped: DISPLAY is not set (run the GUI tests under xvfb-run -a)");
    return;
  }
  Harness h;
  AppState& s = h.state();
  std::string error;
  if (!h.ui->open_lesson(std::string(ASYNCSCOPE_SOURCE_DIR) + "/lessons", "4", 0, error)) {
    WARN("lesson 4 could not be opened: " << error);
    return;
  }
  REQUIRE(h.ui->lesson() != nullptr);
  REQUIRE(s.run_to_end(60));
  h.ui->update();
  h.frame();
  auto& player = h.ui->lesson()->player();
  REQUIRE(player.step_count() > 1);
  size_t shown = 0;
  for (size_t i = 0; i < player.step_count(); ++i) {
    if (!h.ui->lesson()->show_step(s, i)) continue;
    ++shown;
    h.frame();
    const auto& o = player.outcome(i);
    if (o.state == as::lessons::StepOutcome::State::Reached &&
        o.side == player.lesson().runs.front().side && o.end > 0)
      CHECK(s.playhead() == o.end - 1);  // the playhead sits on the event that ended the step
  }
  CHECK(shown == player.step_count());
  const PixelStats stats = pixel_stats(h.window->render_offscreen(
      kW, kH, 2, [&] { h.ui->draw(); }, s.palette.background));
  CHECK(stats.distinct_colours >= 20);
}
