// tests/future/timer_wheel_test.cpp — the wheel's next expiration, tracked without a scan.
//
// TimeDriver::register_or_update publishes a shard's next deadline after an insert as
// min(previous next expiration, the tick insert() returns) instead of scanning the levels
// (Wheel::next_expiration). This pins that the two always agree: inserts at every level, mixed
// with removes and advances (which do scan), from many starting points of `elapsed`.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "core/future/time/wheel.hpp"

using namespace as::future;

TEST_CASE("timer wheel: insert returns the slot expiration next_expiration would report",
          "[future][time]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    time::Wheel wheel;
    std::vector<time::TimerEntry> entries(400);
    uint64_t now = rng() % 1'000'000;
    wheel.advance(now, [](time::TimerEntry*) {});
    size_t next = 0;
    for (int step = 0; step < 2000 && next < entries.size(); ++step) {
      const uint64_t op = rng() % 10;
      if (op < 6) {
        time::TimerEntry& e = entries[next++];
        // Deadlines at every level: 1 tick .. ~2^30 ticks ahead.
        const uint64_t ahead = uint64_t{1} << (rng() % 30);
        e.deadline_tick = wheel.elapsed() + 1 + rng() % ahead;
        const std::optional<uint64_t> before = wheel.next_expiration();
        const uint64_t slot = wheel.insert(&e);
        CHECK(slot > wheel.elapsed());
        CHECK(slot <= e.deadline_tick);
        const uint64_t tracked = before ? std::min(*before, slot) : slot;
        REQUIRE(wheel.next_expiration());
        CHECK(*wheel.next_expiration() == tracked);
      } else if (op < 8 && next > 0) {
        wheel.remove(&entries[rng() % next]);  // no-op if not in the wheel
      } else {
        now += rng() % 5000;
        wheel.advance(now, [&](time::TimerEntry* e) { CHECK(e->deadline_tick <= now); });
      }
    }
  }
}
