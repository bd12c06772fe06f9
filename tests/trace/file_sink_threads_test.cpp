// tests/trace/file_sink_threads_test.cpp — FileSink draining while OS threads write (TSan suite).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <tuple>

#include "core/trace/astrace.hpp"
#include "core/trace/file_sink.hpp"
#include "core/trace/synthetic_trace.hpp"
#include "tests/trace/trace_test_util.hpp"

using namespace as::trace;
using namespace as::trace::test;

TEST_CASE("file sink threads: streaming while 3 threads write loses nothing", "[sink][threads]") {
  const std::string path = temp_path("sink_threads.astrace");
  Recorder rec;
  FileSink::Options opt;
  opt.block_events = 64;
  opt.interval_ms = 1;
  FileSink sink(rec, path, opt);
  constexpr int kThreads = 3;
  constexpr uint64_t kEach = 5000;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&rec, t] {
      for (uint64_t i = 0; i < kEach; ++i) {
        // New strings appear while the sink runs; events refer to them right away.
        const StringId s =
            i % 100 == 0 ? rec.intern("w" + std::to_string(t) + "-" + std::to_string(i)) : 0;
        rec.emit(EventKind::Annotation, static_cast<WorkerId>(t), static_cast<TaskId>(i), s);
      }
    });
  for (auto& w : writers) w.join();
  sink.finish();
  const TraceData back = read_astrace(path);
  REQUIRE(back.events.size() == kThreads * kEach);
  std::vector<uint64_t> next(kThreads, 0);
  for (const Event& e : back.events) {
    REQUIRE(e.worker < kThreads);
    if (e.args[0] != 0) {
      const std::string& s = back.str(static_cast<StringId>(e.args[0]));
      REQUIRE(s == "w" + std::to_string(e.worker) + "-" + std::to_string(e.task));
    }
  }
  // Per-writer order survives (each thread's clock is monotonic; seq breaks ties in order).
  for (const Event& e : back.events) {
    REQUIRE(e.task == next[e.worker]);
    ++next[e.worker];
  }
  std::remove(path.c_str());
}

TEST_CASE("file sink: streams a simulation's trace deterministically", "[astrace][sink]") {
  // Same events, drained at different moments (background thread vs explicit flushes), must give
  // byte-identical files: block boundaries depend on event counts only.
  const auto record = [](const std::string& path, bool background) {
    Recorder rec;
    rec.meta().runtime = "sink test";
    FileSink::Options opt;
    opt.block_events = 100;
    opt.interval_ms = background ? 1 : 0;
    FileSink sink(rec, path, opt);
    // A control thread emitting a few events (like a main thread starting a simulation).
    std::thread([&rec] {
      for (TaskId i = 0; i < 5; ++i) rec.emit_at(500 + i, EventKind::Annotation, kNoWorker, i);
    }).join();
    for (int part = 0; part < 5; ++part) {
      emit_synthetic_trace(rec, SyntheticOptions{700, 2, 6, static_cast<uint64_t>(part)});
      if (background)
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      else if (part % 2 == 0)
        sink.flush();
    }
    rec.meta().seed = 99;  // meta changes after the sink started land in the final META
    sink.finish();
    CHECK(sink.events_written() == rec.event_count());
    return snapshot(rec);
  };
  const std::string a = temp_path("sink_a.astrace"), b = temp_path("sink_b.astrace");
  const TraceData original = record(a, true);
  record(b, false);
  CHECK(slurp(a) == slurp(b));
  const TraceData back = read_astrace(a);
  CHECK(back.meta.seed == 99);
  CHECK(back.meta.runtime == original.meta.runtime);
  CHECK(back.strings == original.strings);
  require_same_events(back.events, original.events);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST_CASE("file sink: unfinished file is rejected, finished one is valid", "[astrace][sink]") {
  const std::string path = temp_path("sink_partial.astrace");
  Recorder rec;
  FileSink::Options opt;
  opt.interval_ms = 0;
  opt.block_events = 10;
  FileSink sink(rec, path, opt);
  emit_synthetic_trace(rec, SyntheticOptions{50, 1, 2, 1});
  sink.flush(true);
  CHECK_THROWS_WITH(read_astrace(path), Catch::Contains("without END"));
  sink.finish();
  sink.finish();  // idempotent
  CHECK(read_astrace(path).events.size() == rec.event_count());
  std::remove(path.c_str());
}
