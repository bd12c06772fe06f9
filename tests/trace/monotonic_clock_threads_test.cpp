// tests/trace/monotonic_clock_threads_test.cpp — the TSC-based clock of real runs
// (core/trace/monotonic_clock.hpp): never backwards, consistent across threads, and running at
// CLOCK_MONOTONIC's rate. Real threads, so this suite also runs under TSan.
#include <time.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

#include "core/trace/monotonic_clock.hpp"
#include "core/trace/recorder.hpp"

namespace {

int64_t clock_monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

TEST_CASE("monotonic_ns never goes backwards on one thread", "[trace][clock]") {
  int64_t last = as::trace::monotonic_ns();
  int backwards = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const int64_t t = as::trace::monotonic_ns();
    if (t < last) ++backwards;
    last = t;
  }
  CHECK(backwards == 0);
}

TEST_CASE("monotonic_ns shares CLOCK_MONOTONIC's epoch and rate", "[trace][clock]") {
  // Same epoch: a read agrees with clock_gettime to well under a millisecond.
  const int64_t ours0 = as::trace::monotonic_ns();
  const int64_t theirs0 = clock_monotonic_ns();
  CHECK(std::abs(theirs0 - ours0) < 1'000'000);
  // Same rate: over ~50 ms both clocks advance by the same amount (0.2% covers the scheduling
  // noise of a loaded machine between the two reads; a wrong calibration is off by far more).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int64_t ours1 = as::trace::monotonic_ns();
  const int64_t theirs1 = clock_monotonic_ns();
  const double ours = static_cast<double>(ours1 - ours0);
  const double theirs = static_cast<double>(theirs1 - theirs0);
  REQUIRE(theirs >= 50e6);
  CHECK(std::abs(ours - theirs) / theirs < 0.002);
}

TEST_CASE("monotonic_ns is ordered across threads by happens-before", "[trace][clock]") {
  // A time read before a release store is never later than a time read after the matching
  // acquire load on another thread: timestamps of causally ordered events stay in order.
  constexpr int kRounds = 20'000;
  std::atomic<int64_t> handoff{-1};
  std::atomic<int> violations{0};
  std::thread reader([&] {
    for (int i = 0; i < kRounds; ++i) {
      int64_t sent;
      while ((sent = handoff.exchange(-1, std::memory_order_acquire)) < 0)
        std::this_thread::yield();
      if (as::trace::monotonic_ns() < sent) violations.fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    while (handoff.load(std::memory_order_acquire) >= 0) std::this_thread::yield();
    handoff.store(as::trace::monotonic_ns(), std::memory_order_release);
  }
  reader.join();
  CHECK(violations.load() == 0);
}

TEST_CASE("a Recorder without a clock stamps events with monotonic_ns", "[trace][clock]") {
  as::trace::Recorder rec;
  const int64_t before = as::trace::monotonic_ns();
  rec.emit(as::trace::EventKind::Annotation, as::trace::kNoWorker, 0);
  const int64_t after = as::trace::monotonic_ns();
  const auto events = rec.collect();
  REQUIRE(events.size() == 1);
  CHECK(events[0].ts >= before);
  CHECK(events[0].ts <= after);
  // Restoring the default after a custom clock goes back to the same clock.
  rec.set_clock([] { return int64_t{42}; });
  rec.emit(as::trace::EventKind::Annotation, as::trace::kNoWorker, 0);
  rec.set_clock(as::trace::Recorder::Clock{});
  const int64_t before2 = as::trace::monotonic_ns();
  rec.emit(as::trace::EventKind::Annotation, as::trace::kNoWorker, 0);
  const auto all = rec.collect();
  REQUIRE(all.size() == 3);
  CHECK(all[0].ts == 42);
  CHECK(all[2].ts >= before2);
}
