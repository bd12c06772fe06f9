// tests/trace/recorder_test.cpp — the Recorder: ordering, interning, incremental reads, threads.
#include <catch2/catch.hpp>

#include <atomic>
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
