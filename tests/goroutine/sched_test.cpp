// tests/goroutine/sched_test.cpp — scheduler behaviour: spawning, Gosched, preemption, syscall
// hand-off, timers, WaitGroup/Mutex/Cond, the netpoller, and leak checks.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "tests/goroutine/helpers.hpp"

using namespace std::chrono_literals;
namespace go = as::go;
using gotest::run_go;

TEST_CASE("sched: many goroutines run and join; ids and names", "[goroutine][sched]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  const int kSpawned = 2000 / gotest::kSpawnScale;
  std::atomic<int> ran{0};
  uint64_t main_id = 0;
  int gomaxprocs = 0;
  as::trace::Recorder rec;
  go::Config c;
  c.procs = procs;
  c.real = gotest::kReal;
  c.recorder = &rec;
  go::Runtime rt(c);
  auto e = rt.run([&] {
    main_id = go::goroutine_id();
    gomaxprocs = go::procs();
    go::WaitGroup wg;
    for (int i = 0; i < kSpawned; ++i) {
      wg.add(1);
      go::spawn("worker", [&] {
        ran.fetch_add(1);
        if (ran % 7 == 0) go::yield();
        wg.done();
      });
    }
    wg.wait();
  });
  CHECK(e.code == 0);
  CHECK(ran == kSpawned);
  CHECK(main_id == 1);
  CHECK(gomaxprocs == procs);
  const auto st = rt.stats();
  CHECK(st.goroutines == kSpawned + 1);
  CHECK(st.live_goroutines == 0);
  CHECK(st.live_stacks == 0);
  // Every goroutine was created, started and destroyed in the trace.
  size_t creates = 0, destroys = 0;
  for (const auto& ev : rec.collect()) {
    creates += ev.kind == as::trace::EventKind::TaskCreate;
    destroys += ev.kind == as::trace::EventKind::TaskDestroy;
  }
  CHECK(creates == kSpawned + 1);
  CHECK(destroys == kSpawned + 1);
}

TEST_CASE("sched: work stealing spreads goroutines over Ps", "[goroutine][sched]") {
  const int procs = GENERATE(2, 4);
  as::go::RuntimeStats st;
  go::Config c;
  c.procs = procs;
  c.real = gotest::kReal;
  go::Runtime rt(c);
  auto e = rt.run([&] {
    go::WaitGroup wg;
    for (int i = 0; i < 64; ++i) {
      wg.add(1);
      go::spawn("cruncher", [&] {
        go::work(200us);
        wg.done();
      });
    }
    wg.wait();
  });
  st = rt.stats();
  CHECK(e.code == 0);
  CHECK(st.steals > 0);
}

// A pingpong pair hands off through runnext: a spinning M sees that runnext occupied, backs off
// and (real threads) keeps spinning while the pair runs (Sched::lingers). It must still take work
// that another goroutine queues meanwhile, and still stop once the pair is done: then the
// deadlock that follows is reported (a spinner that never stopped would hang this test).
TEST_CASE("sched: a spinner that watched a pingpong still steals ring work and stops",
          "[goroutine][sched]") {
  const int procs = GENERATE(2, 4);
  CAPTURE(procs, gotest::platform_name());
  std::atomic<int> crunched{0};
  int rounds_done = 0;
  auto e = run_go(procs, [&] {
    go::Chan<int> ping, pong;
    go::WaitGroup wg;
    constexpr int kRounds = 20'000;
    wg.add(1);
    go::spawn("ponger", [&] {
      for (int i = 0; i < kRounds; ++i) pong.send(ping.recv().first + 1);
      wg.done();
    });
    for (int i = 0; i < kRounds; ++i) {
      if (i % 2'000 == 0) {
        // Queued on this P behind the pair: only a thief runs it before the pingpong ends.
        wg.add(1);
        go::spawn("cruncher", [&] {
          go::work(50us);
          crunched.fetch_add(1);
          wg.done();
        });
      }
      ping.send(i);
      rounds_done += pong.recv().first == i + 1 ? 1 : 0;
    }
    wg.wait();
    go::Chan<int>().recv();  // every goroutine asleep: the program deadlocks
  });
  CHECK(rounds_done == 20'000);
  CHECK(crunched.load() == 10);
  CHECK(e.code == 2);
  CHECK(e.report.find("all goroutines are asleep - deadlock!") != std::string::npos);
}

TEST_CASE("sched: a goroutine in a long computation is preempted", "[goroutine][sched]") {
  // procs = 1: without preemption the ticker could not run until the spinner finished.
  std::atomic<bool> spinner_done{false};
  bool ticker_ran_before_spinner_finished = false;
  uint64_t preemptions = 0;
  go::Config c;
  c.procs = 1;
  c.real = gotest::kReal;
  c.quantum = 2ms;
  go::Runtime rt(c);
  auto e = rt.run([&] {
    go::WaitGroup wg;
    wg.add(2);
    go::spawn("spinner", [&] {
      for (int i = 0; i < 100; ++i) go::work(100us);  // 10 ms, never blocks
      spinner_done = true;
      wg.done();
    });
    go::spawn("ticker", [&] {
      go::yield();
      ticker_ran_before_spinner_finished = !spinner_done;
      wg.done();
    });
    wg.wait();
  });
  preemptions = rt.stats().preemptions;
  CHECK(e.code == 0);
  CHECK(preemptions > 0);
  CHECK(ticker_ran_before_spinner_finished);
}

TEST_CASE("sched: a blocking syscall hands its P to another M", "[goroutine][sched]") {
  const int procs = GENERATE(1, 2);
  std::atomic<bool> syscall_returned{false};
  bool computed_during_syscall = false;
  go::Config c;
  c.procs = procs;
  c.real = gotest::kReal;
  go::Runtime rt(c);
  auto e = rt.run([&] {
    go::WaitGroup wg;
    wg.add(2);
    go::spawn("blocker", [&] {
      go::syscall("sleep", 20ms);
      syscall_returned = true;
      wg.done();
    });
    go::spawn("cruncher", [&] {
      go::sleep(1ms);
      for (int i = 0; i < 5; ++i) go::work(100us);
      computed_during_syscall = !syscall_returned;
      wg.done();
    });
    wg.wait();
  });
  CHECK(e.code == 0);
  CHECK(rt.stats().handoffs >= 1);
  CHECK(computed_during_syscall);
}

TEST_CASE("timers: sleepers wake in deadline order; After and Ticker", "[goroutine][timers]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  std::vector<int> order;
  int ticks = 0;
  bool after_fired = false;
  int64_t elapsed = 0;
  auto e = run_go(procs, [&] {
    const int64_t t0 = go::now();
    go::Chan<int> woke(3);
    for (int ms : {30, 10, 20}) {
      go::spawn("sleeper", [&woke, ms] {
        go::sleep(std::chrono::milliseconds(ms));
        woke.send(ms);
      });
    }
    for (int i = 0; i < 3; ++i) order.push_back(woke.recv().first);
    elapsed = go::now() - t0;
    go::Ticker t(1ms);
    for (int i = 0; i < 3; ++i) {
      t.chan().recv();
      ++ticks;
    }
    t.stop();
    go::select(go::recv(go::after(2ms), [&](int64_t, bool ok) { after_fired = ok; }));
  });
  CHECK(e.code == 0);
  CHECK(order == std::vector<int>{10, 20, 30});
  CHECK(elapsed >= 30'000'000);
  CHECK(ticks == 3);
  CHECK(after_fired);
}

TEST_CASE("timers: a Ticker stopped while another M fires it is never touched after stop",
          "[goroutine][timers]") {
  // Regression: the heap re-arms a ticker and calls its fire() after unlocking; a stop() on
  // another M used to return meanwhile, and the Ticker (here on the heap, so ASan sees it) was
  // freed under the running fire(). stop() now waits for a fire in progress to finish.
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  int stopped = 0;
  auto e = run_go(procs, [&] {
    constexpr int kTickers = 200 / gotest::kSpawnScale + 8;
    go::Chan<int> done(kTickers);
    for (int i = 0; i < kTickers; ++i) {
      go::spawn("ticking", [&done, i] {
        auto t = std::make_unique<go::Ticker>(std::chrono::microseconds(20 + i % 7));
        for (int k = 0; k < 3; ++k) t->chan().recv();
        t->stop();
        t.reset();  // frees the timer the heap may be firing on another M
        done.send(1);
      });
    }
    for (int i = 0; i < kTickers; ++i) stopped += done.recv().first;
  });
  CHECK(e.code == 0);
  CHECK(stopped == 200 / gotest::kSpawnScale + 8);
}

TEST_CASE("sync: Mutex protects, WaitGroup joins, Cond signals", "[goroutine][sync]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  long counter = 0;
  std::vector<int> consumed;
  std::string negative;
  auto e = run_go(procs, [&] {
    go::Mutex mu;
    go::WaitGroup wg;
    for (int g = 0; g < 8; ++g) {
      wg.add(1);
      go::spawn("incrementer", [&] {
        for (int i = 0; i < 500; ++i) {
          mu.lock();
          long v = counter;
          if (i % 50 == 0) go::yield();  // hold the lock across a reschedule
          counter = v + 1;
          mu.unlock();
        }
        wg.done();
      });
    }
    wg.wait();
    // Cond: a one-slot queue.
    go::Mutex qmu;
    go::Cond cond(qmu);
    std::vector<int> queue;
    go::WaitGroup consumer_done;
    consumer_done.add(1);
    go::spawn("consumer", [&] {
      qmu.lock();
      while (consumed.size() < 5) {
        while (queue.empty()) cond.wait();
        consumed.push_back(queue.back());
        queue.pop_back();
        cond.broadcast();
      }
      qmu.unlock();
      consumer_done.done();
    });
    for (int i = 0; i < 5; ++i) {
      qmu.lock();
      while (!queue.empty()) cond.wait();
      queue.push_back(i);
      cond.signal();
      qmu.unlock();
    }
    consumer_done.wait();
    try {
      go::WaitGroup bad;
      bad.done();
    } catch (const go::Panic& p) {
      negative = p.what();
    }
  });
  CHECK(e.code == 0);
  CHECK(counter == 8 * 500);
  CHECK(consumed == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(negative == "sync: negative WaitGroup counter");
}

TEST_CASE("netpoll: echo over a socket pair", "[goroutine][netpoll]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  std::string echoed;
  auto e = run_go(procs, [&] {
    auto [a, b] = go::net::socketpair();
    go::WaitGroup wg;
    wg.add(1);
    go::spawn("server", [&, b = b] {
      std::byte buf[64];
      for (;;) {
        auto r = go::net::read(b, buf);
        if (!r.ok() || r.value == 0) break;
        go::net::write(b, std::span<const std::byte>(buf, static_cast<size_t>(r.value)));
      }
      go::net::close(b);
      wg.done();
    });
    for (const char* msg : {"one", "two", "three"}) {
      go::net::write(a, std::string_view(msg));
      std::string got;
      while (got.size() < std::string_view(msg).size()) {
        std::byte buf[64];
        auto r = go::net::read(a, buf);
        if (!r.ok() || r.value == 0) go::panic("connection lost");
        got.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(r.value));
      }
      echoed += got + ";";
    }
    go::net::close(a);
    wg.wait();
  });
  CHECK(e.code == 0);
  CHECK(echoed == "one;two;three;");
}

TEST_CASE("leaks: goroutines left parked when main returns are unwound", "[goroutine][leaks]") {
  const int procs = GENERATE(1, 2);
  struct Tracker {
    std::atomic<int>* alive;
    explicit Tracker(std::atomic<int>* a) : alive(a) { ++*alive; }
    ~Tracker() { --*alive; }
  };
  std::atomic<int> alive{0};
  go::Chan<int> outlives;  // lives longer than the runtime
  auto e = run_go(procs, [&] {
    for (int i = 0; i < 10; ++i)
      go::spawn("parked forever", [&] {
        Tracker t(&alive);
        outlives.recv();
      });
    go::sleep(1ms);
  });
  CHECK(e.code == 0);
  CHECK(alive == 0);  // every parked goroutine's destructors ran
}
