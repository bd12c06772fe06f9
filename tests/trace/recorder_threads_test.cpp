// tests/trace/recorder_threads_test.cpp — the Recorder under real OS threads (run under TSan).
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/trace/trace_data.hpp"

using namespace as::trace;

TEST_CASE("recorder threads: concurrent writers lose no event and keep per-thread order",
          "[recorder][threads]") {
  constexpr int kThreads = 4;
  constexpr uint64_t kPerThread = 20000;
  Recorder rec;
  std::atomic<bool> go{false};
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      if (t % 2 == 0) rec.reserve(kPerThread / 2);  // half the writers pre-link their chunks
      while (!go.load()) std::this_thread::yield();
      for (uint64_t i = 0; i < kPerThread; ++i)
        rec.emit(EventKind::ChanSend, static_cast<WorkerId>(t), 0, i);
      done.fetch_add(1);
    });
  }
  // A concurrent reader polls while the writers run.
  std::vector<Event> polled;
  Recorder::Cursor cursor;
  go.store(true);
  while (done.load() < kThreads) rec.poll(cursor, polled);
  for (auto& w : writers) w.join();
  rec.poll(cursor, polled);
  REQUIRE(polled.size() == kThreads * kPerThread);
  REQUIRE(rec.event_count() == kThreads * kPerThread);

  std::vector<uint64_t> next(kThreads, 0);
  for (const auto& e : polled) {
    REQUIRE(e.worker < kThreads);
    REQUIRE(e.args[0] == next[e.worker]);  // per-thread order, nothing lost or duplicated
    ++next[e.worker];
  }
  const auto all = rec.collect();
  REQUIRE(all.size() == kThreads * kPerThread);
  for (size_t i = 1; i < all.size(); ++i) REQUIRE(all[i - 1].ts <= all[i].ts);
}

TEST_CASE("recorder threads: interning from many threads gives one id per string",
          "[recorder][strings][threads]") {
  Recorder rec;
  constexpr int kThreads = 4;
  std::vector<std::vector<StringId>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) ids[t].push_back(rec.intern("s" + std::to_string(i)));
    });
  for (auto& th : threads) th.join();
  for (int t = 1; t < kThreads; ++t) REQUIRE(ids[t] == ids[0]);
  std::set<StringId> unique(ids[0].begin(), ids[0].end());
  CHECK(unique.size() == 500);
  CHECK(rec.string_count() == 501);
  for (int i = 0; i < 500; ++i) CHECK(rec.string(ids[0][i]) == "s" + std::to_string(i));
}
