// viz/app/timeline_view.hpp — the timeline: worker lanes, task lanes, markers, wakeup arrows,
// ruler and playhead, with zoom (wheel, Ctrl-drag a range), pan (drag), hover tooltips and
// click-to-select.
//
// Owns: per-view scratch (the frame's draw list from the model, the lane layout, the vertical
// scroll, drag state). The horizontal TimeAxis lives in AppState so a comparison's two timelines
// share it. Everything drawn comes from TraceModel::build_frame() for the *visible* lanes and
// time window only, with spans narrower than ~3 px folded — so the cost of a frame depends on the
// window size, not on the trace size.
//
// Geometry: [label column | lane area]; the ruler sits above the lane area; worker lanes first,
// then a "tasks" header and one lane per task. Arrows go from the cause (the waking task's lane,
// or the worker/timer that woke it) at the wake time to the woken task's lane where it next ran.
#pragma once

#include <vector>

#include "viz/app/app_state.hpp"
#include "viz/app/lane_layout.hpp"

struct ImDrawList;

namespace as::viz {

class TimelineView {
 public:
  // draw fills a region of `width` x `height` pixels at the current ImGui cursor. `is_compare`
  // selects the compare run's selection semantics and hides the playhead scrubbing.
  void draw(AppState& state, Shown& shown, bool is_compare, float width, float height);

  // Geometry of the last frame (tests click on lanes through ImGui IO with these).
  struct Geometry {
    float lanes_x0 = 0, lanes_y0 = 0, lanes_x1 = 0, lanes_y1 = 0, ruler_y0 = 0;
  };
  const Geometry& geometry() const { return geom_; }
  // lane_center_y returns the screen y of a lane's centre in the last frame (nullopt if hidden).
  std::optional<float> lane_center_y(LaneRef lane) const;
  float scroll() const { return scroll_y_; }

 private:
  void handle_input(AppState& state, Shown& shown, bool is_compare, const ViewWindow& view);
  void draw_ruler(AppState& state, ImDrawList* dl, bool is_compare);
  void draw_lanes(AppState& state, Shown& shown, bool is_compare, ImDrawList* dl);
  void draw_edges(AppState& state, Shown& shown, bool is_compare, ImDrawList* dl);
  void draw_section_header(AppState& state, Shown& shown, ImDrawList* dl);
  void draw_tooltip(AppState& state, Shown& shown, const ViewWindow& view);

  LaneLayout layout_;
  std::vector<LaneRef> visible_;
  FrameDraw frame_;
  Geometry geom_;
  float label_w_ = 0;
  float scroll_y_ = 0;
  float drag_distance_ = 0;
  bool range_dragging_ = false;
  float range_x0_ = 0;
  bool ruler_scrubbing_ = false;
};

}  // namespace as::viz
