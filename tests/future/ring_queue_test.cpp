// tests/future/ring_queue_test.cpp — the ring buffer inside mpsc channels (sync/ring_queue.hpp):
// FIFO order across wrap-around and growth, every value destroyed exactly once (popped, or left
// in the queue when it dies), and a bounded channel's ring never growing past its capacity.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/future/sync/ring_queue.hpp"
#include "tests/future/test_support.hpp"

using as::future::sync::RingQueue;
using as::future::test::Tracked;

TEST_CASE("RingQueue keeps FIFO order across wrap-around and growth", "[future][ring]") {
  RingQueue<int> q;
  CHECK(q.empty());
  int next_in = 0;
  int next_out = 0;
  // Interleave pushes and pops so the head walks around the ring while it grows 4 → 8 → 16 → 32.
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 3; ++k) q.push_back(next_in++);
    CHECK(q.pop_front() == next_out++);
    CHECK(q.size() == static_cast<std::size_t>(next_in - next_out));
  }
  while (!q.empty()) CHECK(q.pop_front() == next_out++);
  CHECK(next_out == next_in);
  CHECK(q.capacity() == 128);  // 100 queued at most: the first power of two above
}

TEST_CASE("RingQueue at a steady size never grows", "[future][ring]") {
  RingQueue<std::string> q;
  for (int i = 0; i < 4; ++i) q.push_back(std::to_string(i));
  const std::size_t cap = q.capacity();
  for (int i = 4; i < 1000; ++i) {
    CHECK(q.pop_front() == std::to_string(i - 4));
    q.push_back(std::to_string(i));
  }
  CHECK(q.capacity() == cap);
  CHECK(q.size() == 4);
}

TEST_CASE("RingQueue destroys every value exactly once", "[future][ring]") {
  Tracked::reset();
  {
    RingQueue<Tracked> q;
    for (int i = 0; i < 37; ++i) q.push_back(Tracked(i));  // grows while full, several times
    for (int i = 0; i < 20; ++i) CHECK(q.pop_front().value == i);
    for (int i = 37; i < 45; ++i) q.push_back(Tracked(i));  // wraps around
    CHECK(q.size() == 25);
    CHECK(Tracked::live.load() == 25);
  }
  CHECK(Tracked::live.load() == 0);  // the 25 left in the queue died with it
}

TEST_CASE("RingQueue moves move-only values", "[future][ring]") {
  RingQueue<std::unique_ptr<int>> q;
  for (int i = 0; i < 9; ++i) q.push_back(std::make_unique<int>(i));
  for (int i = 0; i < 9; ++i) CHECK(*q.pop_front() == i);
  CHECK(q.empty());
}
