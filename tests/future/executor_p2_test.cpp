// tests/future/executor_p2_test.cpp — the work-stealing executor's locality rules: timers fired
// in batches that fit the firing worker's queue, and the steal grace on real threads (a running
// worker keeps what it queued for a few µs, a stuck one loses it).
// Built twice: AS_P2_REAL=0 (future_p2_tests: the wheel and the simulation) and AS_P2_REAL=1
// (future_p2_os_tests: real threads, also run under TSan, which does not run the sim's fibers).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/future/test_support.hpp"

namespace as::future::test {
namespace {

using namespace std::chrono_literals;

#if !AS_P2_REAL
TEST_CASE("timer wheel: advance fires at most `limit`, the rest stay due in order",
          "[future][time]") {
  time::Wheel wheel;
  std::vector<time::TimerEntry> entries(300);
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].deadline_tick = 5 + (i % 3);  // three ticks, 100 entries each
    entries[i].id = i;
    wheel.insert(&entries[i]);
  }
  std::vector<uint64_t> fired;
  auto fire = [&](time::TimerEntry* e) {
    CHECK(e->deadline_tick <= 10);
    fired.push_back(e->deadline_tick);
  };
  CHECK_FALSE(wheel.advance(10, fire, 70));
  CHECK(fired.size() == 70);
  CHECK(wheel.size() == 230);
  REQUIRE(wheel.next_expiration());
  CHECK(*wheel.next_expiration() <= 10);  // still due
  size_t calls = 1;
  while (!wheel.advance(10, fire, 70)) ++calls;
  CHECK(calls == 4);  // 70 + 70 + 70 + 70, then the last 20
  CHECK(fired.size() == 300);
  CHECK(std::is_sorted(fired.begin(), fired.end()));  // deadline order across the batches
  CHECK(wheel.empty());
  // A batch cut inside a slot, then a cancel of an entry left behind, then a later insert.
  time::Wheel w2;
  std::vector<time::TimerEntry> more(10);
  for (auto& e : more) {
    e.deadline_tick = 3;
    w2.insert(&e);
  }
  size_t n = 0;
  CHECK_FALSE(w2.advance(
      3, [&](time::TimerEntry*) { ++n; }, 4));
  time::TimerEntry* left = nullptr;
  for (auto& e : more)
    if (e.level >= 0) left = &e;
  REQUIRE(left != nullptr);
  w2.remove(left);
  time::TimerEntry late;
  late.deadline_tick = 9;
  w2.insert(&late);
  CHECK(w2.advance(3, [&](time::TimerEntry* e) {
    CHECK(e != left);
    CHECK(e != &late);
    ++n;
  }));
  CHECK(n == 9);
  CHECK(w2.size() == 1);
}
#endif

// Many tasks whose sleeps end at the same tick: more than a local queue holds (256). Every sleep
// ends, none before its deadline.
void body_many_timers_one_tick(const Env& e) {
  auto root = []() -> Task<int> {
    constexpr int kTasks = 1500;
    auto early = std::make_shared<std::atomic<int>>(0);
    std::vector<JoinHandle<int>> hs;
    hs.reserve(kTasks);
    for (int i = 0; i < kTasks; ++i)
      hs.push_back(spawn([](std::shared_ptr<std::atomic<int>> bad) -> Task<int> {
        for (int k = 0; k < 3; ++k) {
          const int64_t deadline = now_ns() + 1'000'000;
          co_await sleep_until(deadline);
          if (now_ns() < deadline) bad->fetch_add(1);
        }
        co_return 1;
      }(early)));
    int done = 0;
    for (auto& h : hs) done += (co_await h).value();
    co_return done == kTasks && early->load() == 0 ? 1 : 0;
  };
  CHECK(run_root(e, root) == 1);
}

#if !AS_P2_REAL
// A worker kept busy by a full run queue (tasks that yield) still fires a pile of due timers
// within a bounded time: it fires what fits its queue, and everything once they are overdue.
int64_t max_timer_lateness_ns(const Env& e) {
  auto root = []() -> Task<int64_t> {
    auto stop = std::make_shared<std::atomic<bool>>(false);
    auto late = std::make_shared<std::atomic<int64_t>>(0);
    std::vector<JoinHandle<Unit>> busy;
    for (int i = 0; i < 300; ++i)
      busy.push_back(spawn([](std::shared_ptr<std::atomic<bool>> s) -> Task<Unit> {
        while (!s->load()) co_await yield_now();
        co_return Unit{};
      }(stop)));
    std::vector<JoinHandle<Unit>> sleepers;
    const int64_t deadline = now_ns() + 2'000'000;
    for (int i = 0; i < 1000; ++i)
      sleepers.push_back(
          spawn([](int64_t d, std::shared_ptr<std::atomic<int64_t>> l) -> Task<Unit> {
            co_await sleep_until(d);
            const int64_t by = now_ns() - d;
            int64_t prev = l->load();
            while (by > prev && !l->compare_exchange_weak(prev, by)) {
            }
            co_return Unit{};
          }(deadline, late)));
    for (auto& h : sleepers) (void)co_await h;
    stop->store(true);
    for (auto& h : busy) (void)co_await h;
    co_return late->load();
  };
  return run_root(e, root);
}

TEST_CASE("sim: a busy worker's pile of due timers fires within a bounded time",
          "[future][time][sim]") {
  for (const Env& e : envs(false)) {
    INFO(e.name);
    const int64_t late = max_timer_lateness_ns(e);
    INFO("latest wake " << late << " ns after its deadline");
    CHECK(late < 20'000'000);
  }
}

TEST_CASE("sim: many timers due at one tick all fire, none early", "[future][time][sim]") {
  for (const Env& e : envs(false)) {
    INFO(e.name);
    body_many_timers_one_tick(e);
  }
}
#else

TEST_CASE("os: many timers due at one tick all fire, none early", "[future][time][os]") {
  for (const Env& e : envs(true)) {
    INFO(e.name);
    body_many_timers_one_tick(e);
  }
}

// A worker stuck in a long poll (blocking in async) does not keep the tasks it queued: another
// worker steals them after the grace period, while the poll is still running.
TEST_CASE("os: a stuck worker's queued tasks are stolen", "[future][os][steal]") {
  for (int workers : {2, 4}) {
    Env e{true, RuntimeConfig::multi_thread(workers), "os/multi" + std::to_string(workers)};
    INFO(e.name);
    auto root = []() -> Task<int> {
      auto ran = std::make_shared<std::atomic<int>>(0);
      auto mark = [](std::shared_ptr<std::atomic<int>> r) -> Task<int> {
        r->fetch_add(1);
        co_return 0;
      };
      // The first spawn goes to the LIFO slot, the next ones push it into the stealable queue.
      std::vector<JoinHandle<int>> hs;
      for (int i = 0; i < 3; ++i) hs.push_back(spawn(mark(ran)));
      // Block this worker (no await) until another worker ran two of them, or 5 s.
      const auto give_up = std::chrono::steady_clock::now() + 5s;
      while (ran->load() < 2 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(50us);
      const int seen = ran->load();
      for (auto& h : hs) (void)co_await h;
      co_return seen;
    };
    CHECK(run_root(e, root) >= 2);
  }
}
#endif

}  // namespace
}  // namespace as::future::test
