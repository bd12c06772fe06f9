// tests/future/runtime_bodies.hpp — test bodies that run on every platform × executor cell
// (sim and os; current-thread, multi-thread with 1, 2, 4 workers). Included by
// runtime_sim_test.cpp and runtime_os_test.cpp, which instantiate them per platform.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/future/test_support.hpp"

namespace as::future::test {

using namespace std::chrono_literals;

// Probe counts how many times the object it stands for was destroyed (moves transfer it).
struct Probe {
  std::shared_ptr<std::atomic<int>> dtors;
  int value = 0;
  Probe(std::shared_ptr<std::atomic<int>> d, int v) : dtors(std::move(d)), value(v) {}
  Probe(Probe&& o) noexcept : dtors(std::move(o.dtors)), value(o.value) {}
  Probe& operator=(Probe&& o) noexcept {
    if (dtors) dtors->fetch_add(1);
    dtors = std::move(o.dtors);
    value = o.value;
    return *this;
  }
  ~Probe() {
    if (dtors) dtors->fetch_add(1);
  }
};

inline Task<int> square(int i) {
  co_return i* i;
}

inline void body_spawn_join(const Env& e) {
  auto root = []() -> Task<long> {
    std::vector<JoinHandle<int>> hs;
    for (int i = 0; i < 200; ++i) hs.push_back(spawn(square(i)));
    long sum = 0;
    for (auto& h : hs) sum += (co_await h).value();
    co_return sum;
  };
  long expect = 0;
  for (int i = 0; i < 200; ++i) expect += i * i;
  CHECK(run_root(e, root) == expect);
}

inline void body_pingpong(const Env& e, trace::Recorder* rec = nullptr) {
  auto root = []() -> Task<int> {
    auto [ping_tx, ping_rx] = mpsc::channel<int>(1);
    auto [pong_tx, pong_rx] = mpsc::channel<int>(1);
    auto ponger = [](mpsc::Receiver<int> rx, mpsc::Sender<int> tx) -> Task<int> {
      int n = 0;
      while (auto v = co_await rx.recv()) {
        (void)co_await tx.send(*v + 1);
        ++n;
      }
      co_return n;
    };
    auto h = spawn(ponger(std::move(ping_rx), std::move(pong_tx)));
    int x = 0;
    for (int i = 0; i < 1000; ++i) {
      (void)co_await ping_tx.send(x);
      x = *co_await pong_rx.recv();
    }
    { auto drop = std::move(ping_tx); }
    int n = (co_await h).value();
    co_return x + n;
  };
  CHECK(run_root(e, root, rec) == 2000);
}

// A leaf future that counts its polls: Pending until `open`, waker stored each time.
struct Counted {
  std::atomic<int> polls{0};
  std::atomic<bool> open{false};
  std::mutex mu;
  Waker waker;
};
struct CountedFuture {
  Counted* c;
  Poll<Unit> poll(Context& cx) {
    c->polls++;
    std::lock_guard<std::mutex> lk(c->mu);
    if (c->open) return Unit{};
    c->waker.clone_if_changed(cx.waker());
    return pending;
  }
};

inline void body_wake_merge(const Env& e) {
  auto root = []() -> Task<int> {
    auto c = std::make_shared<Counted>();
    auto waiter = [](std::shared_ptr<Counted> cc) -> Task<int> {
      co_await CountedFuture{cc.get()};
      co_return cc->polls.load();
    };
    auto h = spawn(waiter(c));
    while (c->polls.load() == 0) co_await yield_now();
    Waker w;
    {
      std::lock_guard<std::mutex> lk(c->mu);
      c->open = true;
      w = c->waker;
    }
    w.wake_by_ref();  // three wakes before the next poll...
    w.wake_by_ref();
    w.wake();
    co_return (co_await h).value();
  };
  const int polls = run_root(e, root);
  if (e.cfg.flavor == RuntimeConfig::Flavor::CurrentThread) {
    CHECK(polls == 2);  // ...merge into exactly one poll
  } else {
    CHECK(polls >= 2);
    CHECK(polls <= 4);
  }
}

inline void body_wake_from_other_thread(const Env& e) {
  auto root = []() -> Task<int> {
    auto [tx, rx] = oneshot::channel<int>();
    auto job =
        spawn_blocking([t = std::make_shared<oneshot::Sender<int>>(std::move(tx))]() mutable {
          blocking_work(1ms);
          (void)t->send(99);
        });
    auto r = co_await std::move(rx);
    (void)co_await job;
    co_return r.value();
  };
  CHECK(run_root(e, root) == 99);
}

inline void body_panic_join(const Env& e) {
  auto root = []() -> Task<std::string> {
    auto bad = []() -> Task<int> {
      co_await yield_now();
      throw std::runtime_error("boom");
    };
    auto h = spawn(bad());
    auto r = co_await h;
    if (r.is_ok()) co_return std::string("no error");
    co_return r.error().message();
  };
  CHECK(run_root(e, root) == "task panicked: boom");
}

enum class DropAt { Never, Before, During, After };
enum class AbortAt { Never, BeforeFirstPoll, AfterFirstPoll, AfterFinish };

inline void body_lifecycle_matrix(const Env& e) {
  struct Counters {
    std::shared_ptr<std::atomic<int>> local = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> output = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> stage = std::make_shared<std::atomic<int>>(0);
    int delivered = 0;  // outputs received by the handle
    int outcome = -1;   // 0 value, 1 panic, 2 cancelled, -1 not observed
    bool produced() const { return stage->load() >= 2; }
  };
  auto child = [](std::shared_ptr<Notify> gate, std::shared_ptr<std::atomic<int>> stage,
                  std::shared_ptr<std::atomic<int>> local_d,
                  std::shared_ptr<std::atomic<int>> out_d, bool panic) -> Task<Probe> {
    Probe local(local_d, 1);
    stage->store(1);
    co_await gate->notified();
    stage->store(2);
    if (panic) throw std::runtime_error("boom");
    co_return Probe(out_d, 42);
  };
  auto wait_only_root = []() -> Task<Unit> {
    while (current_scheduler()->live_tasks() > 1) co_await yield_now();
    co_return Unit{};
  };
  auto one_case = [child, wait_only_root](Counters* k, bool panic, DropAt d,
                                          AbortAt a) -> Task<Unit> {
    auto gate = std::make_shared<Notify>();
    std::optional<JoinHandle<Probe>> h(spawn(child(gate, k->stage, k->local, k->output, panic)));
    if (a == AbortAt::BeforeFirstPoll) h->abort();
    if (d == DropAt::Before) h.reset();
    if (a != AbortAt::BeforeFirstPoll) {
      while (k->stage->load() < 1) co_await yield_now();
    }
    if (a == AbortAt::AfterFirstPoll && h) h->abort();
    if (d == DropAt::During && h) h.reset();
    gate->notify_one();
    if (h && (a == AbortAt::AfterFinish || d == DropAt::After)) {
      while (!h->is_finished()) co_await yield_now();
      if (a == AbortAt::AfterFinish) h->abort();
      if (d == DropAt::After) h.reset();
    }
    if (h) {
      auto r = co_await *h;
      k->outcome = r.is_ok() ? 0 : (r.error().is_panic() ? 1 : 2);
      if (r.is_ok()) k->delivered++;
    }
    co_await wait_only_root();
    co_return Unit{};
  };
  auto root = [one_case]() -> Task<int> {
    int failures = 0;
    for (bool panic : {false, true})
      for (DropAt d : {DropAt::Never, DropAt::Before, DropAt::During, DropAt::After})
        for (AbortAt a : {AbortAt::Never, AbortAt::BeforeFirstPoll, AbortAt::AfterFirstPoll,
                          AbortAt::AfterFinish}) {
          Counters k;
          co_await one_case(&k, panic, d, a);
          INFO("panic=" << panic << " drop=" << int(d) << " abort=" << int(a));
          const bool aborted_early = (a == AbortAt::BeforeFirstPoll) ||
                                     (a == AbortAt::AfterFirstPoll && d != DropAt::Before);
          // The future (its local) is destroyed exactly once, unless it never started.
          if (k.stage->load() >= 1) CHECK(k.local->load() == 1);
          // Output: produced at most once, destroyed exactly once when produced.
          const bool produced = k.produced() && !panic;
          CHECK(k.output->load() == (produced ? 1 : 0));
          if (d == DropAt::Never) {
            const int expect = aborted_early ? 2 : (panic ? 1 : 0);
            CHECK(k.outcome == expect);
            CHECK(k.delivered == (expect == 0 ? 1 : 0));
          } else {
            CHECK(k.outcome == -1);
          }
          if (k.local->load() > 1 || k.output->load() > 1) ++failures;
        }
    co_return failures;
  };
  CHECK(run_root(e, root) == 0);
}

inline void body_select_timeout_cancellation(const Env& e) {
  auto root = []() -> Task<int> {
    auto dtors = std::make_shared<std::atomic<int>>(0);
    auto slow = [](std::shared_ptr<std::atomic<int>> d) -> Task<int> {
      Probe p(d, 0);
      co_await sleep(1h);
      co_return 1;
    };
    // fast yields once first: select polls its branches from a random one and stops at the first
    // Ready, so without the yield a first poll of fast that finds its 1 ms already due (the thread
    // preempted between the sleep's deadline and its check, on a loaded machine) would win before
    // slow ever ran — no Probe, nothing to cancel. Both branches have started at any order now.
    auto fast = []() -> Task<int> {
      co_await yield_now();
      co_await sleep(1ms);
      co_return 2;
    };
    auto winner = co_await select(slow(dtors), fast());
    int result = static_cast<int>(winner.index()) * 10;  // 10: branch 1 won
    result += dtors->load();                             // +1: the loser's Probe was destroyed
    auto t = co_await timeout(2ms, slow(dtors));
    if (t.is_err()) result += 100;
    result += dtors->load() * 1000;  // 2000: destroyed again (second instance)
    co_return result;
  };
  CHECK(run_root(e, root) == 2111);
}

inline void body_timeout_races_wake(const Env& e) {
  auto root = []() -> Task<int> {
    int bad = 0;
    for (int i = 0; i < 20; ++i) {
      auto [tx, rx] = mpsc::unbounded_channel<int>();
      auto sender = [](mpsc::Sender<int> s, int delay) -> Task<Unit> {
        co_await sleep(std::chrono::milliseconds(delay));
        (void)s.send_now(7);
        co_return Unit{};
      };
      auto h = spawn(sender(std::move(tx), i % 3));
      auto r = co_await timeout(1ms, rx.recv());
      int got = 0;
      if (r.is_ok()) {
        got += (r.value() && *r.value() == 7) ? 1 : 0;
        auto more = co_await rx.recv();  // nothing else, sender gone → nullopt
        if (more) ++bad;
      } else {
        auto later = co_await rx.recv();  // the value must still be there: not lost
        got += (later && *later == 7) ? 1 : 0;
      }
      if (got != 1) ++bad;
      (void)co_await h;
    }
    co_return bad;
  };
  CHECK(run_root(e, root) == 0);
}

inline void body_mpsc_fifo_backpressure(const Env& e) {
  auto root = []() -> Task<int> {
    constexpr int kN = 5000;
    constexpr size_t kCap = 4;
    auto [tx, rx] = mpsc::channel<int>(kCap);
    auto sent = std::make_shared<std::atomic<int>>(0);
    auto producer = [](mpsc::Sender<int> s, std::shared_ptr<std::atomic<int>> n) -> Task<Unit> {
      for (int i = 0; i < kN; ++i) {
        (void)co_await s.send(i);
        n->fetch_add(1);
      }
      co_return Unit{};
    };
    auto h = spawn(producer(std::move(tx), sent));
    int errors = 0, expect = 0;
    while (auto v = co_await rx.recv()) {
      if (*v != expect++) ++errors;
      if (sent->load() - expect > static_cast<int>(kCap)) ++errors;  // never more than cap ahead
      if (expect % 97 == 0) co_await yield_now();
    }
    (void)co_await h;
    co_return errors + (expect == kN ? 0 : 1000);
  };
  CHECK(run_root(e, root) == 0);
}

// recv_many: values leave in FIFO order in batches of at most `limit`; each batch frees its slots
// for the waiting senders (several producers park on a capacity-4 channel); 0 once closed and
// empty; try_recv takes the rest one at a time.
// LiveWakers: a leaf, Ready at once, that reads how many live Wakers its task has.
struct LiveWakers {
  uint32_t* out;
  Poll<Unit> poll(Context& cx) {
    const Waker& w = cx.waker();
    *out =
        w.vtable() == &kTaskWakerVTable ? static_cast<const RawTask*>(w.data())->live_wakers() : 99;
    return Unit{};
  }
};

// A channel keeps its receiver task's waker between messages (mpsc.hpp: a send wakes it by
// reference, so the receiver's next park clones nothing): while the receiver handles a value,
// its one live Waker is the channel's — not 0, as when a send moved the waker out and woke it by
// value. Once the receiver has parked, that stays so, traced or not. Each message waits for the
// previous one's ack, so on one thread the receiver parks before every message after the first.
inline void body_receiver_waker_kept(const Env& e, trace::Recorder* rec = nullptr) {
  constexpr int kMessages = 200;
  auto root = []() -> Task<int> {
    auto [tx, rx] = mpsc::channel<int>(1);
    auto [ack_tx, ack_rx] = mpsc::channel<int>(1);
    auto receiver = [](mpsc::Receiver<int> in, mpsc::Sender<int> ack) -> Task<int> {
      int kept = 0;
      int lost = 0;  // a message handled with no live waker after one with the channel's
      int expect = 0;
      while (auto v = co_await in.recv()) {
        if (*v != expect++) co_return -1;
        uint32_t live = 0;
        co_await LiveWakers{&live};
        if (live == 1) {
          ++kept;
        } else if (kept > 0) {
          ++lost;
        }
        (void)co_await ack.send(*v);
      }
      co_return lost * 1000 + kept;
    };
    auto h = spawn(receiver(std::move(rx), std::move(ack_tx)));
    for (int i = 0; i < kMessages; ++i) {
      (void)co_await tx.send(i);
      if (co_await ack_rx.recv() != i) co_return -2;
    }
    { auto close = std::move(tx); }
    co_return (co_await h).value();
  };
  const int r = run_root(e, root, rec);
  REQUIRE(r >= 0);
  CHECK(r / 1000 == 0);  // never back to no live waker
  const int kept = r % 1000;
  CHECK(kept >= 1);
  if (e.cfg.flavor == RuntimeConfig::Flavor::CurrentThread) CHECK(kept == kMessages - 1);
}

inline void body_mpsc_recv_many(const Env& e) {
  auto root = []() -> Task<int> {
    constexpr int kProducers = 3;
    constexpr int kEach = 2000;
    auto [tx, rx] = mpsc::channel<int>(4);
    std::vector<JoinHandle<Unit>> hs;
    for (int p = 0; p < kProducers; ++p) {
      hs.push_back(spawn([](mpsc::Sender<int> s, int base) -> Task<Unit> {
        for (int i = 0; i < kEach; ++i) (void)co_await s.send(base + i);
        co_return Unit{};
      }(tx, p * kEach)));
    }
    { auto drop = std::move(tx); }
    int errors = 0;
    std::vector<int> next(kProducers, 0);  // per producer, values arrive in order
    std::vector<int> batch;
    size_t largest = 0;
    int got = 0;
    for (;;) {
      // Every other round: one value with try_recv (nothing queued is fine too).
      if (got % 2 == 1) {
        if (auto v = rx.try_recv()) {
          const int p = *v / kEach;
          if (*v != p * kEach + next[p]++) ++errors;
          ++got;
        }
      }
      const size_t n = co_await rx.recv_many(batch, 3);
      if (n == 0) break;
      if (n > 3 || batch.size() != n) ++errors;
      largest = std::max(largest, n);
      for (int v : batch) {
        const int p = v / kEach;
        if (p < 0 || p >= kProducers || v != p * kEach + next[p]++) ++errors;
        ++got;
      }
      batch.clear();
    }
    for (auto& h : hs) (void)co_await h;
    std::vector<int> none;
    if (co_await rx.recv_many(none, 8) != 0) ++errors;  // closed and empty: 0, not Pending
    co_return errors + (got == kProducers * kEach ? 0 : 1000) + (largest >= 2 ? 0 : 100);
  };
  CHECK(run_root(e, root) == 0);
}

inline void body_timers(const Env& e) {
  auto root = []() -> Task<int> {
    auto [tx, rx] = mpsc::unbounded_channel<int>();
    std::vector<JoinHandle<Unit>> hs;
    for (int ms : {5, 1, 3, 2, 4}) {
      hs.push_back(spawn([](mpsc::Sender<int> s, int d) -> Task<Unit> {
        co_await sleep(std::chrono::milliseconds(d * 3));
        (void)s.send_now(d);
        co_return Unit{};
      }(tx, ms)));
    }
    { auto drop = std::move(tx); }
    int order_ok = 1, last = 0;
    const int64_t t0 = now_ns();
    while (auto v = co_await rx.recv()) {
      if (*v < last) order_ok = 0;
      last = *v;
    }
    for (auto& h : hs) (void)co_await h;
    const int64_t took = now_ns() - t0;
    Interval iv(1ms);
    for (int i = 0; i < 3; ++i) co_await iv.tick();
    co_return order_ok + (took >= 15'000'000 ? 10 : 0);
  };
  const int r = run_root(e, root);
  if (e.real) {
    CHECK(r >= 10);  // real threads on a loaded machine may deliver 3 ms-apart wakes out of order
  } else {
    CHECK(r == 11);
  }
}

inline void body_echo(const Env& e) {
  auto root = []() -> Task<int> {
    auto& io = current_scheduler()->reactor().io();
    auto [a, b] = io.make_socketpair();
    if (a == platform::kNoFd) throw std::runtime_error("socketpair failed");
    auto server = [](platform::Fd fd) -> Task<int> {
      AsyncFd s = AsyncFd::adopt(fd);
      std::byte buf[64];
      int echoed = 0;
      for (;;) {
        auto r = co_await s.read(std::span<std::byte>(buf));
        if (!r.ok() || r.value == 0) break;
        size_t off = 0;
        while (off < static_cast<size_t>(r.value)) {
          auto w = co_await s.write(
              std::span<const std::byte>(buf + off, static_cast<size_t>(r.value) - off));
          if (!w.ok()) co_return -1;
          off += static_cast<size_t>(w.value);
        }
        echoed += static_cast<int>(r.value);
      }
      co_return echoed;
    };
    auto h = spawn(server(b));
    int total = 0;
    {
      AsyncFd c = AsyncFd::adopt(a);
      for (int i = 0; i < 50; ++i) {
        std::byte msg[8];
        for (auto& x : msg) x = std::byte(i);
        auto w = co_await c.write(std::span<const std::byte>(msg));
        if (!w.ok()) co_return -2;
        size_t got = 0;
        std::byte back[8];
        while (got < sizeof back) {
          auto r = co_await c.read(std::span<std::byte>(back + got, sizeof back - got));
          if (!r.ok() || r.value == 0) co_return -3;
          got += static_cast<size_t>(r.value);
        }
        if (back[7] == std::byte(i)) total += 8;
      }
    }  // closing the client ends the server's loop (EOF)
    int echoed = (co_await h).value();
    co_return total == echoed ? total : -4;
  };
  CHECK(run_root(e, root) == 400);
}

inline void body_budget(const Env& e) {
  // Only meaningful when both tasks share one worker (current-thread).
  for (int budget : {128, 0}) {
    Env env = e;
    env.cfg.budget = budget;
    auto root = []() -> Task<int> {
      auto order = std::make_shared<std::vector<char>>();
      auto [tx, rx] = mpsc::unbounded_channel<int>();
      for (int i = 0; i < 1000; ++i) (void)tx.send_now(i);
      auto busy = [](mpsc::Receiver<int> r, std::shared_ptr<std::vector<char>> o) -> Task<Unit> {
        for (int i = 0; i < 1000; ++i)
          (void)co_await r.recv();  // always ready: never Pending by itself
        o->push_back('A');
        co_return Unit{};
      };
      auto other = [](std::shared_ptr<std::vector<char>> o) -> Task<Unit> {
        o->push_back('B');
        co_return Unit{};
      };
      auto ha = spawn(busy(std::move(rx), order));
      auto hb = spawn(other(order));
      (void)co_await ha;
      (void)co_await hb;
      co_return order->front() == 'B' ? 1 : 0;  // 1: the other task ran before the busy one ended
    };
    CHECK(run_root(env, root) == (budget > 0 ? 1 : 0));
  }
}

}  // namespace as::future::test
