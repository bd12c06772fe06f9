// viz/app/settings.hpp — the app's persistent settings and where they live.
//
// Owns: the Settings record and its file format. Files live under $XDG_CONFIG_HOME/asyncscope/
// (fallback ~/.config/asyncscope/): settings.ini (this record, "key = value" lines) and imgui.ini
// (window layout, written by ImGui itself). Unknown keys and malformed lines are ignored, values
// are range-checked: a hand-edited or corrupt file can never break start-up.
#pragma once

#include <cstdint>
#include <string>

namespace as::viz {

struct Settings {
  std::string theme = "dark";  // "dark" | "light"
  bool presenter = false;      // larger text
  int window_width = 1500, window_height = 900;
  std::string last_directory;  // for the in-app path field and file dialogs
  std::string model = "go";    // scenario browser defaults
  int procs = 2;
  uint64_t seed = 1;
  std::string executor = "multi";
  bool real = false;
  int speed_events_per_s = 200;  // playback speed
  bool show_wake_arrows = true;
  bool show_task_lanes = true;
};

// config_dir returns $XDG_CONFIG_HOME/asyncscope or ~/.config/asyncscope ("" if neither is known).
std::string config_dir();
// ensure_config_dir creates config_dir() if needed; returns it, or "" on failure.
std::string ensure_config_dir();

// parse_settings reads the "key = value" text; bad lines and values keep the defaults.
Settings parse_settings(const std::string& text);
std::string format_settings(const Settings& s);

// load_settings / save_settings use config_dir()/settings.ini. save returns false on I/O failure.
Settings load_settings();
bool save_settings(const Settings& s);

}  // namespace as::viz
