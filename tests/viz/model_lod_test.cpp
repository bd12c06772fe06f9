// tests/viz/model_lod_test.cpp — level-of-detail folding (no span lost, folds bounded by pixels),
// marker merging, frame building and hit testing.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/viz/model_test_trace.hpp"
#include "viz/model/synthetic.hpp"
#include "viz/model/trace_model.hpp"

using namespace as::viz;
using namespace as::viz::test;
using as::trace::ModelKind;

namespace {

// spans_in counts the spans of a lane that intersect [t0, t1], by brute force.
size_t spans_in(const TraceModel& m, LaneRef lane, Time t0, Time t1) {
  size_t n = 0;
  if (lane.kind == LaneKind::Worker) {
    for (const RunSpan& s : m.run_spans(lane.index)) {
      const Time e = s.t1 == kTimeMax ? std::max(m.end_time(), s.t0) : s.t1;
      n += s.t0 <= t1 && e >= t0;
    }
  } else {
    auto c = m.state_changes(lane.index);
    for (uint32_t k = 0; k < c.size(); ++k)
      n += c[k].t <= t1 && m.state_change_end(lane.index, k) >= t0;
  }
  return n;
}

void check_items(const std::vector<LaneItem>& items, const ViewWindow& v) {
  for (size_t k = 0; k < items.size(); ++k) {
    const LaneItem& it = items[k];
    CHECK(it.t0 <= it.t1);
    // A folded block only ever holds spans narrower than min_duration.
    if (it.folded()) CHECK(it.count >= 2);
    (void)v;
    if (k > 0) {
      CHECK(items[k - 1].first + items[k - 1].count == it.first);  // contiguous, none skipped
      CHECK(items[k - 1].t1 <= it.t0);
    }
  }
}

}  // namespace

TEST_CASE("folding loses no span and stays bounded by pixels", "[viz][model][lod]") {
  for (auto model : {ModelKind::Goroutine, ModelKind::Future}) {
    SyntheticOptions o;
    o.model = model;
    o.events = 60000;
    o.workers = 4;
    o.tasks = 150;
    TraceModel m(as::viz::make_synthetic_trace(o));
    const Time b = m.begin_time(), e = m.end_time();
    const std::vector<std::pair<Time, Time>> windows = {
        {b, e},
        {b + (e - b) / 3, b + (e - b) / 3 + (e - b) / 50},
        {e - 20000, e},
        {b + 1234, b + 5678}};
    for (auto [t0, t1] : windows) {
      for (double width : {1600.0, 200.0}) {
        const ViewWindow v = ViewWindow::for_width(t0, t1, width);
        for (LaneRef lane : m.all_lanes()) {
          std::vector<LaneItem> items;
          m.query_lane(lane, v, items);
          size_t total = 0;
          for (const auto& it : items) total += it.count;
          REQUIRE(total == spans_in(m, lane, t0, t1));
          check_items(items, v);
          // At most ~one item per min_px pixels, plus the wide spans themselves.
          CHECK(items.size() <= static_cast<size_t>(width / v.min_px) * 2 + 4);
        }
      }
    }
  }
}

TEST_CASE("folded blocks name the dominant task", "[viz][model][lod]") {
  HandTrace h(ModelKind::Goroutine);
  // On worker 0: task 1 runs 10 ns, task 2 runs 2 ns, alternating, 0-gap — all below 3 px.
  Time t = 0;
  for (int k = 0; k < 20; ++k) {
    const TaskId task = k % 2 == 0 ? 1 : 2;
    const Time d = task == 1 ? 10 : 2;
    h.ev(t, EventKind::TaskStart, 0, task)
        .ev(t + d, EventKind::TaskStop, 0, task, HandTrace::r(Reason::Yield));
    t += d;
  }
  TraceModel m(h.data);
  ViewWindow v;
  v.t0 = 0;
  v.t1 = t;
  v.ns_per_px = 100;  // 300 ns per fold: everything folds into one block
  std::vector<LaneItem> items;
  m.query_lane({LaneKind::Worker, 0}, v, items);
  REQUIRE(items.size() == 1);
  CHECK(items[0].count == 20);
  CHECK(items[0].task == 1);
  CHECK(items[0].t0 == 0);
  CHECK(items[0].t1 == t);
  // Zoomed in (1 ns per px, min 3 px): task 1's 10 ns spans stand alone, task 2's fold alone.
  v.ns_per_px = 1;
  items.clear();
  m.query_lane({LaneKind::Worker, 0}, v, items);
  REQUIRE(items.size() == 20);
  CHECK_FALSE(items[0].folded());
  CHECK(items[1].task == 2);
}

TEST_CASE("markers merge within min_px and frames hold every lane", "[viz][model][lod]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1);
  for (int k = 0; k < 10; ++k)
    h.ev(100 + k, EventKind::TaskStop, 0, 1, HandTrace::r(Reason::Yield));
  h.ev(500, EventKind::TaskPreempt, 0, 1, 5);
  TraceModel m(h.data);
  ViewWindow v = ViewWindow::for_width(0, 1000, 100);  // 10 ns/px: min 30 ns
  std::vector<MarkerItem> marks;
  m.query_markers({LaneKind::Task, 0}, v, marks);
  REQUIRE(marks.size() == 3);  // spawn, 10 yields merged, preempt
  CHECK(marks[1].count == 10);
  CHECK(marks[2].kind == MarkerKind::Preempt);

  FrameDraw frame;
  const auto lanes = m.all_lanes();
  m.build_frame(v, lanes, frame);
  CHECK(frame.item_offsets.size() == lanes.size() + 1);
  CHECK(frame.marker_offsets.back() == frame.markers.size());
}

TEST_CASE("hit testing finds spans and markers with pixel tolerance", "[viz][model][lod]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1)
      .ev(0, EventKind::TaskCreate, 0, 2)
      .ev(100, EventKind::TaskStart, 0, 1)
      .ev(200, EventKind::TaskStop, 0, 1, HandTrace::r(Reason::Yield))
      .ev(300, EventKind::TaskStart, 0, 2)
      .ev(400, EventKind::TaskBlock, 0, 2, HandTrace::r(Reason::Sleep), 3);
  TraceModel m(h.data);
  const ViewWindow v = ViewWindow::for_width(0, 1000, 1000);  // 1 ns per px
  const LaneRef w0{LaneKind::Worker, 0};
  Hit hit = m.hit_test(w0, 150, v);
  CHECK(hit.kind == Hit::Kind::Span);
  CHECK(hit.task == 1);
  CHECK(hit.event == 2);
  hit = m.hit_test(w0, 202, v);  // 2 px right of the span: within tolerance
  CHECK(hit.task == 1);
  hit = m.hit_test(w0, 250, v);  // in the gap
  CHECK(hit.kind == Hit::Kind::None);
  hit = m.hit_test(w0, 399, v);
  CHECK(hit.task == 2);
  // The yield marker on task 1's lane wins over the span under it.
  hit = m.hit_test({LaneKind::Task, 0}, 201, v);
  CHECK(hit.kind == Hit::Kind::Marker);
  CHECK(hit.marker.kind == MarkerKind::Yield);
  hit = m.hit_test({LaneKind::Task, 1}, 350, v);
  CHECK(hit.kind == Hit::Kind::Span);
  CHECK(hit.item.state == TaskState::Running);
  CHECK_FALSE(m.hit_wake_end({LaneKind::Task, 0}, 150, v));
  CHECK(TraceModel::hit_segment(0, 0, 100, 100, 50, 52, 3));
  CHECK_FALSE(TraceModel::hit_segment(0, 0, 100, 100, 50, 60, 3));
}

TEST_CASE("degenerate views do not break queries", "[viz][model][lod]") {
  SyntheticOptions o;
  o.events = 5000;
  o.workers = 2;
  o.tasks = 20;
  TraceModel m(make_synthetic_trace(o));
  for (double zoom : {0.0, -5.0, std::nan(""), 1e30}) {
    ViewWindow v;
    v.t0 = std::numeric_limits<Time>::min();
    v.t1 = kTimeMax;
    v.ns_per_px = zoom;
    FrameDraw frame;
    const auto lanes = m.all_lanes();
    m.build_frame(v, lanes, frame);
    CHECK(frame.item_offsets.size() == lanes.size() + 1);
    CHECK(m.hit_test(lanes.front(), 0, v).lane == lanes.front());
  }
  ViewWindow backwards = ViewWindow::for_width(100, 0, 800);  // t1 < t0: nothing
  std::vector<LaneItem> items;
  m.query_lane({LaneKind::Worker, 0}, backwards, items);
  CHECK(items.empty());
}
