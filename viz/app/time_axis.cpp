// viz/app/time_axis.cpp — see time_axis.hpp.
#include "viz/app/time_axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace as::viz {

void TimeAxis::fit(double t0, double t1) {
  if (t1 < t0) std::swap(t0, t1);
  const double span = std::max(t1 - t0, 10.0);
  set_range(t0 - span * 0.02, t1 + span * 0.02);
}

void TimeAxis::set_range(double t0, double t1) {
  if (t1 < t0) std::swap(t0, t1);
  ns_per_px_ = std::clamp((t1 - t0) / width_px_, kMinNsPerPx, kMaxNsPerPx);
  start_ = (t0 + t1) / 2 - width_px_ * ns_per_px_ / 2;
}

void TimeAxis::zoom_at(float x, double factor) {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  const double anchor = to_time(x);
  ns_per_px_ = std::clamp(ns_per_px_ * factor, kMinNsPerPx, kMaxNsPerPx);
  start_ = anchor - x * ns_per_px_;
}

void TimeAxis::ensure_visible(double t) {
  const double margin = width_px_ * ns_per_px_ * 0.05;
  if (t < start_ + margin) start_ = t - margin;
  if (t > end() - margin) start_ = t - width_px_ * ns_per_px_ + margin;
}

double nice_step(double raw) {
  if (!(raw > 0)) return 1;
  const double exponent = std::floor(std::log10(raw));
  const double base = std::pow(10.0, exponent);
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * base >= raw * (1 - 1e-9)) return m * base;
  return 10 * base;
}

std::vector<RulerTick> ruler_ticks(const TimeAxis& axis, float min_minor_px, float min_label_px,
                                   double origin) {
  std::vector<RulerTick> ticks;
  // Majors carry labels, so they are spaced for a label; minors subdivide them (1-2-5 steps:
  // a major of 1 or 5 x 10^k splits in 5, a major of 2 x 10^k in 4).
  const double major =
      std::max(1.0, nice_step(std::max(min_label_px, min_minor_px) * axis.ns_per_px()));
  const double mantissa = major / std::pow(10.0, std::floor(std::log10(major)));
  const int parts = std::abs(mantissa - 2.0) < 1e-6 ? 4 : 5;
  double minor = major / parts;
  int per_major = parts;
  if (minor < 1.0 || minor / axis.ns_per_px() < min_minor_px) {
    minor = major;  // too dense to subdivide
    per_major = 1;
  }
  (void)per_major;
  // Step in whole multiples from the origin (no accumulated floating-point drift).
  const double first_k = std::floor((axis.start() - origin) / minor);
  const size_t max_ticks = 4096;
  for (double k = first_k; ticks.size() < max_ticks; k += 1) {
    const double since = k * minor;  // time since the origin
    const double t = origin + since;
    if (t > axis.end()) break;
    RulerTick tick;
    tick.t = t;
    const double r = std::fmod(std::abs(since), major);
    tick.major = r < minor * 0.5 || major - r < minor * 0.5;
    if (tick.major) tick.label = format_time_label(since, major);
    ticks.push_back(std::move(tick));
  }
  return ticks;
}

namespace {
struct Unit {
  double ns;
  const char* name;
};
constexpr Unit kUnits[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "\xC2\xB5s"}, {1, "ns"}};

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

std::string format_duration(double ns) {
  const double mag = std::abs(ns);
  for (const Unit& u : kUnits) {
    if (mag >= u.ns || u.ns == 1) {
      char buf[64];
      const double v = ns / u.ns;
      const double av = std::abs(v);
      std::snprintf(buf, sizeof buf, av >= 100 ? "%.0f" : av >= 10 ? "%.1f" : "%.2f", v);
      return trim_zeros(buf) + " " + u.name;
    }
  }
  return "0 ns";
}

std::string format_time_label(double t_ns, double step_ns) {
  // Choose the unit from the step so every label on the ruler uses the same unit.
  for (const Unit& u : kUnits) {
    if (step_ns >= u.ns || u.ns == 1) {
      const double step_in_unit = step_ns / u.ns;
      int decimals = 0;
      while (decimals < 3 && step_in_unit * std::pow(10.0, decimals) < 0.999) ++decimals;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*f", decimals, t_ns / u.ns);
      std::string s = buf;
      if (s == "-0") s = "0";
      return s + " " + u.name;
    }
  }
  return "0";
}

std::optional<int64_t> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%lf%n", &value, &consumed) != 1 || consumed <= 0)
    return std::nullopt;
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  std::string unit = text.substr(static_cast<size_t>(consumed));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double scale = 0;
  if (unit.empty() || unit == "ns")
    scale = 1;
  else if (unit == "us" || unit == "\xC2\xB5s")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else
    return std::nullopt;
  const double ns = value * scale;
  if (ns > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(ns));
}

}  // namespace as::viz
