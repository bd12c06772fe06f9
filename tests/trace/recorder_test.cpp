// tests/trace/recorder_test.cpp — the Recorder: ordering, interning, incremental reads, threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "core/trace/trace_data.hpp"

using namespace as::trace;

namespace loc_test {
std::source_location where(int) {
  return std::source_location::current();
}
template <typename T>
std::source_location templ(T) {
  return std::source_location::current();
}
std::source_location from_lambda() {
  return [] { return std::source_location::current(); }();
}
}  // namespace loc_test

namespace {
int64_t counting_clock(void* ctx) {
  return (*static_cast<int64_t*>(ctx))++;
}
}  // namespace

// expected_follow_on is the event a reader must get for `f` written with `carrier` (see FollowOn).
static Event expected_follow_on(const Event& carrier, const FollowOn& f) {
  Event e;
  e.ts = carrier.ts;
  e.kind = f.kind;
  e.worker = carrier.worker;
  e.task = f.task;
  if (f.kind == EventKind::TaskUnblock) {
    e.args[0] = carrier.task;
    e.args[1] = carrier.worker;
    e.args[2] = f.arg;
  } else if (f.kind == EventKind::ChanRecv) {
    e.args[0] = f.arg;  // the channel; len_after 0, ok
    e.args[2] = 1;
  } else {
    e.args[0] = f.arg;
  }
  return e;
}

TEST_CASE("recorder: events come back in emit order with args intact", "[recorder]") {
  Recorder rec;
  int64_t t = 100;
  rec.set_clock(&counting_clock, &t);
  for (int i = 0; i < 3000; ++i)  // crosses several chunks
    rec.emit(EventKind::TaskStart, static_cast<WorkerId>(i % 3), static_cast<TaskId>(i), 1, 2, 3);
  const auto events = rec.collect();
  REQUIRE(events.size() == 3000);
  REQUIRE(rec.event_count() == 3000);
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].ts == 100 + static_cast<int64_t>(i));
    CHECK(events[i].task == i);
    CHECK(events[i].seq == i);
    CHECK(events[i].args[2] == 3);
  }
}

TEST_CASE("recorder: std::function clock and emit_at", "[recorder]") {
  Recorder rec;
  rec.set_clock([] { return int64_t{42}; });
  CHECK(rec.now() == 42);
  rec.emit(EventKind::WorkerIdle, 0, 0);
  rec.emit_at(7, EventKind::WorkerIdle, 1, 0);
  const auto events = rec.collect();
  REQUIRE(events.size() == 2);
  CHECK(events[0].ts == 7);  // sorted by time
  CHECK(events[1].ts == 42);
}

TEST_CASE("recorder: equal timestamps sort deterministically by buffer then order", "[recorder]") {
  Recorder rec;
  rec.emit_at(5, EventKind::Annotation, 0, 1);
  std::thread([&] { rec.emit_at(5, EventKind::Annotation, 0, 2); }).join();
  rec.emit_at(5, EventKind::Annotation, 0, 3);
  rec.emit_at(1, EventKind::Annotation, 0, 4);
  const auto events = rec.collect();
  REQUIRE(events.size() == 4);
  CHECK(events[0].task == 4);
  CHECK(events[1].task == 1);
  CHECK(events[2].task == 3);
  CHECK(events[3].task == 2);
  CHECK(rec.buffer_count() == 2);
}

TEST_CASE("recorder: interning is stable", "[recorder][strings]") {
  Recorder rec;
  CHECK(rec.intern("") == 0);
  const StringId a = rec.intern("alpha");
  const StringId b = rec.intern("beta");
  CHECK(a == 1);
  CHECK(b == 2);
  CHECK(rec.intern(std::string("alpha")) == a);
  CHECK(rec.string(a) == "alpha");
  CHECK(rec.string(999).empty());
  const auto loc = std::source_location::current();
  const StringId l1 = rec.intern_location(loc);
  CHECK(rec.intern_location(loc) == l1);
  const std::string text = rec.string(l1);
  CHECK(text.rfind("trace/recorder_test.cpp:", 0) == 0);
  CHECK(text.find(std::to_string(loc.line())) != std::string::npos);
  const auto line = [](const std::source_location& l) { return std::to_string(l.line()); };
  const auto plain = loc_test::where(1);
  CHECK(rec.string(rec.intern_location(plain)) ==
        "trace/recorder_test.cpp:" + line(plain) + " loc_test::where");
  const auto templ = loc_test::templ(std::vector<int>{});
  CHECK(rec.string(rec.intern_location(templ)) ==
        "trace/recorder_test.cpp:" + line(templ) + " loc_test::templ");
  const auto lambda = loc_test::from_lambda();
  CHECK(rec.string(rec.intern_location(lambda)) ==
        "trace/recorder_test.cpp:" + line(lambda) + " loc_test::from_lambda");
  CHECK(rec.strings().size() == rec.string_count());
  CHECK(rec.strings()[0].empty());
}

TEST_CASE("recorder: several recorders on one thread stay separate", "[recorder]") {
  Recorder r1, r2, r3, r4, r5, r6;
  Recorder* all[] = {&r1, &r2, &r3, &r4, &r5, &r6};
  for (int round = 0; round < 10; ++round)
    for (int i = 0; i < 6; ++i)
      all[i]->emit_at(round, EventKind::Annotation, 0, static_cast<TaskId>(i));
  for (int i = 0; i < 6; ++i) {
    const auto events = all[i]->collect();
    REQUIRE(events.size() == 10);
    for (const auto& e : events) CHECK(e.task == static_cast<TaskId>(i));
    CHECK(all[i]->buffer_count() == 1);
  }
}

TEST_CASE("recorder: snapshot carries meta, strings and events", "[recorder]") {
  Recorder rec;
  rec.meta().seed = 77;
  const StringId n = rec.intern("main");
  rec.emit_at(3, EventKind::TaskCreate, 0, 1, 0, n, 64);
  const TraceData d = snapshot(rec);
  CHECK(d.meta.seed == 77);
  REQUIRE(d.events.size() == 1);
  CHECK(d.str(static_cast<StringId>(d.events[0].args[1])) == "main");
  CHECK(d.str(12345).empty());
}

TEST_CASE("recorder: reserve pre-links chunks that readers only see once filled", "[recorder]") {
  Recorder rec;
  rec.emit_at(0, EventKind::Annotation, 0, 0);
  rec.reserve(5000);
  Recorder::Cursor cursor;
  std::vector<Event> out;
  CHECK(rec.poll(cursor, out) == 1);
  for (TaskId i = 1; i < 7000; ++i) {
    rec.emit_at(i, EventKind::Annotation, 0, i);
    if (i % 777 == 0) rec.poll(cursor, out);
  }
  rec.poll(cursor, out);
  REQUIRE(out.size() == 7000);
  for (TaskId i = 0; i < 7000; ++i) REQUIRE(out[i].task == i);
  CHECK(rec.event_count() == 7000);
  rec.reserve(100000);
  CHECK(rec.event_count() == 7000);
  CHECK(rec.poll(cursor, out) == 0);
}

TEST_CASE("recorder: the compact encoding keeps every field exactly, across chunks",
          "[recorder][encoding]") {
  // Values that stress each field's encoding: timestamps that go backwards (simulated workers
  // have their own clocks), the largest arguments, negative I64 args, kNoWorker, worker
  // switches, with and without a location. Enough events to fill several 2 MiB chunks.
  Recorder rec;
  std::vector<Event> sent;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  int64_t ts = 1'000'000;
  for (uint32_t i = 0; i < 400'000; ++i) {
    Event e;
    const uint64_t r = next();
    ts += static_cast<int64_t>(r % 5000) - (r % 7 == 0 ? 20'000 : 0);
    if (i % 100'003 == 0) ts = (r % 2 == 0) ? INT64_MAX / 4 : -INT64_MAX / 4;
    e.ts = ts;
    e.kind = static_cast<EventKind>(r % kEventKindCount);
    e.worker = (r >> 8) % 5 == 0 ? kNoWorker : static_cast<WorkerId>((r >> 12) % 4);
    e.task = (r >> 16) % 3 == 0 ? 0 : static_cast<TaskId>(next());
    e.loc = (r >> 20) % 2 == 0 ? 0 : static_cast<StringId>(next() % 1000);
    for (auto& a : e.args) {
      const uint64_t k = next();
      a = k % 4 == 0 ? 0 : k % 4 == 1 ? UINT64_MAX : k % 4 == 2 ? static_cast<uint64_t>(-5) : k;
    }
    e.seq = static_cast<uint32_t>(sent.size());
    if (r % 4 == 3) {  // a FollowOn rides along: the reader must return it as its own event
      static constexpr EventKind kFollowKinds[] = {EventKind::TaskStart, EventKind::PollBegin,
                                                   EventKind::TaskUnblock};
      const FollowOn then{kFollowKinds[(r >> 24) % 3], static_cast<TaskId>(next()),
                          static_cast<uint16_t>(next())};
      rec.emit_at(e.ts, e.kind, e.worker, e.task, e.args[0], e.args[1], e.args[2], e.loc, then);
      sent.push_back(e);
      Event f = expected_follow_on(e, then);
      f.seq = static_cast<uint32_t>(sent.size());
      sent.push_back(f);
    } else {
      rec.emit_at(e.ts, e.kind, e.worker, e.task, e.args[0], e.args[1], e.args[2], e.loc);
      sent.push_back(e);
    }
  }
  // Read incrementally in uneven pieces (a cursor resumes mid-chunk), then compare everything.
  Recorder::Cursor cursor;
  std::vector<Event> got;
  REQUIRE(rec.poll(cursor, got) == sent.size());
  REQUIRE(rec.event_count() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    const Event& a = sent[i];
    const Event& b = got[i];
    const bool same = a.ts == b.ts && a.kind == b.kind && a.worker == b.worker &&
                      a.task == b.task && a.loc == b.loc && a.seq == b.seq &&
                      a.args[0] == b.args[0] && a.args[1] == b.args[1] && a.args[2] == b.args[2];
    if (!same) FAIL("event " << i << " differs after encoding");
  }
}

TEST_CASE("recorder: the step-coded fields survive every step, and cost what they should",
          "[recorder][encoding]") {
  // task is coded as a step from the previous task, a follow-on's task as a step from
  // its carrier's: walk them across the extremes
  // (0, UINT32_MAX, kNoWorker, values of exactly 7 and 8 bytes) in both directions.
  Recorder rec;
  std::vector<Event> sent;
  const TaskId tasks[] = {1, 0, 1, UINT32_MAX, 0, 0, UINT32_MAX, 2, 100'000, 100'001, 0, 99'999, 5};
  const WorkerId workers[] = {0, kNoWorker, kNoWorker, 1, 0, 3, kNoWorker, 0};
  const uint64_t args[] = {0, 1ull << 48, (1ull << 56) - 1, 1ull << 56, UINT64_MAX, 255, 256};
  int64_t ts = 0;
  for (size_t i = 0; i < 3000; ++i) {
    Event e;
    ts += static_cast<int64_t>(i % 17) * 1000 - 5000;
    e.ts = ts;
    e.kind = static_cast<EventKind>(i % kEventKindCount);
    e.task = tasks[i % std::size(tasks)];
    e.worker = workers[i % std::size(workers)];
    e.args[0] = args[i % std::size(args)];
    e.args[1] = args[(i / 7) % std::size(args)];
    e.args[2] = args[(i / 49) % std::size(args)];
    e.seq = static_cast<uint32_t>(sent.size());
    if (i % 3 == 0) {
      const FollowOn then{EventKind::PollBegin, tasks[(i / 3) % std::size(tasks)],
                          static_cast<uint16_t>(i % 2 == 0 ? 0xffff : 0)};
      rec.emit_at(e.ts, e.kind, e.worker, e.task, e.args[0], e.args[1], e.args[2], 0, then);
      sent.push_back(e);
      sent.push_back(expected_follow_on(e, then));
    } else if (i % 3 == 1 && i % 2 == 0) {  // two follow-ons: the second after the fields
      const FollowOn then{EventKind::TaskStop, e.task, static_cast<uint16_t>(i)};
      const FollowOn and_then{EventKind::TaskUnblock, tasks[(i / 5) % std::size(tasks)],
                              static_cast<uint16_t>(i % 4 == 0 ? 0 : 0xfff0)};
      rec.emit_at(e.ts, e.kind, e.worker, e.task, e.args[0], e.args[1], e.args[2], 0, then,
                  and_then);
      sent.push_back(e);
      sent.push_back(expected_follow_on(e, then));
      sent.push_back(expected_follow_on(e, and_then));
    } else {
      rec.emit_at(e.ts, e.kind, e.worker, e.task, e.args[0], e.args[1], e.args[2]);
      sent.push_back(e);
    }
  }
  Recorder::Cursor cursor;
  std::vector<Event> got;
  REQUIRE(rec.poll(cursor, got) == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    const Event& a = sent[i];
    const Event& b = got[i];
    INFO("event " << i);
    CHECK(b.ts == a.ts);
    CHECK(b.kind == a.kind);
    CHECK(b.task == a.task);
    CHECK(b.worker == a.worker);
    CHECK(b.args[0] == a.args[0]);
    CHECK(b.args[1] == a.args[1]);
    CHECK(b.args[2] == a.args[2]);
    CHECK(b.seq == i);
  }

  // Sizes: a spawn loop's records (task ids in the hundreds of thousands, one worker, 100 ns
  // apart) take 5 header bytes + 1 ts + 1 task + 1 worker + 1 argument byte; a follow-on about
  // the same task with no argument adds one byte.
  Recorder loop;
  for (TaskId t = 200'000; t < 210'000; ++t)
    loop.emit_at(static_cast<int64_t>(t) * 100, EventKind::TaskCreate, 1, t, 7);
  // Each chunk's first record carries its ts and task whole (a few chunks: up to ~10 bytes more).
  CHECK(loop.encoded_bytes() >= 10'000 * 9);
  CHECK(loop.encoded_bytes() <= 10'000 * 9 + 64);
  Recorder paired;
  for (TaskId t = 1; t <= 1000; ++t)
    paired.emit_at(static_cast<int64_t>(t) * 100, EventKind::TaskStart, 1, t, 0, 0, 0, 0,
                   FollowOn{EventKind::PollBegin, t});
  CHECK(paired.event_count() == 2000);
  // ts, task, worker, follow-on: a byte each.
  CHECK(paired.encoded_bytes() == 1000 * (5 + 1 + 1 + 1 + 1));
  // A task's end as one record: FrameFree (160 bytes) + TaskStop + TaskDestroy, same task.
  Recorder ends;
  for (TaskId t = 1; t <= 1000; ++t)
    ends.emit_same_time(EventKind::FrameFree, 1, t, 160, 0, 0, 0, FollowOn{EventKind::TaskStop, t},
                        FollowOn{EventKind::TaskDestroy, t});
  CHECK(ends.event_count() == 3000);
  const auto ev = ends.collect();
  CHECK(ev[3 * 999 + 2].kind == EventKind::TaskDestroy);
  CHECK(ev[3 * 999 + 2].task == 1000);
  // ts 1 (the first: a whole clock reading), task 1, worker 1, a0 1, follow-on 1, the second's
  // length byte and 1 byte.
  CHECK(ends.encoded_bytes() <= 1000 * (5 + 1 + 1 + 1 + 1 + 1 + 2) + 8);
}

TEST_CASE("recorder: a FollowOn marked `before` comes out ahead of its carrier",
          "[recorder][encoding]") {
  // A spawn: the child's frame is allocated (by the parent) before the TaskCreate, in one record.
  Recorder rec;
  rec.emit_at(700, EventKind::TaskCreate, 0, 100'000, 1, 0, 160, 0,
              FollowOn{EventKind::FrameAlloc, 1, 160, /*before=*/true});
  // Both kinds in one record: before, carrier, after.
  rec.emit_at(800, EventKind::PollEnd, 0, 5, 0, 0, 0, 0,
              FollowOn{EventKind::TaskStart, 6, 0, /*before=*/false},
              FollowOn{EventKind::FrameFree, 5, 96, /*before=*/true});
  const auto ev = rec.collect();
  REQUIRE(ev.size() == 5);
  CHECK(ev[0].kind == EventKind::FrameAlloc);
  CHECK(ev[0].task == 1);
  CHECK(ev[0].args[0] == 160);
  CHECK(ev[0].ts == 700);
  CHECK(ev[1].kind == EventKind::TaskCreate);
  CHECK(ev[1].task == 100'000);
  CHECK(ev[1].args[0] == 1);
  CHECK(ev[1].args[2] == 160);
  CHECK(ev[2].kind == EventKind::FrameFree);
  CHECK(ev[2].task == 5);
  CHECK(ev[3].kind == EventKind::PollEnd);
  CHECK(ev[4].kind == EventKind::TaskStart);
  CHECK(ev[4].task == 6);
  for (size_t i = 0; i < ev.size(); ++i) CHECK(ev[i].seq == i);
}

TEST_CASE("recorder: a FollowOn comes back as the event it stands for", "[recorder][encoding]") {
  Recorder rec;
  rec.emit_at(
      100, EventKind::TaskBlock, 1, 7, static_cast<uint64_t>(Reason::ChanRecv), 3, 0, 0,
      FollowOn{EventKind::TaskStart, 8, static_cast<uint16_t>(start_from(QueueKind::Runnext))});
  rec.emit_at(
      200, EventKind::ChanSend, 0, 8, 3, 0, 1, 0,
      FollowOn{EventKind::TaskUnblock, 7,
               static_cast<uint16_t>(unblock_reason(Reason::ChanSend, QueueKind::Runnext))});
  rec.emit_at(300, EventKind::PollEnd, 0, 8, 0, 0, 0, 0, FollowOn{EventKind::PollBegin, 9});
  CHECK(rec.event_count() == 6);
  const auto ev = rec.collect();
  REQUIRE(ev.size() == 6);
  CHECK(ev[1].kind == EventKind::TaskStart);
  CHECK(ev[1].ts == 100);
  CHECK(ev[1].worker == 1);
  CHECK(ev[1].task == 8);
  CHECK(ev[1].args[0] == start_from(QueueKind::Runnext));
  CHECK(ev[1].args[1] == 0);
  CHECK(ev[3].kind == EventKind::TaskUnblock);
  CHECK(ev[3].ts == 200);
  CHECK(ev[3].task == 7);
  CHECK(ev[3].args[0] == 8);  // by the sender
  CHECK(ev[3].args[1] == 0);  // on its worker
  CHECK(ev[3].args[2] == unblock_reason(Reason::ChanSend, QueueKind::Runnext));
  CHECK(ev[5].kind == EventKind::PollBegin);
  CHECK(ev[5].task == 9);
  CHECK(ev[5].ts == 300);
  for (size_t i = 0; i < ev.size(); ++i) CHECK(ev[i].seq == i);
}

TEST_CASE("recorder: an open record is published by the thread's next event or takes a second "
          "follow-on",
          "[recorder][encoding]") {
  Recorder rec;
  Recorder::Cursor cursor;
  std::vector<Event> got;
  // (A thread's first event on a recorder, or one that fills a chunk, is always published.)
  rec.emit_at(50, EventKind::WorkerStart, 1, 0);
  REQUIRE(rec.poll(cursor, got) == 1);
  got.clear();
  // A poll boundary left open, then the new poll's receive at the same instant: one record.
  rec.emit_at_open(100, EventKind::PollEnd, 1, 7, 0, 2, 5, 0, FollowOn{EventKind::PollBegin, 8});
  CHECK(rec.event_count() == 1);  // not published yet (the WorkerStart is)
  CHECK(rec.poll(cursor, got) == 0);
  CHECK_FALSE(rec.add_follow_on(101, FollowOn{EventKind::ChanRecv, 8, 3}));  // not its instant
  CHECK(rec.add_follow_on(100, FollowOn{EventKind::ChanRecv, 8, 3}));
  CHECK_FALSE(rec.add_follow_on(100, FollowOn{EventKind::ChanRecv, 8, 3}));  // closed: taken
  REQUIRE(rec.poll(cursor, got) == 3);
  const auto event = [](int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0,
                        uint64_t a1, uint64_t a2) {
    Event e;
    e.ts = ts;
    e.kind = kind;
    e.worker = worker;
    e.task = task;
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    return e;
  };
  const Event end = event(100, EventKind::PollEnd, 1, 7, 0, 2, 5);
  CHECK(got[0].kind == EventKind::PollEnd);
  CHECK(got[0].args[1] == 2);
  CHECK(got[0].args[2] == 5);
  const Event begin = expected_follow_on(end, FollowOn{EventKind::PollBegin, 8});
  const Event recv = expected_follow_on(end, FollowOn{EventKind::ChanRecv, 8, 3});
  for (const auto& [want, e] : {std::pair{begin, got[1]}, std::pair{recv, got[2]}}) {
    CHECK(e.kind == want.kind);
    CHECK(e.ts == 100);
    CHECK(e.worker == 1);
    CHECK(e.task == 8);
    CHECK(e.args[0] == want.args[0]);
    CHECK(e.args[1] == want.args[1]);
    CHECK(e.args[2] == want.args[2]);
  }
  CHECK(got[2].args[0] == 3);  // the channel
  CHECK(got[2].args[1] == 0);  // len_after
  CHECK(got[2].args[2] == 1);  // ok
  // Left open, then an ordinary event: both published by it, and the record is closed for good.
  rec.emit_at_open(200, EventKind::PollEnd, 1, 8, 0, 0, 0, 0, FollowOn{EventKind::PollBegin, 7});
  rec.emit_at(200, EventKind::ChanSend, 1, 7, 3, 1, 0);
  CHECK_FALSE(rec.add_follow_on(200, FollowOn{EventKind::ChanRecv, 7, 3}));
  REQUIRE(rec.poll(cursor, got) == 3);
  CHECK(got[3].kind == EventKind::PollEnd);
  CHECK(got[4].kind == EventKind::PollBegin);
  CHECK(got[5].kind == EventKind::ChanSend);
  // Another recorder's open record is not this one's.
  Recorder other;
  other.emit_at(300, EventKind::WorkerStart, 0, 0);
  other.emit_at_open(300, EventKind::PollEnd, 0, 1, 0, 0, 0, 0, FollowOn{EventKind::PollBegin, 2});
  CHECK_FALSE(rec.add_follow_on(300, FollowOn{EventKind::ChanRecv, 2, 1}));
  CHECK(other.add_follow_on(300, FollowOn{EventKind::ChanRecv, 2, 1}));
  CHECK(other.event_count() == 4);
  // Across chunk boundaries: every record, amended or published by the next, comes back whole.
  Recorder many;
  std::vector<Event> sent;
  int packed = 0;
  for (TaskId t = 1; t <= 20'000; ++t) {
    const int64_t ts = static_cast<int64_t>(t) * 10;
    const Event carrier = event(ts, EventKind::PollEnd, 0, t, 0, t % 7, t);
    many.emit_at_open(ts, EventKind::PollEnd, 0, t, 0, t % 7, t, 0,
                      FollowOn{EventKind::PollBegin, t + 1});
    sent.push_back(carrier);
    sent.push_back(expected_follow_on(carrier, FollowOn{EventKind::PollBegin, t + 1}));
    if (t % 3 != 0) {
      // Packed unless the open record was the thread's first or started a chunk (published):
      // then the receive is a record of its own, as its writer (mpsc) does.
      const FollowOn took{EventKind::ChanRecv, t + 1, static_cast<uint16_t>(t)};
      if (many.add_follow_on(ts, took)) {
        ++packed;
      } else {
        many.emit_at(ts, EventKind::ChanRecv, 0, t + 1, t, 0, 1);
      }
      sent.push_back(expected_follow_on(carrier, took));
    } else {
      many.emit_at(ts + 1, EventKind::ChanSend, 0, t + 1, 3, 0, 0);
      sent.push_back(event(ts + 1, EventKind::ChanSend, 0, t + 1, 3, 0, 0));
    }
  }
  CHECK(packed >= 13'333 - 64);  // all but the few at a chunk's start
  const auto all = many.collect();
  REQUIRE(all.size() == sent.size());
  CHECK(many.event_count() == sent.size());
  for (size_t i = 0; i < all.size(); ++i) {
    INFO("event " << i);
    CHECK(all[i].kind == sent[i].kind);
    CHECK(all[i].ts == sent[i].ts);
    CHECK(all[i].task == sent[i].task);
    CHECK(all[i].args[0] == sent[i].args[0]);
    CHECK(all[i].args[1] == sent[i].args[1]);
    CHECK(all[i].args[2] == sent[i].args[2]);
  }
}

TEST_CASE("recorder: emit_same_time carries a FollowOn at the previous event's time",
          "[recorder][encoding]") {
  Recorder rec;
  rec.emit_at(500, EventKind::PollEnd, 2, 11, 0, 0, 0);
  // A task's end: TaskStop with its TaskDestroy and the frame's release riding along.
  rec.emit_same_time(EventKind::TaskStop, 2, 11, 18, 0, 0, 0,
                     FollowOn{EventKind::TaskDestroy, 11, 18});
  rec.emit_same_time(EventKind::ChanClose, 2, 11, 4, 0, 0, 0,
                     FollowOn{EventKind::FrameFree, 11, 4096});
  const auto ev = rec.collect();
  REQUIRE(ev.size() == 5);
  for (const Event& e : ev) {
    CHECK(e.ts == 500);
    CHECK(e.worker == 2);
    CHECK(e.task == 11);
  }
  CHECK(ev[1].kind == EventKind::TaskStop);
  CHECK(ev[1].args[0] == 18);
  CHECK(ev[2].kind == EventKind::TaskDestroy);
  CHECK(ev[2].args[0] == 18);
  CHECK(ev[3].kind == EventKind::ChanClose);
  CHECK(ev[4].kind == EventKind::FrameFree);
  CHECK(ev[4].args[0] == 4096);
  CHECK(ev[4].args[1] == 0);
}

TEST_CASE("recorder: a cursor resumes mid-chunk with the right decoding state",
          "[recorder][encoding]") {
  Recorder rec;
  Recorder::Cursor cursor;
  std::vector<Event> got;
  int64_t ts = 50;
  size_t total = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i <= round; ++i) {
      ts += (i % 3 == 0) ? -7 : 1000;  // relative timestamps must continue across polls
      rec.emit_at(ts, EventKind::ChanSend, static_cast<WorkerId>(round % 3), 9, ts, 0, 1);
      ++total;
    }
    rec.poll(cursor, got);
    REQUIRE(got.size() == total);
    CHECK(got.back().ts == ts);
    CHECK(got.back().worker == round % 3);
    CHECK(got.back().args[0] == static_cast<uint64_t>(ts));
    CHECK(got.back().seq == total - 1);
  }
}

TEST_CASE("recorder: emit_same_time stamps the thread's previous event time without a clock read",
          "[recorder]") {
  Recorder rec;
  int64_t t = 1000;
  rec.set_clock(&counting_clock, &t);
  rec.emit_same_time(EventKind::Annotation, kNoWorker, 0);  // first event: reads the clock
  rec.emit(EventKind::TaskStart, 0, 1);                     // clock: 1001
  rec.emit_same_time(EventKind::QueueLength, 0, 0, 0, 0, 5);
  rec.emit_same_time(EventKind::TaskStop, 0, 1);
  rec.emit_at(5000, EventKind::TaskStart, 1, 2);
  rec.emit_same_time(EventKind::TaskStop, 1, 2);
  CHECK(t == 1002);  // two clock reads in all
  const auto events = rec.collect();
  REQUIRE(events.size() == 6);
  CHECK(events[0].ts == 1000);
  CHECK(events[1].ts == 1001);
  CHECK(events[2].ts == 1001);
  CHECK(events[2].args[2] == 5);
  CHECK(events[3].ts == 1001);
  CHECK(events[4].ts == 5000);
  CHECK(events[5].ts == 5000);
  CHECK(events[5].kind == EventKind::TaskStop);
}
