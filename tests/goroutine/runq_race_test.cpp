// tests/goroutine/runq_race_test.cpp — runnext claimed by its owner and by thieves on real
// threads, for each claim protocol the runtime uses with more than one P (runq.hpp): proc.go's
// CAS, and the asymmetric one (the owner stores, a thief fences every thread with membarrier).
// Every G put into runnext must be taken exactly once: by the owner's get or by one thief.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "core/goroutine/runq.hpp"

using as::go::detail::G;
using as::go::detail::LocalRunQueue;

TEST_CASE("local run queue: runnext taken exactly once under thieves", "[goroutine][runq]") {
  using Claim = LocalRunQueue::Claim;
  const Claim claim = GENERATE(Claim::Locked, Claim::Asymmetric);
  if (claim == Claim::Asymmetric && !LocalRunQueue::asymmetric_available()) {
    SUCCEED("membarrier(2) unavailable (or TSan): the runtime uses the CAS protocol");
    return;
  }
  CAPTURE(static_cast<int>(claim));
#if defined(ASYNCSCOPE_TSAN) || defined(__SANITIZE_ADDRESS__)
  constexpr int kPuts = 20'000;
#else
  constexpr int kPuts = 200'000;
#endif
  constexpr int kThieves = 2;
  // A handful of G records reused over and over, like a pingpong pair (the same pointer comes
  // back into runnext: a stale answer about an earlier put must not be taken for this one).
  std::vector<G> gs(4);
  std::vector<std::atomic<uint8_t>> taken(kPuts);
  std::atomic<int> doubles{0};
  std::atomic<int> stolen_total{0};
  std::atomic<bool> done{false};
  auto victim = std::make_unique<LocalRunQueue>();
  victim->set_claim(claim);
  // busy[k]: gs[k] sits in runnext or its taker has not recorded the take yet.
  std::vector<std::atomic<bool>> busy(gs.size());
  auto take = [&](G* g) {
    if (taken[g->id].exchange(1) != 0) doubles.fetch_add(1);
    busy[static_cast<size_t>(g - gs.data())].store(false, std::memory_order_release);
  };
  std::vector<std::thread> thieves;
  for (int t = 0; t < kThieves; ++t) {
    thieves.emplace_back([&] {
      LocalRunQueue own;
      own.set_claim(claim);
      while (!done.load(std::memory_order_acquire)) {
        uint32_t stolen = 0;
        if (G* g = own.steal_from(*victim, true, stolen, nullptr, nullptr)) {
          take(g);
          stolen_total.fetch_add(1);
        }
      }
    });
  }
  int owner_took = 0, bad_puts = 0, wrong_gets = 0;
  for (int i = 0; i < kPuts; ++i) {
    const size_t k = static_cast<size_t>(i) % gs.size();
    G* g = &gs[k];
    // Reuse the record only once its last taker is done with it; put into an empty runnext.
    while (busy[k].load(std::memory_order_acquire) || victim->has_runnext())
      std::this_thread::yield();
    g->id = static_cast<uint64_t>(i);
    busy[k].store(true, std::memory_order_relaxed);
    G* kicked = nullptr;
    if (!victim->put(g, true, kicked) || kicked != nullptr) ++bad_puts;
    if (i % 8 == 0) {
      // Now and then the owner is slow to take it (a few microseconds): thieves get a chance.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(5);
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    bool inherit = false;
    if (G* got = victim->get(inherit)) {
      if (got != g) ++wrong_gets;
      take(got);
      ++owner_took;
    }
  }
  done.store(true, std::memory_order_release);
  for (auto& t : thieves) t.join();
  int missing = 0;
  for (auto& t : taken)
    if (t.load() == 0) ++missing;
  CHECK(bad_puts == 0);
  CHECK(wrong_gets == 0);
  CHECK(doubles.load() == 0);
  CHECK(missing == 0);
  CHECK(owner_took + stolen_total.load() == kPuts);
  CHECK(stolen_total.load() > 0);  // the thieves did get some: the race was exercised
}
