// viz/app/timeline_view.cpp — see timeline_view.hpp.
#include "viz/app/timeline_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/app/event_text.hpp"
#include "viz/app/state_colours.hpp"

namespace as::viz {
namespace {

ImVec2 v2(float x, float y) {
  return ImVec2(x, y);
}

// Draws text clipped to [x0, x1] only if it fits (spans too narrow for a label stay clean).
void text_if_fits(ImDrawList* dl, float x0, float x1, float y, uint32_t colour,
                  const std::string& s) {
  const ImVec2 size = ImGui::CalcTextSize(s.c_str());
  if (size.x + 6 > x1 - x0) return;
  dl->AddText(v2(x0 + 3, y), colour, s.c_str());
}

void arrow_head(ImDrawList* dl, ImVec2 tip, ImVec2 from, uint32_t colour, float size) {
  float dx = tip.x - from.x, dy = tip.y - from.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-3f) {
    dx = 0;
    dy = 1;
  } else {
    dx /= len;
    dy /= len;
  }
  const ImVec2 base(tip.x - dx * size, tip.y - dy * size);
  dl->AddTriangleFilled(tip, v2(base.x - dy * size * 0.5f, base.y + dx * size * 0.5f),
                        v2(base.x + dy * size * 0.5f, base.y - dx * size * 0.5f), colour);
}

}  // namespace

std::optional<float> TimelineView::lane_center_y(LaneRef lane) const {
  auto row = layout_.row_of(lane);
  if (!row) return std::nullopt;
  const LaneRow& r = layout_.rows()[*row];
  return geom_.lanes_y0 + r.y - scroll_y_ + r.height / 2;
}

void TimelineView::draw(AppState& state, Shown& shown, bool is_compare, float width, float height) {
  const TraceModel& model = shown.model;
  const float font = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  width = std::max(width, 100.0f);
  height = std::max(height, 60.0f);
  label_w_ = std::min(std::max(font * 9.0f, 110.0f), width * 0.3f);
  const float ruler_h = font + 10;
  geom_.ruler_y0 = origin.y;
  geom_.lanes_x0 = origin.x + label_w_;
  geom_.lanes_x1 = origin.x + width;
  geom_.lanes_y0 = origin.y + ruler_h;
  geom_.lanes_y1 = origin.y + height;
  state.axis.set_width(geom_.lanes_x1 - geom_.lanes_x0);
  if (!is_compare && state.fit_pending && model.event_count() > 0) {
    state.fit_all();
    state.fit_pending = false;
  }

  const bool show_tasks = state.settings.show_task_lanes;
  const float lanes_h = geom_.lanes_y1 - geom_.lanes_y0;
  const size_t task_lanes = show_tasks ? model.tasks().size() : 0;
  layout_.build(model.workers().size(), task_lanes, font * 1.7f, font * 1.25f, font * 1.5f);
  // Few lanes: make them taller (up to 2x) so a small program fills the view readably.
  if (layout_.total_height() > 0 && layout_.total_height() < lanes_h) {
    const float grow = std::min(2.0f, lanes_h / layout_.total_height());
    layout_.build(model.workers().size(), task_lanes, font * 1.7f * grow, font * 1.25f * grow,
                  font * 1.5f);
  }
  scroll_y_ = std::clamp(scroll_y_, 0.0f, std::max(0.0f, layout_.total_height() - lanes_h));

  // The model's view window is the axis's, in whole ns.
  const ViewWindow view = ViewWindow::for_width(static_cast<Time>(std::floor(state.axis.start())),
                                                static_cast<Time>(std::ceil(state.axis.end())),
                                                geom_.lanes_x1 - geom_.lanes_x0, 3.0);

  const auto [first, last] = layout_.visible_rows(scroll_y_, lanes_h);
  visible_.clear();
  for (size_t r = first; r < last; ++r) visible_.push_back(layout_.rows()[r].lane);
  frame_.clear();
  if (model.event_count() > 0) model.build_frame(view, visible_, frame_, 1500);

  ImGui::InvisibleButton(is_compare ? "##timeline_b" : "##timeline_a", v2(width, height),
                         ImGuiButtonFlags_MouseButtonLeft);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(origin, v2(origin.x + width, origin.y + height), state.palette.background);

  if (model.event_count() == 0) {
    const char* msg = shown.live.active()
                          ? "waiting for the first events..."
                          : "No trace yet: pick a scenario and press Run, or open a "
                            ".astrace file (Ctrl+O).";
    dl->AddText(v2(origin.x + 20, origin.y + ruler_h + 20), state.palette.text_dim, msg);
    return;
  }

  draw_lanes(state, shown, is_compare, dl);
  if (state.settings.show_wake_arrows) draw_edges(state, shown, is_compare, dl);
  draw_section_header(state, shown, dl);
  draw_ruler(state, dl, is_compare);
  handle_input(state, shown, is_compare, view);
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive()) draw_tooltip(state, shown, view);
}

void TimelineView::draw_ruler(AppState& state, ImDrawList* dl, bool is_compare) {
  const Palette& p = state.palette;
  const float x0 = geom_.lanes_x0, x1 = geom_.lanes_x1, y0 = geom_.ruler_y0, y1 = geom_.lanes_y0;
  dl->AddRectFilled(v2(x0 - label_w_, y0), v2(x1, y1), p.lane_label);
  dl->PushClipRect(v2(x0, y0), v2(x1, y1), true);
  for (const RulerTick& tick : ruler_ticks(state.axis, 8.0f, ImGui::GetFontSize() * 6,
                                           static_cast<double>(state.main.model.begin_time()))) {
    const float x = x0 + state.axis.to_x(tick.t);
    dl->AddLine(v2(x, y1 - (tick.major ? 8.0f : 4.0f)), v2(x, y1),
                tick.major ? p.grid_major : p.grid);
    if (tick.major) dl->AddText(v2(x + 3, y0 + 3), p.text_dim, tick.label.c_str());
  }
  dl->PopClipRect();
  const char* axis_name = is_compare ? "B" : "time";
  dl->AddText(v2(x0 - label_w_ + 6, y0 + 3), p.text_dim, axis_name);
  // Playhead marker on the ruler (main timeline only: the compare run has its own events).
  if (!is_compare && state.main.model.event_count() > 0) {
    const float x = x0 + state.axis.to_x(static_cast<double>(state.playhead_time()));
    if (x >= x0 && x <= x1)
      dl->AddTriangleFilled(v2(x - 6, y0 + 2), v2(x + 6, y0 + 2), v2(x, y1 - 1), p.playhead);
  }
}

void TimelineView::draw_lanes(AppState& state, Shown& shown, bool is_compare, ImDrawList* dl) {
  const TraceModel& model = shown.model;
  const Palette& p = state.palette;
  const float x0 = geom_.lanes_x0, x1 = geom_.lanes_x1;
  const float top = geom_.lanes_y0, bottom = geom_.lanes_y1;
  const bool selection_here = state.selection.in_compare == is_compare;
  const TaskId selected = selection_here ? state.selection.task : 0;
  const float font = ImGui::GetFontSize();

  // Vertical grid lines under everything.
  dl->PushClipRect(v2(x0 - label_w_, top), v2(x1, bottom), true);
  for (size_t k = 0; k < visible_.size(); ++k) {
    const LaneRow& row = layout_.rows()[*layout_.row_of(visible_[k])];
    const float y = top + row.y - scroll_y_;
    dl->AddRectFilled(v2(x0, y), v2(x1, y + row.height), (k % 2) ? p.lane_odd : p.lane_even);
  }
  for (const RulerTick& tick : ruler_ticks(state.axis, 8.0f, ImGui::GetFontSize() * 6,
                                           static_cast<double>(state.main.model.begin_time()))) {
    if (!tick.major) continue;
    const float x = x0 + state.axis.to_x(tick.t);
    dl->AddLine(v2(x, top), v2(x, bottom), with_alpha(p.grid, 0x80));
  }

  // Lanes: labels, spans, markers.
  for (size_t k = 0; k < visible_.size(); ++k) {
    const LaneRef lane = visible_[k];
    const LaneRow& row = layout_.rows()[*layout_.row_of(lane)];
    const float y = top + row.y - scroll_y_, h = row.height;
    const bool is_task = lane.kind == LaneKind::Task;
    const TaskId lane_task = is_task ? model.tasks()[lane.index].id : 0;
    const bool lane_selected = is_task && lane_task == selected && selected != 0;

    // label column
    const std::string label =
        is_task ? model.task_label(lane_task) : model.worker_label(model.workers()[lane.index].id);
    const bool lane_highlighted =
        is_task && !state.highlight_tasks.empty() &&
        std::find(state.highlight_tasks.begin(), state.highlight_tasks.end(),
                  model.str(model.tasks()[lane.index].name)) != state.highlight_tasks.end();
    dl->AddRectFilled(v2(x0 - label_w_, y), v2(x0, y + h),
                      lane_selected ? p.range_select : p.lane_label);
    if (lane_highlighted) {
      dl->AddRectFilled(v2(x0 - label_w_, y), v2(x0 - label_w_ + 4, y + h),
                        p.marker(MarkerColour::Preempt));
      dl->AddRect(v2(x0, y), v2(x1, y + h), p.marker(MarkerColour::Preempt), 0, 0, 1.5f);
    }
    dl->PushClipRect(v2(x0 - label_w_, y), v2(x0 - 2, y + h), true);
    dl->AddText(v2(x0 - label_w_ + 6, y + (h - font) / 2), is_task ? p.text_dim : p.text,
                label.c_str());
    dl->PopClipRect();

    dl->PushClipRect(v2(x0, y), v2(x1, y + h), true);
    for (uint32_t i = frame_.item_offsets[k]; i < frame_.item_offsets[k + 1]; ++i) {
      const LaneItem& item = frame_.items[i];
      float sx0 = x0 + state.axis.to_x(static_cast<double>(item.t0));
      float sx1 = x0 + state.axis.to_x(static_cast<double>(item.t1));
      sx0 = std::max(sx0, x0 - 2);
      sx1 = std::min(std::max(sx1, sx0 + 1.0f), x1 + 2);
      if (!is_task) {
        const uint32_t fill = item.folded() ? p.folded : p.task(item.task);
        dl->AddRectFilled(v2(sx0, y + 2), v2(sx1, y + h - 2), fill);
        if (!item.folded()) {
          if (item.task == selected && selected != 0)
            dl->AddRect(v2(sx0, y + 1), v2(sx1, y + h - 1), p.selection, 0, 0, 2.0f);
          text_if_fits(dl, sx0, sx1, y + (h - font) / 2, Palette::text_on(fill),
                       model.task_label(item.task));
        } else {
          text_if_fits(dl, sx0, sx1, y + (h - font) / 2, Palette::text_on(fill),
                       std::to_string(item.count) + " runs");
        }
      } else {
        if (item.state == TaskState::Done && !item.folded()) continue;
        const StateColour sc = state_colour(item.state, item.reason);
        const float bar = state_bar_height(sc) * (h - 2);
        uint32_t fill = p.state(sc);
        if (item.folded()) fill = with_alpha(fill, 0xb0);
        dl->AddRectFilled(v2(sx0, y + h - 1 - bar), v2(sx1, y + h - 1), fill);
        if (item.folded()) dl->AddLine(v2(sx0, y + 1), v2(sx1, y + 1), p.folded);
      }
    }
    // markers: small downward triangles at the top of the lane
    for (uint32_t i = frame_.marker_offsets[k]; i < frame_.marker_offsets[k + 1]; ++i) {
      const MarkerItem& m = frame_.markers[i];
      if (m.kind == MarkerKind::Wake) continue;  // the arrow shows it
      const float mx = x0 + state.axis.to_x(static_cast<double>(m.t));
      const float s = m.count > 1 ? 5.0f : 4.0f;
      const uint32_t c = p.marker(marker_colour(m.kind));
      dl->AddTriangleFilled(v2(mx - s, y), v2(mx + s, y), v2(mx, y + s * 1.6f), c);
      if (selection_here && m.event == state.selection.event)
        dl->AddCircle(v2(mx, y + s), s + 3, p.selection, 12, 2.0f);
    }
    dl->PopClipRect();
  }

  // Playhead line across all lanes (main timeline).
  if (!is_compare) {
    const float x = x0 + state.axis.to_x(static_cast<double>(state.playhead_time()));
    if (x >= x0 && x <= x1) dl->AddLine(v2(x, top), v2(x, bottom), p.playhead, 1.5f);
  }
  dl->PopClipRect();
}

void TimelineView::draw_section_header(AppState& state, Shown& shown, ImDrawList* dl) {
  const TraceModel& model = shown.model;
  const Palette& p = state.palette;
  const float x0 = geom_.lanes_x0, x1 = geom_.lanes_x1;
  const float top = geom_.lanes_y0;
  const float font = ImGui::GetFontSize();
  dl->PushClipRect(v2(x0 - label_w_, top), v2(x1, geom_.lanes_y1), true);
  // Drawn after the arrows so the legend stays readable.
  if (state.settings.show_task_lanes && !model.tasks().empty()) {
    const float y = top + layout_.task_section_y() - scroll_y_;
    dl->AddRectFilled(v2(x0 - label_w_, y), v2(x1, y + font * 1.5f), p.lane_label);
    dl->AddText(v2(x0 - label_w_ + 6, y + font * 0.25f), p.text,
                model.meta().model == trace::ModelKind::Future ? "tasks (futures)" : "goroutines");
    // Legend on the header line.
    float lx = x0 + 8;
    for (const LegendEntry& entry : legend(model.meta().model == trace::ModelKind::Future)) {
      const float h = font * 0.8f;
      dl->AddRectFilled(v2(lx, y + font * 0.35f), v2(lx + h, y + font * 0.35f + h),
                        p.state(entry.colour));
      dl->AddText(v2(lx + h + 4, y + font * 0.25f), p.text_dim, entry.label);
      lx += h + 14 + ImGui::CalcTextSize(entry.label).x;
    }
  }

  dl->PopClipRect();
}

void TimelineView::draw_edges(AppState& state, Shown& shown, bool is_compare, ImDrawList* dl) {
  const TraceModel& model = shown.model;
  const Palette& p = state.palette;
  const float x0 = geom_.lanes_x0, x1 = geom_.lanes_x1;
  const bool show_tasks = state.settings.show_task_lanes;
  const TaskId selected = state.selection.in_compare == is_compare ? state.selection.task : 0;
  auto worker_y = [&](WorkerId w) -> std::optional<float> {
    if (w == trace::kNoWorker) return std::nullopt;
    auto lane = model.worker_lane(w);
    if (!lane) return std::nullopt;
    return lane_center_y(LaneRef{LaneKind::Worker, *lane});
  };
  auto task_y = [&](TaskId t) -> std::optional<float> {
    if (!show_tasks || t == 0) return std::nullopt;
    auto lane = model.task_lane(t);
    if (!lane) return std::nullopt;
    return lane_center_y(LaneRef{LaneKind::Task, *lane});
  };
  dl->PushClipRect(v2(x0, geom_.lanes_y0), v2(x1, geom_.lanes_y1), true);
  for (const WakeEdge& e : frame_.edges) {
    std::optional<float> ya = e.from_task != 0 ? task_y(e.from_task) : std::nullopt;
    if (!ya) ya = worker_y(e.from_worker);
    if (!ya) ya = geom_.lanes_y0;
    std::optional<float> yb = task_y(e.to);
    if (!yb) yb = worker_y(e.run_worker);
    if (!yb) continue;
    const Time t_end = e.t_run == kTimeMax ? model.end_time() : e.t_run;
    const ImVec2 a(x0 + state.axis.to_x(static_cast<double>(e.t_wake)), *ya);
    const ImVec2 b(x0 + state.axis.to_x(static_cast<double>(t_end)), *yb);
    const bool hot = selected != 0 && (e.to == selected || e.from_task == selected);
    const bool chosen = state.selection.edge && state.selection.edge->wake_event == e.wake_event &&
                        state.selection.in_compare == is_compare;
    const uint32_t c = chosen || hot ? p.wake_arrow_selected : p.wake_arrow;
    const float thick = chosen ? 2.5f : hot ? 2.0f : 1.2f;
    const float bend = std::min(40.0f, std::abs(b.x - a.x) * 0.5f + 6);
    dl->AddBezierCubic(a, v2(a.x + bend, a.y), v2(b.x - bend, b.y), b, c, thick);
    arrow_head(dl, b, v2(b.x - bend, b.y), c, 7.0f);
    dl->AddCircleFilled(a, 2.5f, c);
  }
  dl->PopClipRect();
}

void TimelineView::handle_input(AppState& state, Shown& shown, bool is_compare,
                                const ViewWindow& view) {
  ImGuiIO& io = ImGui::GetIO();
  const TraceModel& model = shown.model;
  const ImVec2 mouse = io.MousePos;
  const bool hovered = ImGui::IsItemHovered();
  const bool in_ruler =
      mouse.y >= geom_.ruler_y0 && mouse.y < geom_.lanes_y0 && mouse.x >= geom_.lanes_x0;
  const float mx = mouse.x - geom_.lanes_x0;

  if (hovered && io.MouseWheel != 0) {
    if (io.KeyShift) {
      scroll_y_ -= io.MouseWheel * ImGui::GetFontSize() * 3;
    } else if (mx >= 0) {
      state.axis.zoom_at(mx, std::pow(0.8, io.MouseWheel));
      state.auto_fit = false;
    }
  }
  if (ImGui::IsItemActivated()) {
    drag_distance_ = 0;
    range_dragging_ = io.KeyCtrl && mx >= 0;
    range_x0_ = mx;
    ruler_scrubbing_ = in_ruler && !is_compare;
  }
  if (ImGui::IsItemActive()) {
    drag_distance_ += std::abs(io.MouseDelta.x) + std::abs(io.MouseDelta.y);
    if (ruler_scrubbing_) {
      state.scrub_to_time(static_cast<Time>(state.axis.to_time(mx)));
    } else if (range_dragging_) {
      const float a = geom_.lanes_x0 + std::min(range_x0_, mx),
                  b = geom_.lanes_x0 + std::max(range_x0_, mx);
      ImGui::GetWindowDrawList()->AddRectFilled(v2(a, geom_.lanes_y0), v2(b, geom_.lanes_y1),
                                                state.palette.range_select);
      ImGui::SetTooltip("%s",
                        format_duration(std::abs(mx - range_x0_) * state.axis.ns_per_px()).c_str());
    } else if (drag_distance_ > 3) {
      state.axis.pan_px(io.MouseDelta.x);
      scroll_y_ -= io.MouseDelta.y;
      state.auto_fit = false;
    }
  }
  if (ImGui::IsItemDeactivated()) {
    if (range_dragging_ && std::abs(mx - range_x0_) > 4) {
      state.axis.set_range(state.axis.to_time(std::min(range_x0_, mx)),
                           state.axis.to_time(std::max(range_x0_, mx)));
      state.auto_fit = false;
    } else if (drag_distance_ <= 3 && !ruler_scrubbing_) {
      // A click: wake arrows first (thin targets), then spans and markers under the mouse.
      bool picked = false;
      if (state.settings.show_wake_arrows) {
        for (const WakeEdge& e : frame_.edges) {
          std::optional<float> ya, yb;
          if (e.from_task && state.settings.show_task_lanes)
            if (auto l = model.task_lane(e.from_task)) ya = lane_center_y({LaneKind::Task, *l});
          if (!ya && e.from_worker != trace::kNoWorker)
            if (auto l = model.worker_lane(e.from_worker))
              ya = lane_center_y({LaneKind::Worker, *l});
          if (state.settings.show_task_lanes)
            if (auto l = model.task_lane(e.to)) yb = lane_center_y({LaneKind::Task, *l});
          if (!ya || !yb) continue;
          const Time t_end = e.t_run == kTimeMax ? model.end_time() : e.t_run;
          if (TraceModel::hit_segment(state.axis.to_x(static_cast<double>(e.t_wake)), *ya,
                                      state.axis.to_x(static_cast<double>(t_end)), *yb, mx, mouse.y,
                                      3.0)) {
            state.select_task(e.to, is_compare);
            state.selection.edge = e;
            state.select_event(e.wake_event, is_compare);
            picked = true;
            break;
          }
        }
      }
      if (!picked) {
        if (auto row = layout_.row_at(mouse.y - geom_.lanes_y0 + scroll_y_)) {
          const LaneRef lane = layout_.rows()[*row].lane;
          if (mouse.x < geom_.lanes_x0) {
            if (lane.kind == LaneKind::Task)
              state.select_task(model.tasks()[lane.index].id, is_compare);
          } else {
            const Hit hit =
                model.hit_test(lane, static_cast<Time>(state.axis.to_time(mx)), view, 3.0);
            if (hit.kind != Hit::Kind::None) {
              if (hit.task != 0) state.select_task(hit.task, is_compare);
              state.select_event(hit.event, is_compare);
            } else if (lane.kind == LaneKind::Task) {
              state.select_task(model.tasks()[lane.index].id, is_compare);
            }
          }
        }
      }
    }
    range_dragging_ = false;
    ruler_scrubbing_ = false;
  }
}

void TimelineView::draw_tooltip(AppState& state, Shown& shown, const ViewWindow& view) {
  const TraceModel& model = shown.model;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float mx = mouse.x - geom_.lanes_x0;
  // Times read from the trace's first event, as on the ruler and the transport's t=.
  const double origin = static_cast<double>(state.main.model.begin_time());
  if (mouse.y < geom_.lanes_y0) {
    if (mx >= 0)
      ImGui::SetTooltip("t = %s   (click or drag to move the playhead)",
                        format_duration(state.axis.to_time(mx) - origin).c_str());
    return;
  }
  auto row = layout_.row_at(mouse.y - geom_.lanes_y0 + scroll_y_);
  if (!row) return;
  const LaneRef lane = layout_.rows()[*row].lane;
  if (mx < 0) {
    ImGui::SetTooltip(
        "%s", lane.kind == LaneKind::Task
                  ? (model.task_label(model.tasks()[lane.index].id) + " — click to inspect").c_str()
                  : model.worker_label(model.workers()[lane.index].id).c_str());
    return;
  }
  const Hit hit = model.hit_test(lane, static_cast<Time>(state.axis.to_time(mx)), view, 3.0);
  if (hit.kind == Hit::Kind::None) return;
  ImGui::BeginTooltip();
  if (hit.kind == Hit::Kind::Marker) {
    ImGui::Text("%s", std::string(marker_kind_name(hit.marker.kind)).c_str());
    if (hit.marker.count > 1) ImGui::Text("%u markers here (zoom in)", hit.marker.count);
    if (hit.event != kNoEvent) {
      const trace::Event e = model.event(hit.event);
      ImGui::TextUnformatted(event_text(model, e).c_str());
      ImGui::Text("at %s", format_duration(static_cast<double>(e.ts) - origin).c_str());
      if (e.loc) ImGui::TextDisabled("%s", model.str(e.loc).c_str());
    }
  } else {
    const LaneItem& item = hit.item;
    if (item.folded()) {
      ImGui::Text("%u spans folded (narrower than 3 px) — zoom in", item.count);
      ImGui::Text("mostly %s", lane.kind == LaneKind::Worker
                                   ? model.task_label(item.task).c_str()
                                   : state_label(item.state, item.reason).c_str());
    } else if (lane.kind == LaneKind::Worker) {
      ImGui::Text("%s running on %s", model.task_label(item.task).c_str(),
                  model.worker_label(item.worker).c_str());
    } else {
      ImGui::Text("%s: %s", model.task_label(item.task).c_str(),
                  state_label(item.state, item.reason).c_str());
      if (item.state == TaskState::Running && item.worker != trace::kNoWorker)
        ImGui::Text("on %s", model.worker_label(item.worker).c_str());
    }
    ImGui::Text("from %s for %s", format_duration(static_cast<double>(item.t0) - origin).c_str(),
                format_duration(static_cast<double>(item.t1 - item.t0)).c_str());
    if (item.event != kNoEvent) {
      const trace::Event e = model.event(item.event);
      if (e.loc) ImGui::TextDisabled("%s", model.str(e.loc).c_str());
    }
  }
  ImGui::TextDisabled("click to select");
  ImGui::EndTooltip();
}

}  // namespace as::viz
