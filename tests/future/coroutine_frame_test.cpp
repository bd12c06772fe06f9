// tests/future/coroutine_frame_test.cpp — Task<T>'s frame diet (task/coroutine.hpp): the promise
// is two pointers plus the result, a chain keeps the one exception in flight, Result promises
// alone carry the `?` hook, and spawn still learns each root frame's size.
#include <catch2/catch.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/future/test_support.hpp"

using namespace as::future;
using as::future::test::WakeCounts;

namespace {

// Gate: Pending until opened; a re-poll of an open gate throws when armed to.
struct Gate {
  bool open = false;
  bool throw_on_repoll = false;
  Waker waker;
};
struct GateFuture {
  explicit GateFuture(Gate* g) : gate(g) {}
  Gate* gate;
  Poll<int> poll(Context& cx) {
    if (gate->open) {
      if (gate->throw_on_repoll) throw std::runtime_error("leaf failed");
      return 1;
    }
    gate->waker.clone_if_changed(cx.waker());
    return pending;
  }
};

// thrower waits on g below `depth` nested awaits, then throws from the innermost coroutine.
Task<int> thrower(int depth, Gate* g) {
  if (depth == 0) {
    co_await GateFuture(g);
    throw std::runtime_error("deep failure");
  }
  co_return co_await thrower(depth - 1, g) + 1;
}

// catcher catches a deep failure (its unwind crosses more coroutines than kMaxSymmetricHops), then
// a leaf's re-poll failure (the chain's one exception slot is used again), then finishes normally.
Task<int> catcher(Gate* deep, Gate* leaf, int* caught) {
  try {
    co_await thrower(200, deep);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()) == "deep failure") ++*caught;
  }
  try {
    co_await GateFuture(leaf);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()) == "leaf failed") ++*caught;
  }
  co_return 40 + co_await [](int x) -> Task<int> { co_return x; }(2);
}

using R = Result<int, std::string>;

// level_n: `?` through three Result coroutines; the innermost fails when asked to.
Task<R> level0(bool fail) {
  if (fail) co_return Err{std::string("bottom")};
  co_return 1;
}
Task<R> level1(bool fail) {
  int v = co_await level0(fail);
  co_return v + 10;
}
Task<R> level2(bool fail, bool* after) {
  int v = co_await level1(fail);
  *after = true;  // not reached when level1 propagated an Err
  co_return v + 100;
}

Task<int> empty_unit() {
  co_return 0;
}

template <class T>
auto run_to_end(Task<T>& t, Context& cx) {
  for (;;) {
    auto p = t.poll(cx);
    if (p.is_ready()) return p.take();
  }
}

}  // namespace

TEST_CASE("a promise is its parent and owner slot plus the result", "[future][task][frame]") {
  // No handle to itself, no exception slot, no frame size: those live in the root's chain.
  STATIC_REQUIRE(sizeof(Task<void>::promise_type) == 2 * sizeof(void*));
  STATIC_REQUIRE(sizeof(Task<int>::promise_type) == 2 * sizeof(void*) + sizeof(std::optional<int>));
  // A Result coroutine alone carries the `?` hook.
  STATIC_REQUIRE(sizeof(Task<R>::promise_type) == 3 * sizeof(void*) + sizeof(std::optional<R>));
  // The frame size is still known (spawn traces it in TaskCreate).
  Task<int> t = empty_unit();
  CHECK(t.frame_bytes() >= 2 * sizeof(void*) + sizeof(Task<int>::promise_type));
}

TEST_CASE("the chain's exception slot carries every failure to its catcher", "[future][task]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  Gate deep, leaf;
  int caught = 0;
  Task<int> t = catcher(&deep, &leaf, &caught);
  CHECK(t.poll(cx).is_pending());  // parked 200 coroutines down
  deep.open = true;
  CHECK(t.poll(cx).is_pending());  // the deep failure was caught; now parked on `leaf`
  CHECK(caught == 1);
  leaf.open = true;
  leaf.throw_on_repoll = true;
  auto r = t.poll(cx);
  REQUIRE(r.is_ready());
  CHECK(r.take() == 42);
  CHECK(caught == 2);
}

TEST_CASE("an uncaught failure leaves the root's poll once", "[future][task]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  Gate g;
  Task<int> t = thrower(100, &g);
  CHECK(t.poll(cx).is_pending());
  g.open = true;
  CHECK_THROWS_WITH(t.poll(cx), "deep failure");
}

TEST_CASE("? propagates an Err through several Result coroutines", "[future][result]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  {
    bool after = false;
    Task<R> t = level2(false, &after);
    R r = run_to_end(t, cx);
    REQUIRE(r.is_ok());
    CHECK(r.value() == 111);
    CHECK(after);
  }
  {
    bool after = false;
    Task<R> t = level2(true, &after);
    R r = run_to_end(t, cx);
    REQUIRE(r.is_err());
    CHECK(r.error() == "bottom");
    CHECK_FALSE(after);
  }
}
