// tests/future/coroutine_frame_test.cpp — Task<T>'s frame diet (task/coroutine.hpp): the promise
// is one word plus the result, the root's poll keeps the one exception in flight, Result promises
// alone carry the `?` hook, spawn still learns each root frame's size, a Unit leaf awaiter is
// its future alone, and a cancelled chain (also one torn down inside another's teardown) destroys
// every frame once; the task allocator's 8-byte classes (task_memory.hpp); the one-word join
// waker slot of a task (raw_task.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/future/test_support.hpp"

using namespace as::future;
using as::future::test::Tracked;
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

TEST_CASE("a promise is its parent word plus the result", "[future][task][frame]") {
  // No handle to itself, no owner slot, no exception slot, no frame size field.
  STATIC_REQUIRE(sizeof(Task<void>::promise_type) == sizeof(void*));
  STATIC_REQUIRE(sizeof(Task<int>::promise_type) == sizeof(void*) + sizeof(std::optional<int>));
  // A Result coroutine alone carries the `?` hook.
  STATIC_REQUIRE(sizeof(Task<R>::promise_type) == 2 * sizeof(void*) + sizeof(std::optional<R>));
  // A Task is its chain (innermost, leaf poll function, leaf): the chain owns the root frame.
  STATIC_REQUIRE(sizeof(Task<int>) == 3 * sizeof(void*));
  // Awaiting a future of Unit keeps nothing but the future (here a reference to it).
  STATIC_REQUIRE(sizeof(detail::LeafAwaiter<Notify::Notified&>) == sizeof(void*));
  // ... stored unaligned, so it packs after the 1-byte result temporary g++ puts before it.
  STATIC_REQUIRE(alignof(detail::LeafAwaiter<Notify::Notified&>) == 1);
  // The frame size is still known (spawn traces it in TaskCreate), until the Task is awaited.
  Task<int> t = empty_unit();
  CHECK(t.frame_bytes() >= 2 * sizeof(void*) + sizeof(Task<int>::promise_type));
  Task<void> v = []() -> Task<void> { co_return; }();
  CHECK(v.frame_bytes() >= 2 * sizeof(void*) + sizeof(Task<void>::promise_type));
}

namespace {

Task<int> parked_leaf(Gate* g, Tracked t) {
  co_await GateFuture(g);
  co_return t.value;
}
Task<int> parked_middle(Gate* g, Tracked t) {
  co_return co_await parked_leaf(g, Tracked(t.value + 1)) + t.value;
}
// PollOnce polls a Task once and is Ready whatever the Task said (it leaves it parked).
struct PollOnce {
  explicit PollOnce(Task<int>* t) : task(t) {}
  Task<int>* task;
  Poll<Unit> poll(Context& cx) {
    (void)task->poll(cx);
    return Unit{};
  }
};
// holder parks another chain two frames deep in a local, then parks itself two frames deeper:
// destroying it tears its own chain down and, inside that, the local's.
Task<int> holder(Gate* inner, Gate* outer, Tracked t) {
  Task<int> local = parked_middle(inner, Tracked(10));
  co_await PollOnce(&local);
  co_return co_await parked_middle(outer, Tracked(20)) + t.value;
}

}  // namespace

TEST_CASE("a cancelled chain destroys every frame once (also one torn down inside another)",
          "[future][task][frame]") {
  Tracked::reset();
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  Gate inner, outer;
  {
    Task<int> t = holder(&inner, &outer, Tracked(1));
    CHECK(t.poll(cx).is_pending());
    // Parameters: holder's, both chains' middle and leaf ones; and the temporaries of the two
    // suspended `co_await parked_...(.., Tracked(..))` full-expressions in holder and in both
    // middles except the local's own creation (its full-expression ended): 5 + 3.
    CHECK(Tracked::live.load() == 8);
  }
  CHECK(Tracked::live.load() == 0);
  {  // the same chain run to its end also destroys each frame once
    Task<int> t = holder(&inner, &outer, Tracked(1));
    CHECK(t.poll(cx).is_pending());
    outer.open = true;
    auto r = t.poll(cx);
    REQUIRE(r.is_ready());
    CHECK(r.take() == 20 + 21 + 1);
  }
  CHECK(Tracked::live.load() == 0);
}

TEST_CASE("task memory: 8-byte classes for packed blocks while allocate stays 16-aligned",
          "[future][memory]") {
  namespace mem = as::future::memory;
  std::vector<void*> packed, aligned;
  for (int i = 0; i < 9; ++i) {
    packed.push_back(mem::allocate_packed(120));
    aligned.push_back(mem::allocate(152));
  }
  for (void* p : packed) CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
  for (void* p : aligned) CHECK(reinterpret_cast<uintptr_t>(p) % 16 == 0);
  // Distinct blocks that do not overlap: 120 bytes apart at least.
  std::vector<uintptr_t> all;
  for (void* p : packed) all.push_back(reinterpret_cast<uintptr_t>(p));
  std::sort(all.begin(), all.end());
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i] - all[i - 1] >= 120);
  const int64_t free0 = mem::free_bytes();
  void* const last = packed.back();
  packed.pop_back();
  mem::deallocate_packed(last, 120);
  if (mem::pooled()) {
    CHECK(mem::free_bytes() - free0 == 120);  // a 120-byte class, not 128
    void* again = mem::allocate_packed(117);  // same class: the block just freed comes back
    CHECK(again == last);
    packed.push_back(again);
  }
  for (void* p : packed) mem::deallocate_packed(p, 120);
  for (void* p : aligned) mem::deallocate(p, 152);
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

TEST_CASE("the waker slot (join waker, Notified) is one word and owns what it holds like a Waker",
          "[future][task][join]") {
  STATIC_REQUIRE(sizeof(WakerSlot) == sizeof(void*));
  WakeCounts a, b;
  test::BorrowedWaker wa(a), wb(b);
  {
    WakerSlot slot;
    slot.clone_if_changed(wa.waker);
    slot.clone_if_changed(wa.waker);  // the same owner: kept, not cloned again
    CHECK(a.clones == 1);
    CHECK(a.live == 1);
    slot.clone_if_changed(wb.waker);  // another owner: the new clone, then the old one's drop
    CHECK(b.clones == 1);
    CHECK(a.drops == 1);
    CHECK(a.live == 0);
    Waker w = slot.take();
    CHECK(w.will_wake(wb.waker));
    CHECK(slot.take().empty());  // taken: the slot is empty
    w.wake();
    CHECK(b.wakes == 1);
    CHECK(b.live == 0);
    slot.clone_if_changed(wa.waker);
    Waker none;
    slot.clone_if_changed(none);  // an empty waker drops the stored one
    CHECK(a.live == 0);
    slot.clone_if_changed(wa.waker);
  }  // the slot's destructor drops what it holds
  CHECK(a.live == 0);
  CHECK(a.drops == 3);
  CHECK(b.drops == 0);
}
