// tests/future/block_queue_test.cpp — the block list inside mpsc channels (sync/block_queue.hpp),
// on one thread: FIFO order across many blocks (and recycled ones), every value destroyed exactly
// once (taken, or left in the queue when it dies, across several blocks), move-only values.
// The two-sided races run in tests/future/mpsc_race_test.cpp (real threads, TSan).
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/future/sync/block_queue.hpp"
#include "tests/future/test_support.hpp"

using as::future::sync::BlockQueue;
using as::future::test::Tracked;

namespace {
constexpr uint64_t kSlots = BlockQueue<int>::kBlockSlots;
}

TEST_CASE("BlockQueue keeps FIFO order across blocks", "[future][blockqueue]") {
  BlockQueue<int> q;
  CHECK(q.published() == q.head());
  int next_in = 0;
  int next_out = 0;
  // Push 3, take 1: the queue spans more and more blocks while the receiver frees old ones.
  for (int round = 0; round < 100; ++round) {
    for (int k = 0; k < 3; ++k) q.push(int{next_in++});
    CHECK(q.pop() == next_out++);
    CHECK(q.published() - q.head() == static_cast<uint64_t>(next_in - next_out));
    CHECK(q.tail() == static_cast<uint64_t>(next_in));
  }
  while (q.head() < q.published()) CHECK(q.pop() == next_out++);
  CHECK(next_out == next_in);
  CHECK(next_in > static_cast<int>(4 * kSlots));  // several blocks were filled and freed
}

TEST_CASE("BlockQueue at a steady length reuses its blocks", "[future][blockqueue]") {
  BlockQueue<std::string> q;
  for (int i = 0; i < 5; ++i) q.push(std::to_string(i));
  for (int i = 5; i < 2000; ++i) {  // ~60 block boundaries, one spare block recycled each time
    CHECK(q.pop() == std::to_string(i - 5));
    q.push(std::to_string(i));
  }
  CHECK(q.published() - q.head() == 5);
}

TEST_CASE("BlockQueue destroys every value exactly once", "[future][blockqueue]") {
  Tracked::reset();
  {
    BlockQueue<Tracked> q;
    for (int i = 0; i < 100; ++i) q.push(Tracked(i));  // four blocks
    for (int i = 0; i < 40; ++i) CHECK(q.pop().value == i);
    for (int i = 100; i < 110; ++i) q.push(Tracked(i));
    CHECK(q.published() - q.head() == 70);
    CHECK(Tracked::live.load() == 70);
  }
  CHECK(Tracked::live.load() == 0);  // the 70 left in the queue died with it
}

TEST_CASE("BlockQueue moves move-only values", "[future][blockqueue]") {
  BlockQueue<std::unique_ptr<int>> q;
  for (int i = 0; i < 70; ++i) q.push(std::make_unique<int>(i));
  for (int i = 0; i < 70; ++i) CHECK(*q.pop() == i);
  CHECK(q.head() == q.published());
}
