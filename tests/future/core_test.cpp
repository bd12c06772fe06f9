// tests/future/core_test.cpp — the future model without an executor: Poll, Waker contract,
// Result `?`, Task<T> driven by hand (laziness, deep chains on a small stack), the timer wheel,
// the local run queue, and the lost-wakeup regressions of Notify and bounded mpsc.
#include <pthread.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/future/executor/local_queue.hpp"
#include "core/future/task/task_memory.hpp"
#include "core/future/time/wheel.hpp"
#include "tests/future/test_support.hpp"

using namespace as::future;
using as::future::test::Tracked;
using as::future::test::WakeCounts;

namespace {

// Gate is a hand-written leaf future: Pending (waker stored) until open() is called.
struct GateState {
  bool open = false;
  Waker waker;
  int polls = 0;
};
struct GateFuture {
  GateState* s;
  Poll<int> poll(Context& cx) {
    ++s->polls;
    if (s->open) return 7;
    s->waker.clone_if_changed(cx.waker());
    return pending;
  }
};

Task<int> leaf_then_add(GateState* g, int add) {
  int v = co_await GateFuture{g};
  co_return v + add;
}

Task<int> nested(int depth, GateState* g) {
  if (depth == 0) co_return co_await GateFuture{g};
  int v = co_await nested(depth - 1, g);
  co_return v + 1;
}

Task<int> ready_child(int i) {
  co_return i;
}

Task<long> sequential(int n) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await ready_child(1);
  co_return sum;
}

// run_on_small_stack runs fn on a thread with a 256 KiB stack: any recursion proportional to the
// await depth would overflow it.
void run_on_small_stack(std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t th;
  auto* heap_fn = new std::function<void()>(std::move(fn));
  REQUIRE(pthread_create(
              &th, &attr,
              [](void* p) -> void* {
                auto* f = static_cast<std::function<void()>*>(p);
                (*f)();
                delete f;
                return nullptr;
              },
              heap_fn) == 0);
  pthread_join(th, nullptr);
  pthread_attr_destroy(&attr);
}

template <class F>
auto poll_to_end(F& f, Context& cx) {
  for (;;) {
    auto p = f.poll(cx);
    if (p.is_ready()) return p.take();
  }
}

}  // namespace

TEST_CASE("Poll holds a value only when ready", "[future][poll]") {
  Poll<int> p = pending;
  CHECK(p.is_pending());
  Poll<int> r = 3;
  REQUIRE(r.is_ready());
  CHECK(r.take() == 3);
}

TEST_CASE("Poll keeps small values flat and gives them back whole", "[future][poll]") {
  // One word each: built and returned in a register (poll.hpp, FlatRepr).
  static_assert(sizeof(Poll<std::optional<int>>) == 8);
  static_assert(sizeof(Poll<Result<Unit, int>>) == 8);
  Poll<std::optional<int>> some = std::optional<int>(7);
  Poll<std::optional<int>> none = std::optional<int>();
  Poll<std::optional<int>> not_yet = pending;
  CHECK(not_yet.is_pending());
  REQUIRE(some.is_ready());
  CHECK(some.take() == std::optional<int>(7));
  REQUIRE(none.is_ready());
  CHECK_FALSE(none.take().has_value());
  // The optional rebuilt from its flat members (a bit_cast where the layouts agree).
  for (int v : {0, -1, 1 << 30}) {
    Poll<std::optional<int>> p = std::optional<int>(v);
    const std::optional<int> back = p.take();
    REQUIRE(back.has_value());
    CHECK(*back == v);
  }
  Poll<std::optional<double>> d = std::optional<double>(2.5);
  CHECK(d.take() == std::optional<double>(2.5));
  Poll<std::optional<bool>> b = std::optional<bool>(false);
  const std::optional<bool> bb = b.take();
  REQUIRE(bb.has_value());
  CHECK_FALSE(*bb);
  Poll<Result<Unit, int>> ok = Result<Unit, int>(Unit{});
  Poll<Result<Unit, int>> err = Result<Unit, int>(Err{3});
  CHECK(ok.take().is_ok());
  const Result<Unit, int> e = err.take();
  REQUIRE(e.is_err());
  CHECK(e.error() == 3);
  // A value that is not small stays in a std::optional and moves out whole.
  Poll<std::string> s = std::string(100, 'x');
  CHECK(s.take() == std::string(100, 'x'));
}

TEST_CASE("Waker clone/wake/wake_by_ref/drop follow Rust's contract", "[future][waker]") {
  WakeCounts c;
  {
    test::BorrowedWaker bw(c);
    const Waker& borrowed = bw.waker;
    Waker a = borrowed;  // clone
    CHECK(c.clones == 1);
    a.wake_by_ref();
    CHECK(c.wakes == 1);
    CHECK(!a.empty());
    Waker b = a;  // clone
    b.wake();     // consumes
    CHECK(b.empty());
    CHECK(c.wakes == 2);
    a.clone_if_changed(borrowed);  // same owner: no new clone
    CHECK(c.clones == 2);
  }
  CHECK(c.live == 0);
  CHECK(c.drops == 1);
}

TEST_CASE("Task is lazy and resumes only when its leaf is ready", "[future][task]") {
  GateState g;
  WakeCounts c;
  test::BorrowedWaker bw(c);
  const Waker& w = bw.waker;
  {
    Task<int> t = leaf_then_add(&g, 1);
    CHECK(g.polls == 0);  // nothing ran
    Context cx(w);
    CHECK(t.poll(cx).is_pending());
    CHECK(g.polls == 1);
    CHECK(c.live == 1);              // the leaf stored a clone of the waker
    CHECK(t.poll(cx).is_pending());  // re-poll only re-polls the leaf
    CHECK(g.polls == 2);
    g.open = true;
    g.waker.wake();
    auto r = t.poll(cx);
    REQUIRE(r.is_ready());
    CHECK(r.take() == 8);
  }
  CHECK(c.live == 0);
}

TEST_CASE("Result ? propagation inside a coroutine", "[future][result]") {
  auto parse = [](int x) -> Result<int, std::string> {
    if (x < 0) return Err{std::string("negative")};
    return x * 2;
  };
  struct Local {
    static Task<Result<int, std::string>> run(std::function<Result<int, std::string>(int)> f, int x,
                                              Tracked* out) {
      Tracked keep(1);
      int v = co_await f(x);        // `?`
      int w = co_await try_(f(v));  // the spelled-out form
      out->value = w;
      co_return w + 1;
    }
  };
  WakeCounts c;
  test::BorrowedWaker bw(c);
  const Waker& w = bw.waker;
  Context cx(w);
  Tracked::reset();
  Tracked out(0);
  {
    auto t = Local::run(parse, 3, &out);
    auto r = poll_to_end(t, cx);
    REQUIRE(r.is_ok());
    CHECK(r.value() == 13);
  }
  {
    auto t = Local::run(parse, -1, &out);
    auto r = poll_to_end(t, cx);
    REQUIRE(r.is_err());
    CHECK(r.error() == "negative");
  }
  CHECK(Tracked::live == 1);  // only `out`: the coroutine's local was destroyed on the `?` path
}

TEST_CASE("deep await chains do not grow the machine stack", "[future][task][deep]") {
  // 100,000 nested awaits and 1,000,000 sequential awaits on a 256 KiB stack.
  run_on_small_stack([] {
    GateState g;
    WakeCounts c;
    test::BorrowedWaker bw(c);
    const Waker& w = bw.waker;
    Context cx(w);
    {
      Task<int> t = nested(100'000, &g);
      CHECK(t.poll(cx).is_pending());
      g.open = true;
      auto r = t.poll(cx);
      REQUIRE(r.is_ready());
      CHECK(r.take() == 7 + 100'000);
    }
    {
      Task<long> t = sequential(1'000'000);
      auto r = t.poll(cx);
      REQUIRE(r.is_ready());
      CHECK(r.take() == 1'000'000);
    }
    {
      // Cancelling a deep chain destroys it iteratively, innermost first.
      GateState g2;
      Task<int> t = nested(100'000, &g2);
      CHECK(t.poll(cx).is_pending());
    }
  });
}

TEST_CASE("1,000,000 nested awaits", "[future][task][deep][.slow]") {
  run_on_small_stack([] {
    GateState g;
    WakeCounts c;
    test::BorrowedWaker bw(c);
    const Waker& w = bw.waker;
    Context cx(w);
    Task<int> t = nested(1'000'000, &g);
    CHECK(t.poll(cx).is_pending());
    g.open = true;
    auto r = t.poll(cx);
    REQUIRE(r.is_ready());
    CHECK(r.take() == 7 + 1'000'000);
  });
}

TEST_CASE("timer wheel fires in deadline order across levels", "[future][time]") {
  time::Wheel wheel;
  std::vector<time::TimerEntry> entries(200);
  std::vector<uint64_t> deadlines;
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].deadline_tick = 1 + (i * 7919) % 300'000;  // spread over levels 0..3
    entries[i].id = i;
    wheel.insert(&entries[i]);
  }
  wheel.remove(&entries[5]);  // cancelled: must never fire
  std::vector<uint64_t> fired;
  uint64_t last_tick = 0;
  for (uint64_t now = 0; now <= 300'000; now += 37) {
    wheel.advance(now, [&](time::TimerEntry* e) {
      CHECK(e->deadline_tick <= now);
      CHECK(e->deadline_tick > last_tick);  // not earlier than it could have been fired
      fired.push_back(e->deadline_tick);
    });
    last_tick = now;
  }
  CHECK(fired.size() == entries.size() - 1);
  CHECK(std::is_sorted(fired.begin(), fired.end()));
  CHECK(wheel.empty());
  CHECK(!wheel.next_expiration());
}

TEST_CASE("local queue: FIFO, capacity 256, steal half", "[future][queue]") {
  LocalQueue q;
  std::vector<std::unique_ptr<char>> fake;  // distinct addresses standing for tasks
  auto task = [&](int) {
    fake.emplace_back(new char);
    return reinterpret_cast<RawTask*>(fake.back().get());
  };
  std::vector<RawTask*> pushed;
  for (int i = 0; i < 256; ++i) {
    pushed.push_back(task(i));
    REQUIRE(q.push_back(pushed.back()));
  }
  CHECK_FALSE(q.push_back(task(999)));
  RawTask* batch[128];
  CHECK(q.grab(batch) == 128);
  CHECK(batch[0] == pushed[0]);
  CHECK(q.len() == 128);
  CHECK(q.pop() == pushed[128]);
  CHECK(q.grab(batch) == 64);  // half of 127, rounded up
}

TEST_CASE("Notify: a notified waiter cancelled before observing passes it on",
          "[future][sync][lostwakeup]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  const Waker& w = bw.waker;
  Context cx(w);
  Notify n;
  auto b = n.notified();
  {
    auto a = n.notified();
    CHECK(a.poll(cx).is_pending());
    CHECK(b.poll(cx).is_pending());
    n.notify_one();  // picks a
  }                  // a dropped without observing it
  CHECK(b.poll(cx).is_ready());
}

TEST_CASE("Notify: a waiter added after notify_waiters is not woken by it",
          "[future][sync][lostwakeup]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  const Waker& w = bw.waker;
  Context cx(w);
  Notify n;
  auto a = n.notified();
  CHECK(a.poll(cx).is_pending());
  n.notify_waiters();
  auto late = n.notified();
  CHECK(a.poll(cx).is_ready());
  CHECK(late.poll(cx).is_pending());
  n.notify_one();
  CHECK(late.poll(cx).is_ready());
  // notify_one with nobody waiting stores one permit
  n.notify_one();
  auto again = n.notified();
  CHECK(again.poll(cx).is_ready());
}

TEST_CASE("mpsc bounded: back-pressure and a cancelled notified sender passes its turn",
          "[future][mpsc][lostwakeup]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  const Waker& w = bw.waker;
  Context cx(w);
  {
    auto [tx, rx] = mpsc::channel<int>(1);
    auto s0 = tx.send(0);
    CHECK(s0.poll(cx).is_ready());
    auto s2 = tx.send(2);
    {
      auto s1 = tx.send(1);
      CHECK(s1.poll(cx).is_pending());  // full: back-pressure
      CHECK(s2.poll(cx).is_pending());
      auto r = rx.recv();
      auto v = r.poll(cx);
      REQUIRE(v.is_ready());
      CHECK(*v.take() == 0);  // frees a slot → notifies s1
    }                         // s1 dropped before using its turn → s2 must be notified
    const int wakes_before = c.wakes;
    CHECK(s2.poll(cx).is_ready());
    CHECK(wakes_before >= 2);
    auto r = rx.recv();
    auto v = r.poll(cx);
    REQUIRE(v.is_ready());
    CHECK(*v.take() == 2);
  }
  CHECK(c.live == 0);
}

namespace {
Task<Result<int, std::string>> parse_async(int x) {
  if (x < 0) co_return Err{std::string("negative")};
  co_return x + 1;
}
Task<Result<int, std::string>> twice(int x, Tracked* t) {
  Tracked keep(2);
  int a = co_await parse_async(x);  // `.await?`
  t->value = a;
  co_return a * 2;
}
Task<int> caller(int x, Tracked* t) {
  auto r = co_await twice(x, t);  // not a Result coroutine: gets the whole Result
  co_return r.is_ok() ? r.value() : -1;
}
}  // namespace

TEST_CASE("awaiting a Task<Result> inside a Result coroutine applies ?", "[future][result]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  Tracked::reset();
  Tracked t(0);
  {
    auto ok = caller(4, &t);
    CHECK(poll_to_end(ok, cx) == 10);
    CHECK(t.value == 5);
    auto bad = caller(-3, &t);
    CHECK(poll_to_end(bad, cx) == -1);
    CHECK(t.value == 5);  // the line after the `?` never ran
  }
  CHECK(Tracked::live == 1);
}

namespace {
// A leaf future owning a resource, built with a constructor (see the g++ 12 note in coroutine.hpp).
struct Holding {
  explicit Holding(std::shared_ptr<int> p) : res(std::move(p)) {}
  std::shared_ptr<int> res;
  Poll<Unit> poll(Context&) { return pending; }
};
Task<int> hold_then_return(std::shared_ptr<int> p) {
  co_await Holding(p);
  co_return 1;
}
}  // namespace

TEST_CASE("destroying a task suspended on a resource-owning leaf releases it exactly once",
          "[future][task][cancel]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  auto sp = std::make_shared<int>(1);
  {
    auto t = hold_then_return(sp);
    CHECK(t.poll(cx).is_pending());
    CHECK(sp.use_count() == 3);  // sp, the parameter, the leaf
  }
  CHECK(sp.use_count() == 1);
}

// ---- the task allocator (task/task_memory.hpp) -------------------------------------------------
// Sanitizer builds bypass the pool (pooled() == false): there only the pass-through is checked.

TEST_CASE("task memory: aligned distinct blocks, reused per size class, counted while free",
          "[future][memory]") {
  namespace mem = as::future::memory;
  const size_t sizes[] = {1, 16, 17, 100, 248, 512, 513, 4096};
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  for (size_t n : sizes) {
    auto* p = static_cast<unsigned char*>(mem::allocate(n));
    CHECK(reinterpret_cast<uintptr_t>(p) % 16 == 0);
    std::memset(p, static_cast<int>(blocks.size() + 1), n);
    blocks.emplace_back(p, n);
  }
  for (size_t i = 0; i < blocks.size(); ++i)  // no block overlaps another
    for (size_t k = 0; k < blocks[i].second; ++k)
      REQUIRE(blocks[i].first[k] == static_cast<unsigned char>(i + 1));
  // Counted from here: the allocations above may have taken blocks earlier tests left free.
  const int64_t free0 = mem::free_bytes();
  for (auto [p, n] : blocks) mem::deallocate(p, n);
  if (mem::pooled()) {
    // Rounded to 16-byte classes; 513 and 4096 are beyond the pool and go back to the heap.
    CHECK(mem::free_bytes() - free0 == 16 + 16 + 32 + 112 + 256 + 512);
    void* again = mem::allocate(250);  // same class as 248: the block just freed comes back
    CHECK(again == blocks[4].first);
    CHECK(mem::free_bytes() - free0 == 16 + 16 + 32 + 112 + 512);
    mem::deallocate(again, 250);
  } else {
    CHECK(mem::free_bytes() == 0);
  }
}

TEST_CASE("task memory: a block freed on another thread joins that thread's free list",
          "[future][memory]") {
  namespace mem = as::future::memory;
  void* p = nullptr;
  std::thread maker([&] { p = mem::allocate(64); });
  maker.join();  // the maker exits: its lists go to the depot
  REQUIRE(p != nullptr);
  const int64_t free0 = mem::free_bytes();  // after the maker took its block
  mem::deallocate(p, 64);
  if (mem::pooled()) {
    CHECK(mem::free_bytes() - free0 == 64);
    void* again = mem::allocate(64);
    CHECK(again == p);
    mem::deallocate(again, 64);
    // A thread that exits with free blocks hands them to the depot: still counted, still usable.
    std::thread freer([&] { mem::deallocate(mem::allocate(64), 64); });
    freer.join();
    CHECK(mem::free_bytes() - free0 >= 64);
  }
}

namespace {
// ThrowOnRepoll is a leaf future that is Pending on its first poll and throws on the next one.
struct ThrowOnRepoll {
  int polls = 0;
  Poll<int> poll(Context&) {
    if (polls++ == 0) return pending;
    throw std::runtime_error("leaf failed");
  }
};
Task<int> catch_leaf_failure(bool* caught) {
  try {
    co_return co_await ThrowOnRepoll{};
  } catch (const std::runtime_error&) {
    *caught = true;
  }
  co_return -1;
}
Task<int> let_leaf_failure_escape() {
  co_return co_await ThrowOnRepoll{};
}
}  // namespace

TEST_CASE("a leaf that throws when re-polled throws inside the awaiting coroutine",
          "[future][task]") {
  WakeCounts c;
  test::BorrowedWaker bw(c);
  Context cx(bw.waker);
  bool caught = false;
  Task<int> t = catch_leaf_failure(&caught);
  CHECK(t.poll(cx).is_pending());
  auto r = t.poll(cx);  // the re-poll throws: the coroutine's catch handles it
  REQUIRE(r.is_ready());
  CHECK(r.take() == -1);
  CHECK(caught);
  // Not caught there: it leaves the Task's poll (the executor turns it into a JoinError).
  Task<int> u = let_leaf_failure_escape();
  CHECK(u.poll(cx).is_pending());
  CHECK_THROWS_AS(u.poll(cx), std::runtime_error);
}
