// viz/app/lane_layout.hpp — the timeline's vertical layout: which lane sits at which y.
//
// Owns: rows for the worker lanes, then (optionally) a section gap and the task lanes, with their
// y offsets from the top of the lane area. Lookups both ways (lane → y for drawing arrows between
// lanes that may be scrolled away; y → lane for hit-testing) and the range of rows visible in a
// scrolled viewport, so only visible lanes are queried from the model. Pure: unit-tested.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "viz/model/types.hpp"

namespace as::viz {

struct LaneRow {
  LaneRef lane;
  float y = 0;  // top, from the top of the lane area
  float height = 0;
};

class LaneLayout {
 public:
  // build lays out `workers` worker lanes of worker_height, then, if task_count > 0, a gap of
  // section_gap and `task_count` task lanes of task_height.
  void build(size_t workers, size_t task_count, float worker_height, float task_height,
             float section_gap);
  const std::vector<LaneRow>& rows() const { return rows_; }
  float total_height() const { return total_; }
  // task_section_y is the top of the gap before the task lanes (for the "tasks" header).
  float task_section_y() const { return task_section_y_; }
  // row_of returns the row index of a lane, if laid out.
  std::optional<size_t> row_of(LaneRef lane) const;
  // row_at returns the row covering y (gaps and outside: nullopt).
  std::optional<size_t> row_at(float y) const;
  // visible_rows returns [first, last) of rows intersecting [scroll, scroll + height).
  std::pair<size_t, size_t> visible_rows(float scroll, float height) const;

 private:
  std::vector<LaneRow> rows_;
  size_t workers_ = 0;
  float total_ = 0;
  float task_section_y_ = 0;
};

}  // namespace as::viz
