// tests/future/frame_memory_test.cpp — what a parked task occupies (the idle_memory diet):
// coroutine frames take blocks in 8-byte steps yet stay as aligned as their type needs
// (coroutine.hpp, task_memory.hpp), an empty result (Unit) is not stored in the promise, a
// Notified keeps its waker in one word (task/waker_slot.hpp), and the sizes of the pieces of a
// task parked on Notify::notified() — the idle_memory benchmark's task.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "tests/future/test_support.hpp"

using namespace as::future;
using as::future::test::WakeCounts;

namespace {

// The idle_memory task (bench/future_bench.cpp parked_task).
Task<Unit> parked_task(Notify* notify, std::atomic<int>* parked) {
  auto waiting = notify->notified();
  parked->fetch_add(1);
  co_await waiting;
  co_return Unit{};
}

// A frame holding a 16-aligned local: its size is a multiple of 16, and it must get a 16-aligned
// block even when the allocator's neighbouring blocks are odd multiples of 8.
struct alignas(16) Wide {
  unsigned char bytes[16];
};
Task<int> wide_frame(int v) {
  Wide w{};
  w.bytes[0] = static_cast<unsigned char>(v);
  co_await yield_now();
  // The local's address as seen after a suspension (it lives in the frame).
  co_return reinterpret_cast<std::uintptr_t>(&w) % alignof(Wide) == 0 ? w.bytes[0] : -1;
}
Task<int> narrow_frame(int v) {
  int64_t x = v;
  co_await yield_now();
  co_return static_cast<int>(x);
}

template <class T>
T run_to_end(Task<T>& t) {
  test::WakeCounts wc;
  test::BorrowedWaker bw(wc);
  Context cx(bw.waker);
  for (;;) {
    auto p = t.poll(cx);
    if (p.is_ready()) return p.take();
  }
}

}  // namespace

TEST_CASE("a parked task's pieces: promise, wait node, Notified", "[future][task][memory]") {
  // A Unit coroutine's promise is its parent word alone, as a void one's.
  STATIC_REQUIRE(sizeof(Task<Unit>::promise_type) == sizeof(void*));
  STATIC_REQUIRE(sizeof(Task<void>::promise_type) == sizeof(void*));
  // A stored waker is one word (a Notified's, a task's join waker).
  STATIC_REQUIRE(sizeof(WakerSlot) == sizeof(void*));
  // A Notified is the Notify (its state in the low bits), two links (one shared with the call
  // count) and the waker.
  STATIC_REQUIRE(sizeof(Notify::Notified) == 4 * sizeof(void*));
  // The task cell: the header (a Unit output in its tail padding; a panic is kept where the
  // future was) and the Task — three words.
  STATIC_REQUIRE(sizeof(Task<Unit>) == 3 * sizeof(void*));
  STATIC_REQUIRE(sizeof(TaskCore<Unit>) <= 72);
  STATIC_REQUIRE(sizeof(TaskCell<Task<Unit>>) == sizeof(TaskCore<Unit>) + sizeof(Task<Unit>));
  // The benchmark's task frame: resume/destroy pointers, the promise, g++'s own bookkeeping, two
  // pointer parameters, the Notified, the await_resume result (a 1-byte Unit) and the awaiter
  // (an unaligned pointer to the Notified). Measured with g++ 12: 104 bytes (it was 160 with
  // shared_ptr parameters, a lambda, a stored Unit, a two-word waker, a five-word Notified and an
  // 8-aligned awaiter).
  // Other compilers lay frames out differently.
  Notify n;
  std::atomic<int> parked{0};
  Task<Unit> t = parked_task(&n, &parked);
#if defined(__GNUC__) && !defined(__clang__)
  CHECK(t.frame_bytes() <= 104);
#endif
  CHECK(t.frame_bytes() % 8 == 0);
}

TEST_CASE("a Unit coroutine returns its value though the promise stores none",
          "[future][task][memory]") {
  Notify n;
  std::atomic<int> parked{0};
  Task<Unit> t = parked_task(&n, &parked);
  test::WakeCounts wc;
  test::BorrowedWaker bw(wc);
  Context cx(bw.waker);
  CHECK(t.poll(cx).is_pending());
  CHECK(parked.load() == 1);
  n.notify_waiters();
  CHECK(wc.wakes == 1);
  CHECK(t.poll(cx).is_ready());
  CHECK(wc.live == 0);
}

TEST_CASE("frames take 8-byte steps but keep the alignment their type needs",
          "[future][task][memory]") {
  // Interleave frames of an odd multiple of 8 with 16-aligned ones, many times, so that both
  // kinds are carved next to each other and reused from the free lists.
  for (int round = 0; round < 3; ++round) {
    std::vector<Task<int>> wide, narrow;
    for (int i = 0; i < 200; ++i) {
      narrow.push_back(narrow_frame(i));
      wide.push_back(wide_frame(i % 100));
    }
    for (auto& w : wide) {
      // A frame's size is a multiple of its alignment: 16 here.
      CHECK(w.frame_bytes() % 16 == 0);
    }
    int i = 0;
    for (auto& w : wide) CHECK(run_to_end(w) == i++ % 100);
    i = 0;
    for (auto& x : narrow) CHECK(run_to_end(x) == i++);
  }
  if (memory::pooled()) {
    // An odd multiple of 8 takes exactly its size from the free lists.
    Task<int> a = narrow_frame(1);
    const uint32_t bytes = a.frame_bytes();
    if (bytes % 16 == 8) {
      const int64_t before = memory::free_bytes();
      { Task<int> b = narrow_frame(2); }
      const int64_t after = memory::free_bytes();
      // b's block came from a free list (or a carve that left its batch there) and went back.
      CHECK((after - before) % static_cast<int64_t>(bytes) == 0);
    }
  }
}

TEST_CASE("an rvalue waker slot converts to the Waker it held", "[future][task][memory]") {
  WakeCounts a;
  test::BorrowedWaker wa(a);
  WakerSlot slot;
  CHECK(slot.empty());
  slot.clone_if_changed(wa.waker);
  CHECK(a.live == 1);
  Waker w = std::move(slot);  // as a moved Waker member: the slot is empty afterwards
  CHECK(slot.empty());
  CHECK(w.will_wake(wa.waker));
  w.wake();
  CHECK(a.wakes == 1);
  CHECK(a.live == 0);
}

namespace {
// A future smaller than the exception it throws: the panic still fits where it was.
struct TinyThrower {
  Poll<int> poll(Context&) { throw std::runtime_error("tiny"); }
};
}  // namespace

TEST_CASE("a task's panic is kept in its future's storage", "[future][task][memory]") {
  STATIC_REQUIRE(sizeof(TaskCell<TinyThrower>) >= sizeof(TaskCore<int>) + sizeof(std::exception_ptr));
  for (const test::Env& e : test::envs(false)) {
    INFO(e.name);
    as::trace::Recorder rec;  // traced: the panic is also reported from the exception kept aside
    const int r = test::run_root(
        e,
        []() -> Task<int> {
          auto h = spawn(TinyThrower{});
          auto joined = co_await h;
          if (!joined.is_err() || !joined.error().is_panic()) co_return 1;
          // Detached before its panic: the cell frees the exception with it (ASan: no leak).
          spawn([]() -> Task<int> {
            co_await yield_now();
            throw std::runtime_error("detached");
          }()).detach();
          co_await yield_now();
          co_await yield_now();
          co_return 0;
        },
        &rec);
    CHECK(r == 0);
  }
}
