// tests/goroutine/runq_test.cpp — the P-local run queue on its own (no runtime).
#include <catch2/catch.hpp>

#include <vector>

#include "core/goroutine/runq.hpp"

using as::go::detail::G;
using as::go::detail::GlobalRunQueue;
using as::go::detail::LocalRunQueue;

TEST_CASE("local run queue: runnext first, then FIFO", "[goroutine][runq]") {
  std::vector<G> gs(4);
  LocalRunQueue q;
  G* kicked = nullptr;
  REQUIRE(q.put(&gs[0], false, kicked));
  REQUIRE(q.put(&gs[1], false, kicked));
  REQUIRE(q.put(&gs[2], true, kicked));  // runnext
  REQUIRE(q.put(&gs[3], true, kicked));  // kicks gs[2] to the tail
  bool inherit = false;
  CHECK(q.get(inherit) == &gs[3]);
  CHECK(inherit);
  CHECK(q.get(inherit) == &gs[0]);
  CHECK_FALSE(inherit);
  CHECK(q.get(inherit) == &gs[1]);
  CHECK(q.get(inherit) == &gs[2]);
  CHECK(q.get(inherit) == nullptr);
  CHECK(q.empty());
}

TEST_CASE("local run queue: holds 256, then half spills", "[goroutine][runq]") {
  std::vector<G> gs(300);
  LocalRunQueue q;
  G* kicked = nullptr;
  for (int i = 0; i < 256; ++i) REQUIRE(q.put(&gs[static_cast<size_t>(i)], false, kicked));
  CHECK(q.size() == 256);
  CHECK_FALSE(q.put(&gs[256], false, kicked));
  CHECK(kicked == &gs[256]);
  G* batch[129];
  const uint32_t n = q.grab_half(batch, kicked);
  CHECK(n == 129);
  CHECK(batch[0] == &gs[0]);
  CHECK(batch[128] == &gs[256]);
  CHECK(q.size() == 128);
}

TEST_CASE("local run queue: steal takes half, runnext only when allowed", "[goroutine][runq]") {
  std::vector<G> gs(10);
  LocalRunQueue victim, thief;
  G* kicked = nullptr;
  for (int i = 0; i < 8; ++i) victim.put(&gs[static_cast<size_t>(i)], false, kicked);
  uint32_t stolen = 0;
  G* run = thief.steal_from(victim, false, stolen, nullptr, nullptr);
  CHECK(stolen == 4);
  CHECK(run == &gs[3]);
  CHECK(thief.size() == 3);
  CHECK(victim.size() == 4);

  LocalRunQueue only_next;
  only_next.put(&gs[9], true, kicked);
  CHECK(thief.steal_from(only_next, false, stolen, nullptr, nullptr) == nullptr);
  CHECK(thief.steal_from(only_next, true, stolen, nullptr, nullptr) == &gs[9]);
}

TEST_CASE("global run queue is FIFO", "[goroutine][runq]") {
  std::vector<G> gs(3);
  GlobalRunQueue q;
  q.push_back(&gs[0]);
  q.push_back(&gs[1]);
  q.push_front(&gs[2]);
  CHECK(q.size() == 3);
  CHECK(q.pop() == &gs[2]);
  CHECK(q.pop() == &gs[0]);
  CHECK(q.pop() == &gs[1]);
  CHECK(q.pop() == nullptr);
}
