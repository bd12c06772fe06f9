// tests/platform/fiber_threads_test.cpp — fibers that migrate between OS threads (as goroutines
// and tasks do between workers): suspended on one thread, resumed on another.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/fiber/fiber.hpp"

using as::fiber::Fiber;
using as::fiber::StackPool;

TEST_CASE("a fiber migrates between threads and sees the right current fiber", "[fiber][threads]") {
  StackPool pool;
  constexpr int kHops = 2000;
  std::atomic<Fiber*> back{nullptr};  // where the fiber returns to on this hop
  std::atomic<int> turn{0};           // which thread resumes the fiber next (0 or 1)
  std::atomic<int> wrong_current{0};
  std::atomic<int> hops_on[2] = {0, 0};
  std::atomic<bool> stop{false};
  thread_local int thread_index = -1;
  Fiber* self = nullptr;
  Fiber traveller(pool, [&] {
    while (!stop.load()) {
      if (&Fiber::current() != self) wrong_current.fetch_add(1);
      hops_on[thread_index].fetch_add(1);
      Fiber::switch_to(*back.load());
    }
  });
  self = &traveller;
  auto run_thread = [&](int me) {
    thread_index = me;
    for (int i = 0; i < kHops / 2; ++i) {
      while (turn.load(std::memory_order_acquire) != me) std::this_thread::yield();
      back.store(&Fiber::current());
      Fiber::switch_to(traveller);
      turn.store(1 - me, std::memory_order_release);
    }
  };
  std::thread a(run_thread, 0);
  std::thread b(run_thread, 1);
  a.join();
  b.join();
  REQUIRE(wrong_current.load() == 0);
  REQUIRE(hops_on[0].load() == kHops / 2);
  REQUIRE(hops_on[1].load() == kHops / 2);
  // Finish it from a third thread (the test thread).
  stop.store(true);
  thread_index = 0;
  back.store(&Fiber::current());
  Fiber::switch_to(traveller);
  REQUIRE(traveller.finished());
  REQUIRE(pool.stats().live == 0);
}

TEST_CASE("fibers created on many threads share one stack pool", "[fiber][threads]") {
  StackPool pool;
  std::atomic<int> ran{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        Fiber f(pool, [&] { ran.fetch_add(1); });
        Fiber::switch_to(f);
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(ran.load() == 2000);
  const auto stats = pool.stats();
  REQUIRE(stats.live == 0);
  REQUIRE(stats.acquires == 2000);
  REQUIRE(stats.pooled <= 4);  // at most one stack per thread was ever needed at once
}
