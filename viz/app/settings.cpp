// viz/app/settings.cpp — see settings.hpp.
#include "viz/app/settings.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace as::viz {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

template <class Int>
bool parse_int(const std::string& v, Int lo, Int hi, Int& out) {
  Int x{};
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi) return false;
  out = x;
  return true;
}

bool parse_bool(const std::string& v, bool& out) {
  if (v == "1" || v == "true" || v == "yes") return out = true, true;
  if (v == "0" || v == "false" || v == "no") return out = false, true;
  return false;
}

bool make_dir(const std::string& p) {
  return mkdir(p.c_str(), 0755) == 0 || errno == EEXIST;
}

}  // namespace

std::string config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/asyncscope";
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return std::string(home) + "/.config/asyncscope";
  return "";
}

std::string ensure_config_dir() {
  const std::string dir = config_dir();
  if (dir.empty()) return "";
  // Create each missing component (~/.config may not exist on a fresh account).
  for (size_t pos = 1; (pos = dir.find('/', pos)) != std::string::npos; ++pos)
    if (!make_dir(dir.substr(0, pos))) return "";
  return make_dir(dir) ? dir : "";
}

Settings parse_settings(const std::string& text) {
  Settings s;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (key == "theme" && (value == "dark" || value == "light"))
      s.theme = value;
    else if (key == "presenter")
      parse_bool(value, s.presenter);
    else if (key == "window_width")
      parse_int(value, 320, 16384, s.window_width);
    else if (key == "window_height")
      parse_int(value, 240, 16384, s.window_height);
    else if (key == "last_directory" && value.size() < 4096)
      s.last_directory = value;
    else if (key == "model" && (value == "go" || value == "future"))
      s.model = value;
    else if (key == "procs")
      parse_int(value, 1, 64, s.procs);
    else if (key == "seed")
      parse_int<uint64_t>(value, 0, UINT64_MAX, s.seed);
    else if (key == "executor" && (value == "current" || value == "multi"))
      s.executor = value;
    else if (key == "real")
      parse_bool(value, s.real);
    else if (key == "speed_events_per_s")
      parse_int(value, 1, 1000000, s.speed_events_per_s);
    else if (key == "show_wake_arrows")
      parse_bool(value, s.show_wake_arrows);
    else if (key == "show_task_lanes")
      parse_bool(value, s.show_task_lanes);
  }
  return s;
}

std::string format_settings(const Settings& s) {
  std::ostringstream out;
  out << "# asyncscope settings (written by the app; unknown or bad lines are ignored)\n"
      << "theme = " << s.theme << "\n"
      << "presenter = " << (s.presenter ? 1 : 0) << "\n"
      << "window_width = " << s.window_width << "\n"
      << "window_height = " << s.window_height << "\n"
      << "last_directory = " << s.last_directory << "\n"
      << "model = " << s.model << "\n"
      << "procs = " << s.procs << "\n"
      << "seed = " << s.seed << "\n"
      << "executor = " << s.executor << "\n"
      << "real = " << (s.real ? 1 : 0) << "\n"
      << "speed_events_per_s = " << s.speed_events_per_s << "\n"
      << "show_wake_arrows = " << (s.show_wake_arrows ? 1 : 0) << "\n"
      << "show_task_lanes = " << (s.show_task_lanes ? 1 : 0) << "\n";
  return out.str();
}

Settings load_settings() {
  const std::string dir = config_dir();
  if (dir.empty()) return {};
  std::ifstream in(dir + "/settings.ini");
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return parse_settings(text.str());
}

bool save_settings(const Settings& s) {
  const std::string dir = ensure_config_dir();
  if (dir.empty()) return false;
  const std::string path = dir + "/settings.ini", tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << format_settings(s))) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace as::viz
