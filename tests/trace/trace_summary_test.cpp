// tests/trace/trace_summary_test.cpp — what `asyncscope info` reports about a trace.
#include <catch2/catch.hpp>

#include "core/trace/trace_summary.hpp"

using namespace as::trace;

TEST_CASE("trace summary: span, workers, tasks, counts by name, errors", "[summary]") {
  Recorder rec;
  const StringId msg = rec.intern("all goroutines are asleep");
  rec.emit_at(100, EventKind::TaskCreate, 0, 1, 0, 0, 0);
  rec.emit_at(110, EventKind::TaskCreate, 0, 2, 1, 0, 0);
  rec.emit_at(120, EventKind::TaskStart, 0, 1);
  rec.emit_at(130, EventKind::TaskStart, 3, 2);
  rec.emit_at(140, EventKind::TaskBlock, 3, 2, static_cast<uint64_t>(Reason::ChanRecv), 1, 0);
  rec.emit_at(900, EventKind::RuntimeError, kNoWorker, 0,
              static_cast<uint64_t>(ErrorKind::Deadlock), msg, 2);
  const TraceSummary s = summarize(snapshot(rec));
  CHECK(s.events == 6);
  CHECK(s.first_ts == 100);
  CHECK(s.last_ts == 900);
  CHECK(s.duration_ns == 800);
  CHECK(s.workers_seen == 2);
  CHECK(s.tasks_created == 2);
  CHECK(s.tasks_seen == 2);
  REQUIRE(s.counts.size() == 4);
  CHECK(s.counts[0].name == "runtime.error");
  CHECK(s.counts[1].name == "task.block");
  CHECK(s.counts[2].name == "task.create");
  CHECK(s.counts[2].count == 2);
  CHECK(s.counts[3].name == "task.start");
  REQUIRE(s.errors.size() == 1);
  CHECK(error_kind_name(s.errors[0].kind) == "deadlock");
  CHECK(s.errors[0].message == "all goroutines are asleep");
  CHECK(s.errors[0].task == 2);
  CHECK(error_kind_name(999) == "error");
  CHECK(model_name(ModelKind::Future) == "future");
}

TEST_CASE("trace summary: empty trace", "[summary]") {
  Recorder rec;
  const TraceSummary s = summarize(snapshot(rec));
  CHECK(s.events == 0);
  CHECK(s.duration_ns == 0);
  CHECK(s.counts.empty());
  CHECK(s.errors.empty());
}
