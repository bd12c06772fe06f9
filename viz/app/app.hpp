// viz/app/app.hpp — the one entry point of the desktop app, used by the CLI (`asyncscope`,
// `asyncscope shot`, `asyncscope open`) and by the lessons CLI (`asyncscope lesson ID [--export
// DIR]`).
//
// Owns: nothing but the options. run_app() creates the GLFW window, the ImGui context and every
// view, runs the frame loop until the window closes (or, headless, until the screenshots are
// written) and tears everything down again.
//
// Headless use: set `screenshot_out` (one PNG) or `lesson_export_dir` (one PNG per lesson step).
// The real UI is rendered into a hidden GLFW window on whatever X server DISPLAY names
// (xvfb-run on servers), read back with glReadPixels and written with stb_image_write.
// Errors (no display, unreadable trace, unknown scenario) are reported as one line
// "asyncscope: ..." on stderr and a non-zero return — never an abort.
#pragma once

#include <cstdint>
#include <string>

namespace as::viz {

struct AppOptions {
  // What to show at start (all optional; the app opens on the scenario browser otherwise).
  std::string open_file;           // a .astrace file to open
  std::string scenario;            // a scenario id to run (scenarios/scenario.hpp)
  std::string model = "go";        // "go" | "future": which model's scenario
  int procs = 2;                   // workers (GOMAXPROCS / executor threads)
  uint64_t seed = 1;               // sim seed
  std::string executor = "multi";  // futures: "current" | "multi"
  bool real = false;               // real OS threads instead of the deterministic simulation
  std::string lesson_id;           // open the lesson panel at this lesson (lessons/player.hpp)
  int lesson_step = 0;             // ...at this step (0-based)
  std::string lessons_dir;         // lesson folders ("" = lessons::find_lessons_dir default search)

  // Look.
  std::string theme;          // "dark" | "light" | "" = the saved setting
  bool presenter = false;     // larger text for projectors
  int width = 0, height = 0;  // window (or screenshot) size in pixels; 0 = saved/default

  // Playhead at start: "" = end of trace, "N" = after event N (0-based index),
  // "1.5ms" / "200us" / "3000ns" / "2s" = at that trace time,
  // "60%" = at that fraction of the trace.
  std::string at;
  uint32_t select_task = 0;  // task id to select (inspector) at start; 0 = none

  // Headless outputs (either one makes run_app render offscreen and return when done).
  std::string screenshot_out;     // write one PNG of the whole window
  std::string lesson_export_dir;  // write DIR/<lesson>-<step>.png for every step of lesson_id
};

// run_app runs the app with these options and returns a process exit code (0 = ok).
int run_app(const AppOptions& options);

// display_available is true when an X/Wayland display is named in the environment
// (the app can open a window). Used by the CLI to decide between GUI and headless behaviour.
bool display_available();

}  // namespace as::viz
