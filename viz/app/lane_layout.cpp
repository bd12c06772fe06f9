// viz/app/lane_layout.cpp — see lane_layout.hpp.
#include "viz/app/lane_layout.hpp"

#include <algorithm>

namespace as::viz {

void LaneLayout::build(size_t workers, size_t task_count, float worker_height, float task_height,
                       float section_gap) {
  rows_.clear();
  rows_.reserve(workers + task_count);
  workers_ = workers;
  float y = 0;
  for (size_t i = 0; i < workers; ++i) {
    rows_.push_back({LaneRef{LaneKind::Worker, static_cast<uint32_t>(i)}, y, worker_height});
    y += worker_height;
  }
  task_section_y_ = y;
  if (task_count > 0) {
    y += section_gap;
    for (size_t i = 0; i < task_count; ++i) {
      rows_.push_back({LaneRef{LaneKind::Task, static_cast<uint32_t>(i)}, y, task_height});
      y += task_height;
    }
  }
  total_ = y;
}

std::optional<size_t> LaneLayout::row_of(LaneRef lane) const {
  const size_t row = lane.kind == LaneKind::Worker ? lane.index : workers_ + lane.index;
  if (lane.kind == LaneKind::Worker && lane.index >= workers_) return std::nullopt;
  if (row >= rows_.size()) return std::nullopt;
  return row;
}

std::optional<size_t> LaneLayout::row_at(float y) const {
  auto it = std::upper_bound(rows_.begin(), rows_.end(), y,
                             [](float v, const LaneRow& r) { return v < r.y; });
  if (it == rows_.begin()) return std::nullopt;
  --it;
  if (y >= it->y + it->height) return std::nullopt;
  return static_cast<size_t>(it - rows_.begin());
}

std::pair<size_t, size_t> LaneLayout::visible_rows(float scroll, float height) const {
  auto first = std::upper_bound(rows_.begin(), rows_.end(), scroll,
                                [](float v, const LaneRow& r) { return v < r.y + r.height; });
  auto last = std::lower_bound(rows_.begin(), rows_.end(), scroll + height,
                               [](const LaneRow& r, float v) { return r.y < v; });
  const auto f = static_cast<size_t>(first - rows_.begin());
  const auto l = static_cast<size_t>(last - rows_.begin());
  return {f, std::max(f, l)};
}

}  // namespace as::viz
