// tests/viz/model_spans_test.cpp — span building from hand-written event sequences (goroutines
// and futures), markers, wake edges and chains, event navigation, incremental == batch building.
#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "tests/viz/model_test_trace.hpp"
#include "viz/model/synthetic.hpp"
#include "viz/model/trace_model.hpp"

using namespace as::viz;
using namespace as::viz::test;
using as::trace::ModelKind;
using as::trace::QueueKind;

namespace {

// A goroutine trace: main spawns a producer, blocks receiving on an unbuffered channel, the
// producer sends (waking main into runnext), yields to the global queue and finishes on P1.
HandTrace goroutine_trace() {
  HandTrace h(ModelKind::Goroutine);
  const auto p0 = h.str("P0"), p1 = h.str("P1"), main_name = h.str("main"),
             prod = h.str("producer"), ch = h.str("ch");
  h.ev(0, EventKind::WorkerStart, 0, 0, p0)
      .ev(0, EventKind::WorkerStart, 1, 0, p1)
      .ev(0, EventKind::TaskCreate, 0, 1, 0, main_name)
      .ev(10, EventKind::TaskStart, 0, 1)
      .ev(20, EventKind::TaskCreate, 0, 2, 1, prod)
      .ev(20, EventKind::QueueLength, kNoWorker, 0, uint64_t(QueueKind::Runnext), 0, 1)
      .ev(30, EventKind::ChanMake, 0, 1, 7, 0, ch)
      .ev(40, EventKind::TaskBlock, 0, 1, HandTrace::r(Reason::ChanRecv), 7, ch)
      .ev(40, EventKind::TaskStart, 0, 2)
      .ev(50, EventKind::ChanSend, 0, 2, 7, 0)
      .ev(50, EventKind::TaskUnblock, 0, 1, 2, 0, HandTrace::r(Reason::ChanRecv))
      .ev(50, EventKind::QueueLength, kNoWorker, 0, uint64_t(QueueKind::Runnext), 0, 1)
      .ev(60, EventKind::TaskStop, 0, 2, HandTrace::r(Reason::Yield))
      .ev(60, EventKind::TaskStart, 0, 1)
      .ev(70, EventKind::TaskDestroy, 0, 1, HandTrace::r(Reason::Done))
      .ev(80, EventKind::TaskStart, 1, 2)
      .ev(90, EventKind::TaskDestroy, 1, 2, HandTrace::r(Reason::Done));
  return h;
}

// A future trace: spawned to the inject queue, polled Pending waiting on fd 9, woken by the
// reactor, polled again and self-woken during the poll (re-queued at once), then Ready.
HandTrace future_trace() {
  HandTrace h(ModelKind::Future);
  h.ev(0, EventKind::TaskCreate, kNoWorker, 1, 0, h.str("fetch"), 128)
      .ev(10, EventKind::PollBegin, 0, 1)
      .ev(15, EventKind::WakerClone, 0, 1, 1)
      .ev(15, EventKind::IoRegister, 0, 1, 9, 1)
      .ev(20, EventKind::PollEnd, 0, 1, uint64_t(as::trace::PollResult::Pending))
      .ev(20, EventKind::TaskBlock, 0, 1, HandTrace::r(Reason::Io), 9)
      .ev(50, EventKind::IoReady, 0, 1, 9, 1)
      .ev(50, EventKind::WakerWake, kNoWorker, 1, 0, kNoWorker, 0)
      .ev(60, EventKind::PollBegin, 1, 1)
      .ev(65, EventKind::WakerWake, 1, 1, 1, 1, 1)
      .ev(70, EventKind::PollEnd, 1, 1, uint64_t(as::trace::PollResult::Pending))
      .ev(80, EventKind::PollBegin, 1, 1)
      .ev(90, EventKind::PollEnd, 1, 1, uint64_t(as::trace::PollResult::Ready))
      .ev(90, EventKind::TaskDestroy, 1, 1, HandTrace::r(Reason::Done));
  return h;
}

std::vector<RunSpan> spans_of(const TraceModel& m, WorkerId w) {
  auto s = m.run_spans(*m.worker_lane(w));
  return {s.begin(), s.end()};
}
std::vector<StateChange> changes_of(const TraceModel& m, TaskId t) {
  auto s = m.state_changes(*m.task_lane(t));
  return {s.begin(), s.end()};
}

}  // namespace

TEST_CASE("goroutine run spans per worker", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  REQUIRE(m.workers().size() == 2);
  REQUIRE(m.tasks().size() == 2);
  CHECK(spans_of(m, 0) == std::vector<RunSpan>{{10, 40, 1, 3}, {40, 60, 2, 8}, {60, 70, 1, 13}});
  CHECK(spans_of(m, 1) == std::vector<RunSpan>{{80, 90, 2, 15}});
  CHECK(m.worker_label(0) == "P0");
  CHECK(m.task_label(2) == "producer #2");
  CHECK(m.task(2)->parent == 1);
  CHECK(m.task(1)->running_ns == 40);
}

TEST_CASE("goroutine state spans per task", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  using S = TaskState;
  CHECK(changes_of(m, 1) == std::vector<StateChange>{{0, 2, S::Runnable, Reason::Spawn, 0},
                                                     {10, 3, S::Running, Reason::None, 0},
                                                     {40, 7, S::Blocked, Reason::ChanRecv, 0},
                                                     {50, 10, S::Runnable, Reason::ChanRecv, 0},
                                                     {60, 13, S::Running, Reason::None, 0},
                                                     {70, 14, S::Done, Reason::Done, 0}});
  CHECK(changes_of(m, 2) ==
        std::vector<StateChange>{{20, 4, S::Runnable, Reason::Spawn, 0},
                                 {40, 8, S::Running, Reason::None, 0},
                                 {60, 12, S::Runnable, Reason::Yield, kNoWorker},
                                 {80, 15, S::Running, Reason::None, 1},
                                 {90, 16, S::Done, Reason::Done, 1}});
  auto st = m.task_state_at(1, 45);
  REQUIRE(st);
  CHECK(st->state == S::Blocked);
  CHECK(m.state_change_end(*m.task_lane(1), 2) == 50);
  CHECK_FALSE(m.task_state_at(2, 5));  // not created yet
}

TEST_CASE("future spans: polling, pending with reason, notified during poll", "[viz][model]") {
  TraceModel m(future_trace().data);
  using S = TaskState;
  CHECK(changes_of(m, 1) == std::vector<StateChange>{{0, 0, S::Runnable, Reason::Spawn, kNoWorker},
                                                     {10, 1, S::Running, Reason::None, 0},
                                                     {20, 5, S::Pending, Reason::Io, 0},
                                                     {50, 7, S::Runnable, Reason::Waker, kNoWorker},
                                                     {60, 8, S::Running, Reason::None, 1},
                                                     {70, 10, S::Runnable, Reason::Waker, 1},
                                                     {80, 11, S::Running, Reason::None, 1},
                                                     {90, 12, S::Done, Reason::Done, 1}});
  CHECK(spans_of(m, 0) == std::vector<RunSpan>{{10, 20, 1, 1}});
  CHECK(spans_of(m, 1) == std::vector<RunSpan>{{60, 70, 1, 8}, {80, 90, 1, 11}});
  CHECK(m.task(1)->polls == 3);
  CHECK(m.frame_samples(1) == std::vector<FrameSample>{{0, 128}});
}

TEST_CASE("markers: spawn, yield, wake", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  auto mk = m.markers({LaneKind::Task, *m.task_lane(2)});
  REQUIRE(mk.size() == 2);
  CHECK(mk[0].kind == MarkerKind::Spawn);
  CHECK(mk[1].kind == MarkerKind::Yield);
  CHECK(mk[1].t == 60);
}

TEST_CASE("wake edges join cause and the woken task's next run", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  REQUIRE(m.wake_edge_count() == 3);  // two spawns, one unblock
  const WakeEdge unblock = m.wake_edge(2);
  CHECK(unblock.to == 1);
  CHECK(unblock.from_task == 2);
  CHECK(unblock.from_worker == 0);
  CHECK(unblock.reason == Reason::ChanRecv);
  CHECK(unblock.t_wake == 50);
  CHECK(unblock.t_run == 60);
  CHECK(unblock.run_worker == 0);

  std::vector<WakeEdge> edges;
  m.query_wake_edges(ViewWindow::for_width(55, 65, 100), edges);
  REQUIRE(edges.size() == 1);  // woken before the window, ran inside it
  CHECK(edges[0] == unblock);
  edges.clear();
  m.query_wake_edges(ViewWindow::for_width(0, 100, 100), edges);
  CHECK(edges.size() == 3);
}

TEST_CASE("hit testing wake arrow ends", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  const ViewWindow v = ViewWindow::for_width(0, 100, 100);  // 1 ns per px
  // Head: main's run start at 60 after the producer's send woke it at 50.
  auto head = m.hit_wake_end({LaneKind::Task, *m.task_lane(1)}, 61, v);
  REQUIRE(head);
  CHECK(head->wake_event == 10);
  // Tail: on the producer's lane at the send.
  auto tail = m.hit_wake_end({LaneKind::Task, *m.task_lane(2)}, 49, v);
  REQUIRE(tail);
  CHECK(tail->to == 1);
  CHECK_FALSE(m.hit_wake_end({LaneKind::Task, *m.task_lane(2)}, 30, v));
  // Worker lane: the run start of the woken task on P0.
  auto on_worker = m.hit_wake_end({LaneKind::Worker, 0}, 60, v);
  REQUIRE(on_worker);
  CHECK(on_worker->to == 1);
}

TEST_CASE("wake chain goes back to the root", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  auto chain = m.wake_chain(1, 65);
  REQUIRE(chain.size() == 3);
  CHECK(chain[0].edge.to == 1);
  CHECK(chain[0].edge.from_task == 2);
  CHECK(chain[1].edge.to == 2);
  CHECK(chain[1].edge.from_task == 1);
  CHECK(chain[1].edge.reason == Reason::Spawn);
  CHECK(chain[2].edge.to == 1);
  CHECK(chain[2].edge.from_task == 0);  // main was spawned by the runtime: the root
  // Before the unblock, main's latest wake is its own spawn.
  auto early = m.wake_chain(1, 45);
  REQUIRE(early.size() == 1);
  CHECK(early[0].edge.reason == Reason::Spawn);
  CHECK(m.wake_chain(99, 65).empty());
}

TEST_CASE("event navigation: global and per task", "[viz][model]") {
  TraceModel m(goroutine_trace().data);
  CHECK(m.event_count() == 17);
  CHECK(m.next_event(kNoEvent) == 0);
  CHECK(m.prev_event(kNoEvent) == 16);
  CHECK(m.next_event(16) == kNoEvent);
  CHECK(m.prev_event(0) == kNoEvent);
  CHECK(m.next_task_event(2, 8) == 9);
  CHECK(m.next_task_event(2, 9) == 12);
  CHECK(m.prev_task_event(2, 12) == 9);
  CHECK(m.prev_task_event(2, 4) == kNoEvent);
  CHECK(m.next_task_event(2, kNoEvent) == 4);
  CHECK(m.event_at_or_before(55) == 11);
  CHECK(m.event_at_or_before(-1) == kNoEvent);
  CHECK(m.event(10).kind == EventKind::TaskUnblock);
  CHECK(m.event(10).args[0] == 2);
}

TEST_CASE("inconsistent input is tolerated", "[viz][model]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(5, EventKind::TaskStart, 3, 42)       // never created, worker never started
      .ev(4, EventKind::TaskUnblock, 3, 43)  // out of order and never blocked
      .ev(6, EventKind::TaskStop, 3, 77)     // never started
      .ev(7, EventKind::TaskStart, 3, 43)    // ends 42's span on worker 3
      .ev(8, EventKind::QueueLength, kNoWorker, 0, 99, 5000, 1)
      .ev(9, EventKind::Steal, 3, 0, 12, 3, 1000);
  TraceModel m(h.data);
  CHECK(m.event_count() == 6);
  CHECK(m.time_of(1) == 5);  // clamped, not reordered
  CHECK(spans_of(m, 3) == std::vector<RunSpan>{{5, 7, 42, 0}, {7, kTimeMax, 43, 3}});
  const ModelState s = m.state_at(5);
  CHECK(s.event == 5);
}

TEST_CASE("extreme timestamps and ids are survived", "[viz][model]") {
  HandTrace h(ModelKind::Goroutine);
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  h.ev(lo, EventKind::TaskCreate, 0, 0xffffffffu)
      .ev(lo, EventKind::TaskStart, 0, 0xffffffffu)
      .ev(0, EventKind::TaskBlock, 0, 0xffffffffu, 200, ~0ull, ~0u)  // reason out of range
      .ev(hi - 1, EventKind::TaskUnblock, 7, 0xffffffffu, 5, 9, 255)
      .ev(hi, EventKind::TaskStart, 0xfffe, 0xffffffffu)
      .ev(hi, EventKind::TimerArm, 0, 0xffffffffu, ~0ull, ~0ull);
  TraceModel m(h.data);
  const ViewWindow v = ViewWindow::for_width(lo, hi, 1600);
  FrameDraw frame;
  const auto lanes = m.all_lanes();
  m.build_frame(v, lanes, frame);
  CHECK(frame.items.size() >= 2);
  CHECK(m.wake_chain(0xffffffffu, hi).size() >= 1);
  CHECK(m.state_at(5).timers.size() == 1);
  CHECK(m.hit_test({LaneKind::Task, 0}, 0, v).task == 0xffffffffu);
}

TEST_CASE("incremental append equals batch build", "[viz][model]") {
  for (auto model : {ModelKind::Goroutine, ModelKind::Future}) {
    SyntheticOptions o;
    o.model = model;
    o.events = 30000;
    o.workers = 4;
    o.tasks = 200;
    o.seed = 7;
    const auto data = make_synthetic_trace(o);
    TraceModel batch(data);
    TraceModel live;
    live.set_meta(data.meta);
    std::mt19937 rng(3);
    size_t pos = 0;
    while (pos < data.events.size()) {
      const size_t n = std::min<size_t>(data.events.size() - pos, 1 + rng() % 700);
      live.append(std::span(data.events).subspan(pos, n), data.strings);
      pos += n;
      if (rng() % 5 == 0) {  // queries between appends must not disturb building
        std::vector<LaneItem> items;
        live.query_lane({LaneKind::Worker, 0}, ViewWindow::for_width(0, live.end_time(), 800),
                        items);
      }
    }
    REQUIRE(live.event_count() == batch.event_count());
    REQUIRE(live.workers().size() == batch.workers().size());
    REQUIRE(live.tasks().size() == batch.tasks().size());
    for (uint32_t w = 0; w < batch.workers().size(); ++w) {
      auto a = batch.run_spans(w), b = live.run_spans(w);
      CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
      auto ma = batch.markers({LaneKind::Worker, w}), mb = live.markers({LaneKind::Worker, w});
      CHECK(std::equal(ma.begin(), ma.end(), mb.begin(), mb.end()));
    }
    for (uint32_t t = 0; t < batch.tasks().size(); ++t) {
      auto a = batch.state_changes(t), b = live.state_changes(t);
      CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
    }
    REQUIRE(live.wake_edge_count() == batch.wake_edge_count());
    for (size_t k = 0; k < batch.wake_edge_count(); k += 97)
      CHECK(live.wake_edge(k) == batch.wake_edge(k));
    for (EventIndex i : {EventIndex{0}, EventIndex{5000}, EventIndex{17777}})
      CHECK(live.state_at(i) == batch.state_at(i));
    CHECK(live.totals().peak_live_tasks == batch.totals().peak_live_tasks);
  }
}
