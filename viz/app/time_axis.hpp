// viz/app/time_axis.hpp — the timeline's horizontal axis: trace time <-> screen x, zoom, pan, fit,
// and the ruler's tick marks and labels (ns / µs / ms / s).
//
// Owns: one visible time window [start, start + width_px * ns_per_px). Invariants: ns_per_px is
// clamped to [kMinNsPerPx, kMaxNsPerPx] so zooming can neither divide by zero nor lose precision;
// zooming keeps the time under the cursor fixed (as every timeline tool does).
// Pure maths, no ImGui: unit-tested without a window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace as::viz {

class TimeAxis {
 public:
  static constexpr double kMinNsPerPx = 0.02;  // 50 px per ns: enough to separate sim events
  static constexpr double kMaxNsPerPx = 1e10;  // 10 s per px

  // set_width tells the axis how many pixels the lane area has (x measured from its left edge).
  void set_width(float width_px) { width_px_ = width_px > 1.0f ? width_px : 1.0f; }
  float width() const { return width_px_; }
  double start() const { return start_; }
  double ns_per_px() const { return ns_per_px_; }
  double end() const { return start_ + width_px_ * ns_per_px_; }

  float to_x(double t) const { return static_cast<float>((t - start_) / ns_per_px_); }
  double to_time(float x) const { return start_ + x * ns_per_px_; }

  // fit shows [t0, t1] with a small margin on both sides.
  void fit(double t0, double t1);
  // set_range shows exactly [t0, t1] (Ctrl-drag range zoom).
  void set_range(double t0, double t1);
  // zoom_at multiplies the scale by `factor` (<1 zooms in) keeping the time at x fixed.
  void zoom_at(float x, double factor);
  // pan_px moves the view by dx pixels (positive dx moves content right = earlier times).
  void pan_px(float dx) { start_ -= dx * ns_per_px_; }
  // center_on puts t at the middle of the view without changing the scale.
  void center_on(double t) { start_ = t - width_px_ * ns_per_px_ / 2; }
  // ensure_visible scrolls so t is inside the view (with a margin), for a following playhead.
  void ensure_visible(double t);

 private:
  double start_ = 0;
  double ns_per_px_ = 1000;
  float width_px_ = 1000;
};

struct RulerTick {
  double t = 0;
  bool major = false;
  std::string label;  // only on major ticks
};

// ruler_ticks returns labelled major ticks at least min_label_px apart (1-2-5 steps) and minor
// ticks subdividing them, at least min_minor_px apart, covering the visible range. Ticks sit on
// round multiples of their step counted from `origin` (the trace's first event), and labels say
// the time since it: a real-thread trace's clock reads ~10^16 ns, and "32200212200 µs" on a ruler
// tells nobody anything (the transport's t= counts from the same origin).
std::vector<RulerTick> ruler_ticks(const TimeAxis& axis, float min_minor_px = 8.0f,
                                   float min_label_px = 90.0f, double origin = 0);

// nice_step returns the smallest 1-2-5 x 10^k value >= raw (raw > 0).
double nice_step(double raw);

// format_duration prints ns with a unit that keeps 1-4 significant digits: "350 ns", "1.5 µs",
// "12 ms", "2.25 s". (µ is U+00B5, in every font the app loads.)
std::string format_duration(double ns);
// format_time_label prints a tick label with just enough decimals for `step_ns`.
std::string format_time_label(double t_ns, double step_ns);

// parse_duration reads "1500", "1500ns", "1.5us", "1.5µs", "2ms", "0.5s" into ns.
std::optional<int64_t> parse_duration(const std::string& text);

}  // namespace as::viz
