// tests/viz/model_state_test.cpp — state at the playhead: run queues (runnext, steal, global),
// channels (buffer contents, FIFO waiters), timers, I/O, wakers, memory; checkpoint + replay
// equals a full replay at random positions.
#include <catch2/catch.hpp>

#include <random>

#include "tests/viz/model_test_trace.hpp"
#include "viz/model/synthetic.hpp"
#include "viz/model/trace_model.hpp"

using namespace as::viz;
using namespace as::viz::test;
using as::trace::ModelKind;
using as::trace::QueueKind;

namespace {
const WorkerAt& worker(const ModelState& s, WorkerId w) {
  for (const auto& x : s.workers)
    if (x.worker == w) return x;
  FAIL("no worker " << w);
  return s.workers.front();
}
const ChannelAt& channel(const ModelState& s, uint64_t id) {
  for (const auto& c : s.channels)
    if (c.id == id) return c;
  FAIL("no channel " << id);
  return s.channels.front();
}
}  // namespace

TEST_CASE("run queues: local, runnext kick, steal, global", "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::WorkerStart, 0, 0).ev(0, EventKind::WorkerStart, 1, 0);
  for (TaskId t = 1; t <= 4; ++t) h.ev(1, EventKind::TaskCreate, 0, t);                 // idx 2..5
  h.ev(2, EventKind::TaskCreate, 0, 5)                                                  // 6
      .ev(2, EventKind::QueueLength, kNoWorker, 0, uint64_t(QueueKind::Runnext), 0, 1)  // 7
      .ev(3, EventKind::TaskCreate, 0, 6)                                               // 8
      .ev(3, EventKind::QueueLength, kNoWorker, 0, uint64_t(QueueKind::Runnext), 0, 1)  // 9
      .ev(4, EventKind::Steal, 1, 0, 0, 1, 2)                                           // 10
      .ev(5, EventKind::TaskStart, 1, 2)                                                // 11
      .ev(6, EventKind::TaskCreate, kNoWorker, 7)                                       // 12
      .ev(7, EventKind::TaskStop, 1, 2, HandTrace::r(Reason::Yield))                    // 13
      .ev(8, EventKind::Steal, 0, 0, kNoWorker, 0, 1);  // 14: a batch from the global queue
  TraceModel m(h.data);

  ModelState s = m.state_at(7);
  CHECK(worker(s, 0).runnext == 5);
  CHECK(worker(s, 0).local == std::vector<TaskId>{1, 2, 3, 4});
  s = m.state_at(9);  // runnext 6 kicks 5 to the tail
  CHECK(worker(s, 0).runnext == 6);
  CHECK(worker(s, 0).local == std::vector<TaskId>{1, 2, 3, 4, 5});
  s = m.state_at(10);  // P1 steals the two oldest
  CHECK(worker(s, 0).local == std::vector<TaskId>{3, 4, 5});
  CHECK(worker(s, 1).local == std::vector<TaskId>{1, 2});
  s = m.state_at(11);
  CHECK(worker(s, 1).running == 2);
  CHECK(worker(s, 1).local == std::vector<TaskId>{1});
  s = m.state_at(13);  // spawned onto the global queue, then Gosched: global queue too
  CHECK(worker(s, 1).running == 0);
  CHECK(s.global_queue == std::vector<TaskId>{7, 2});
  CHECK(s.runnable == std::vector<TaskId>{1, 2, 3, 4, 5, 6, 7});
  CHECK(s.memory.live_tasks == 7);
  s = m.state_at(14);
  CHECK(s.global_queue == std::vector<TaskId>{2});
  CHECK(worker(s, 0).local == std::vector<TaskId>{3, 4, 5, 7});
  s = m.state_at(kNoEvent);
  CHECK(s.global_queue.empty());
  CHECK(s.event == kNoEvent);
}

TEST_CASE("channels: buffer contents and FIFO waiters", "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  const auto name = h.str("jobs");
  h.ev(0, EventKind::ChanMake, 0, 1, 8, 2, name);                        // 0
  for (TaskId t = 1; t <= 5; ++t) h.ev(0, EventKind::TaskCreate, 0, t);  // 1..5
  h.ev(1, EventKind::TaskStart, 0, 1)
      .ev(2, EventKind::ChanSend, 0, 1, 8, 1)  // 7: buffer [1]
      .ev(3, EventKind::ChanSend, 0, 1, 8, 2)  // 8: buffer [1, 1]
      .ev(4, EventKind::TaskBlock, 0, 1, HandTrace::r(Reason::ChanSend), 8, name)  // 9: full
      .ev(5, EventKind::TaskStart, 0, 2)
      .ev(6, EventKind::TaskBlock, 0, 2, HandTrace::r(Reason::ChanSend), 8, name)  // 11
      .ev(7, EventKind::TaskStart, 0, 3)
      .ev(8, EventKind::ChanRecv, 0, 3, 8, 1, 1)  // 13: buffer [1]
      .ev(8, EventKind::ChanSend, 0, 1, 8, 2)     // 14: blocked sender 1's value enters
      .ev(8, EventKind::TaskUnblock, 0, 1, 3, 0, HandTrace::r(Reason::ChanSend))  // 15
      .ev(9, EventKind::ChanRecv, 0, 3, 8, 1, 1)                                  // 16
      .ev(9, EventKind::ChanClose, 0, 3, 8);                                      // 17
  TraceModel m(h.data);

  ModelState s = m.state_at(9);
  const ChannelAt& full = channel(s, 8);
  CHECK(full.capacity == 2);
  CHECK(full.length == 2);
  CHECK(m.str(full.name) == "jobs");
  CHECK(full.buffer == std::vector<BufferedValue>{{1, 2}, {1, 3}});
  CHECK(full.senders == std::vector<TaskId>{1});
  s = m.state_at(11);
  CHECK(channel(s, 8).senders == std::vector<TaskId>{1, 2});
  REQUIRE(s.blocked.size() == 2);
  CHECK(s.blocked[1] == BlockedAt{2, TaskState::Blocked, Reason::ChanSend, 8, name, 6});
  s = m.state_at(15);
  CHECK(channel(s, 8).senders == std::vector<TaskId>{2});
  CHECK(channel(s, 8).buffer == std::vector<BufferedValue>{{1, 3}, {1, 8}});
  s = m.state_at(17);
  CHECK(channel(s, 8).buffer == std::vector<BufferedValue>{{1, 8}});
  CHECK(channel(s, 8).closed);
}

TEST_CASE("timers, I/O registrations, wakers and frame memory", "[viz][model][state]") {
  HandTrace h(ModelKind::Future);
  h.ev(0, EventKind::TaskCreate, kNoWorker, 1, 0, 0, 100)
      .ev(0, EventKind::TaskCreate, kNoWorker, 2, 0, 0, 300)
      .ev(1, EventKind::TimerArm, 0, 1, 3, 100)                               // 2
      .ev(1, EventKind::TimerArm, 0, 2, 4, 50)                                // 3
      .ev(2, EventKind::IoRegister, 0, 2, 9, 1)                               // 4
      .ev(2, EventKind::WakerClone, 0, 2, 1)                                  // 5
      .ev(2, EventKind::FrameAlloc, 0, 2, 64)                                 // 6
      .ev(3, EventKind::TimerCancel, 0, 1, 3)                                 // 7
      .ev(4, EventKind::IoReady, 0, 2, 9, 5)                                  // 8
      .ev(5, EventKind::WakerDrop, 0, 2, 0)                                   // 9
      .ev(5, EventKind::IoDeregister, 0, 2, 9)                                // 10
      .ev(6, EventKind::TaskDestroy, 0, 2, HandTrace::r(Reason::Cancelled));  // 11
  TraceModel m(h.data);

  ModelState s = m.state_at(6);
  REQUIRE(s.timers.size() == 2);
  CHECK(s.timers[0] == TimerAt{4, 2, 1, 50});  // ordered by deadline
  CHECK(s.timers[1] == TimerAt{3, 1, 1, 100});
  REQUIRE(s.io.size() == 1);
  CHECK(s.io[0].owner == 2);
  REQUIRE(s.wakers.size() == 1);
  CHECK(s.wakers[0].task == 2);
  CHECK(s.wakers[0].live == 1);
  CHECK(s.wakers[0].since == 2);
  CHECK(s.memory.frame_bytes == 464);
  s = m.state_at(8);
  CHECK(s.timers.size() == 1);
  CHECK(s.io[0].last_readiness == 5);
  s = m.state_at(11);
  CHECK(s.wakers.empty());
  CHECK(s.io.empty());
  CHECK(s.memory.frame_bytes == 100);
  CHECK(s.memory.live_tasks == 1);
  CHECK(m.totals().peak_frame_bytes == 464);
}

TEST_CASE("stack samples and memory totals", "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1)
      .ev(0, EventKind::TaskCreate, 0, 2)
      .ev(1, EventKind::StackSample, 0, 1, 1000, 8192, 1 << 20)
      .ev(2, EventKind::StackSample, 0, 2, 3000, 16384, 1 << 20)
      .ev(3, EventKind::StackSample, 0, 1, 500, 4096, 1 << 20)
      .ev(4, EventKind::TaskDestroy, 0, 2, HandTrace::r(Reason::Done));
  TraceModel m(h.data);
  CHECK(m.stack_samples(1) ==
        std::vector<StackSample>{{1, 1000, 8192, 1 << 20}, {3, 500, 4096, 1 << 20}});
  CHECK(m.state_at(3).memory.stack_committed == 8192 + 16384);
  CHECK(m.state_at(4).memory.stack_committed == 4096 + 16384);
  CHECK(m.state_at(4).memory.stack_used == 3500);
  CHECK(m.state_at(5).memory.stack_committed == 4096);
  CHECK(m.totals().peak_stack_committed == 8192 + 16384);
}

TEST_CASE("checkpoint + replay equals a full replay at random positions", "[viz][model][state]") {
  for (auto model : {ModelKind::Goroutine, ModelKind::Future}) {
    SyntheticOptions o;
    o.model = model;
    o.events = 40000;
    o.workers = 4;
    o.tasks = 300;
    o.seed = 11;
    const auto data = make_synthetic_trace(o);
    ModelOptions dense;  // many checkpoints, so most positions replay from one
    dense.checkpoint_min_spacing = 1000;
    dense.checkpoint_bytes_per_event = 64;
    TraceModel m(data, dense);
    REQUIRE(m.checkpoint_count() >= 4);
    std::mt19937 rng(5);
    for (int k = 0; k < 8; ++k) {
      const auto i = static_cast<EventIndex>(rng() % data.events.size());
      // A model of just the prefix [0, i] has replayed every event once, with no checkpoint.
      as::trace::TraceData prefix;
      prefix.meta = data.meta;
      prefix.strings = data.strings;
      prefix.events.assign(data.events.begin(), data.events.begin() + i + 1);
      TraceModel full(prefix);
      const ModelState a = m.state_at(i);
      const ModelState b = full.state_at(i);
      CHECK(a == b);
      CHECK(a.event == i);
    }
  }
}

TEST_CASE("stepping forward from the last state equals replay from a checkpoint",
          "[viz][model][state]") {
  SyntheticOptions o;
  o.events = 30000;
  o.workers = 3;
  o.tasks = 120;
  const auto data = make_synthetic_trace(o);
  ModelOptions dense;
  dense.checkpoint_min_spacing = 1000;
  dense.checkpoint_bytes_per_event = 64;
  TraceModel forward(data, dense), backward(data, dense);
  const EventIndex first = 12345, last = 12345 + 300;
  std::vector<ModelState> ahead;
  for (EventIndex i = first; i <= last; ++i) ahead.push_back(forward.state_at(i));  // cached steps
  for (EventIndex i = last + 1; i-- > first;) {  // backwards: always from a checkpoint
    CHECK(backward.state_at(i) == ahead[i - first]);
  }
}

TEST_CASE("synthetic traces are consistent with the reconstructed state", "[viz][model][state]") {
  SyntheticOptions o;
  o.events = 20000;
  o.workers = 3;
  o.tasks = 100;
  const auto data = make_synthetic_trace(o);
  TraceModel m(data);
  // Every task that starts running must have been runnable just before (in some queue).
  size_t starts = 0;
  for (EventIndex i = 1; i < m.event_count() && starts < 200; ++i) {
    if (m.event(i).kind != EventKind::TaskStart) continue;
    const TaskId t = m.event(i).task;
    const ModelState before = m.state_at(i - 1);
    bool queued = std::find(before.global_queue.begin(), before.global_queue.end(), t) !=
                  before.global_queue.end();
    for (const auto& w : before.workers) {
      queued =
          queued || w.runnext == t || std::find(w.local.begin(), w.local.end(), t) != w.local.end();
    }
    CHECK(queued);
    ++starts;
    // Every waiting sender/receiver is blocked on that very channel, and vice versa.
    size_t waiters = 0, chan_blocked = 0;
    for (const auto& c : before.channels) {
      for (const auto& list : {c.senders, c.receivers}) {
        for (TaskId w : list) {
          ++waiters;
          auto b = std::find_if(before.blocked.begin(), before.blocked.end(),
                                [&](const BlockedAt& x) { return x.task == w; });
          REQUIRE(b != before.blocked.end());
          CHECK(b->object == c.id);
        }
      }
    }
    for (const auto& b : before.blocked) {
      chan_blocked += b.reason == Reason::ChanSend || b.reason == Reason::ChanRecv;
    }
    CHECK(waiters == chan_blocked);
  }
  CHECK(starts == 200);
}

TEST_CASE("stack_at, frame_bytes_at and counter level of detail", "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1)
      .ev(10, EventKind::StackSample, 0, 1, 100, 4096, 1 << 20)
      .ev(20, EventKind::TaskStart, 0, 1)
      .ev(30, EventKind::StackSample, 0, 1, 900, 8192, 1 << 20)
      .ev(40, EventKind::FrameAlloc, 0, 1, 64);
  // A queue-length counter with a spike inside a 100 ns bucket.
  for (int k = 0; k < 100; ++k) {
    h.ev(100 + k, EventKind::QueueLength, kNoWorker, 0, uint64_t(QueueKind::Local), 0,
         k == 37 ? 50 : 1);
  }
  TraceModel m(h.data);
  CHECK_FALSE(m.stack_at(1, 5));
  CHECK(m.stack_at(1, 25)->used == 100);
  CHECK(m.stack_at(1, 30)->committed == 8192);
  CHECK(m.frame_bytes_at(1, 39) == 0);
  CHECK(m.frame_bytes_at(1, 40) == 64);

  const CounterKey key{EventKind::QueueLength, uint8_t(QueueKind::Local), 0};
  std::vector<CounterSample> out;
  ViewWindow v;
  v.t0 = 100;
  v.t1 = 199;
  v.ns_per_px = 40;  // 120 ns buckets: one bucket for the whole track
  m.query_counter(key, v, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0] == CounterSample{100, 1});  // lowest, then the spike: spikes survive zooming out
  CHECK(out[1] == CounterSample{137, 50});
  out.clear();
  v.t0 = 150;
  v.ns_per_px = 0.1;  // zoomed in: every sample, plus the one entering the window
  m.query_counter(key, v, out);
  CHECK(out.size() == 51);
  CHECK(out.front().t == 149);
}

TEST_CASE("runnext: the counter may come after the spawn cost", "[viz][model][state]") {
  // As the goroutine runtime emits it: TaskCreate, then (after the modelled spawn cost) the put
  // into runnext and its counter at a later time, with unrelated events in between.
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1)
      .ev(0, EventKind::TaskStart, 0, 1)
      .ev(100, EventKind::TaskCreate, 0, 2, 1)
      .ev(400, EventKind::WorkerWake, 1, 0, 0, 1)
      .ev(400, EventKind::QueueLength, 0, 0, uint64_t(QueueKind::Runnext), 0, 1);  // 4
  TraceModel m(h.data);
  const ModelState s = m.state_at(4);
  CHECK(worker(s, 0).runnext == 2);
  CHECK(worker(s, 0).local.empty());
}

TEST_CASE("wakers held by pending futures and lost wakeups", "[viz][model][state]") {
  HandTrace h(ModelKind::Future);
  h.ev(0, EventKind::TaskCreate, kNoWorker, 1)
      .ev(0, EventKind::TaskCreate, kNoWorker, 2)
      .ev(10, EventKind::PollBegin, 0, 1)
      .ev(11, EventKind::WakerClone, 0, 1, 1)  // 3: the reactor keeps a waker of task 1
      .ev(12, EventKind::PollEnd, 0, 1, uint64_t(as::trace::PollResult::Pending))  // 4
      .ev(20, EventKind::PollBegin, 0, 2)
      .ev(22, EventKind::PollEnd, 0, 2, uint64_t(as::trace::PollResult::Pending));  // 6: no waker
  TraceModel m(h.data);
  ModelState s = m.state_at(4);
  REQUIRE(s.wakers.size() == 1);
  CHECK(s.wakers[0].task == 1);
  CHECK(s.wakers[0].live == 1);
  CHECK(s.wakers[0].pending);
  CHECK(s.lost_wakeups.empty());
  s = m.state_at(6);
  CHECK(s.lost_wakeups == std::vector<TaskId>{2});  // Pending, and nothing can wake it
}

TEST_CASE("a full local queue overflows half to the global queue", "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  h.ev(0, EventKind::TaskCreate, 0, 1000)
      .ev(0, EventKind::QueueLength, 0, 0, uint64_t(QueueKind::Runnext), 0, 1);  // runnext 1000
  for (TaskId t = 1; t <= 256; ++t) h.ev(1, EventKind::TaskCreate, 0, t);        // local: full
  const auto full = static_cast<EventIndex>(h.data.events.size() - 1);
  // newproc puts 2000 in runnext; the kicked 1000 overflows with the older half (runqputslow).
  h.ev(2, EventKind::TaskCreate, 0, 2000)
      .ev(2, EventKind::QueueLength, 0, 0, uint64_t(QueueKind::Runnext), 0, 1);
  h.ev(3, EventKind::TaskCreate, 0, 3000);  // a plain put into the half-empty queue
  TraceModel m(h.data);
  ModelState s = m.state_at(full);
  CHECK(worker(s, 0).local.size() == 256);
  CHECK(s.global_queue.empty());
  s = m.state_at(full + 2);
  CHECK(worker(s, 0).runnext == 2000);
  std::vector<TaskId> newer_half, older_half;
  for (TaskId t = 129; t <= 256; ++t) newer_half.push_back(t);
  for (TaskId t = 1; t <= 128; ++t) older_half.push_back(t);
  older_half.push_back(1000);
  CHECK(worker(s, 0).local == newer_half);
  CHECK(s.global_queue == older_half);
  s = m.state_at(full + 3);
  CHECK(worker(s, 0).local.size() == 129);
  CHECK(worker(s, 0).local.back() == 3000);
}

TEST_CASE("a future woken from another worker during its poll", "[viz][model][state]") {
  HandTrace h(ModelKind::Future);
  h.ev(0, EventKind::TaskCreate, kNoWorker, 1)
      .ev(0, EventKind::WorkerStart, 1, 0)
      .ev(10, EventKind::PollBegin, 0, 1)
      .ev(12, EventKind::WakerWake, 1, 1, 0, 1, 0)  // 3: worker 1 wakes it while worker 0 polls
      .ev(15, EventKind::PollEnd, 0, 1, uint64_t(as::trace::PollResult::Pending));  // 4
  TraceModel m(h.data);
  const ModelState s = m.state_at(4);
  CHECK(worker(s, 0).running == 0);                     // the poll ended on worker 0
  CHECK(worker(s, 0).local == std::vector<TaskId>{1});  // and worker 0 re-queues it
  CHECK(worker(s, 1).local.empty());
  const auto c = m.state_changes(*m.task_lane(1));
  CHECK(c.back().state == TaskState::Runnable);
  CHECK(c.back().worker == 0);
}

TEST_CASE("a future's Pending poll says what it waits for; its TaskUnblock wakes it",
          "[viz][model][state]") {
  HandTrace h(ModelKind::Future);
  const auto name = h.str("jobs");
  h.ev(0, EventKind::ChanMake, 0, 0, 8, 1, name)   // 0
      .ev(0, EventKind::TaskCreate, kNoWorker, 1)  // 1: the receiver
      .ev(0, EventKind::TaskCreate, kNoWorker, 2)  // 2: the sender
      .ev(10, EventKind::PollBegin, 0, 1)          // 3
      .ev(12, EventKind::PollEnd, 0, 1, uint64_t(as::trace::PollResult::Pending),
          HandTrace::r(Reason::ChanRecv), 8)  // 4: Pending, waiting on channel 8
      .ev(20, EventKind::PollBegin, 0, 2)     // 5
      .ev(21, EventKind::ChanSend, 0, 2, 8, 1)
      .ev(21, EventKind::TaskUnblock, 0, 1, 2, 0, HandTrace::r(Reason::ChanRecv));  // 7
  TraceModel m(h.data);
  ModelState s = m.state_at(4);
  CHECK(channel(s, 8).receivers == std::vector<TaskId>{1});
  REQUIRE(s.blocked.size() == 1);
  CHECK(s.blocked[0].task == 1);
  CHECK(s.blocked[0].state == TaskState::Pending);
  CHECK(s.blocked[0].reason == Reason::ChanRecv);
  CHECK(s.blocked[0].object == 8);
  auto c = m.state_changes(*m.task_lane(1));
  REQUIRE(c.size() >= 2);
  CHECK(c[c.size() - 1].state == TaskState::Runnable);  // the unblock at 21
  CHECK(c[c.size() - 1].reason == Reason::ChanRecv);
  CHECK(c[c.size() - 2].state == TaskState::Pending);  // the poll's end at 12
  CHECK(c[c.size() - 2].reason == Reason::ChanRecv);
  s = m.state_at(7);
  CHECK(channel(s, 8).receivers.empty());
  CHECK(worker(s, 0).local == std::vector<TaskId>{1});
}

TEST_CASE("an unblock that says it used runnext fills the slot and its counter; a start empties it",
          "[viz][model][state]") {
  HandTrace h(ModelKind::Goroutine);
  const uint64_t into_runnext = as::trace::unblock_reason(Reason::ChanRecv, QueueKind::Runnext);
  h.ev(0, EventKind::WorkerStart, 0, 0);
  for (TaskId t = 1; t <= 3; ++t) h.ev(1, EventKind::TaskCreate, 0, t);      // 1..3: local 1, 2, 3
  h.ev(2, EventKind::TaskStart, 0, 1)                                        // 4
      .ev(3, EventKind::TaskBlock, 0, 1, HandTrace::r(Reason::ChanRecv), 8)  // 5
      .ev(4, EventKind::TaskStart, 0, 2)                                     // 6
      .ev(5, EventKind::TaskUnblock, 0, 1, 2, 0, into_runnext)               // 7: 1 → runnext
      .ev(6, EventKind::TaskBlock, 0, 2, HandTrace::r(Reason::ChanSend), 8)  // 8
      .ev(7, EventKind::TaskStart, 0, 1, as::trace::start_from(QueueKind::Runnext));  // 9
  TraceModel m(h.data);
  ModelState s = m.state_at(7);
  CHECK(worker(s, 0).runnext == 1);
  CHECK(worker(s, 0).local == std::vector<TaskId>{3});
  const auto c = m.state_changes(*m.task_lane(1));
  CHECK(c[c.size() - 2].reason == Reason::ChanRecv);  // the unblock's reason, without the queue
  s = m.state_at(9);
  CHECK(worker(s, 0).runnext == 0);
  CHECK(worker(s, 0).running == 1);
  const CounterKey runnext{EventKind::QueueLength, uint8_t(QueueKind::Runnext), 0};
  CHECK(m.counter_samples(runnext) == std::vector<CounterSample>{{5, 1}, {7, 0}});
}
