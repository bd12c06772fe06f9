// tests/trace/file_sink_threads_test.cpp — FileSink draining while OS threads write (TSan suite).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <tuple>

#include "core/trace/astrace.hpp"
#include "core/trace/file_sink.hpp"

using namespace as::trace;

TEST_CASE("file sink threads: streaming while 3 threads write loses nothing", "[sink][threads]") {
  const std::string path = std::string(ASYNCSCOPE_BINARY_DIR) + "/trace_test_sink_threads.astrace";
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
