// tests/goroutine/chan_test.cpp — channel and select semantics, including Go's own channel suite
// (runtime/chan_test.go: TestChan, TestSelectFairness, TestNonblockRecvRace, TestSelectStress)
// at quick sizes; the full sizes are tagged [.slow].
#include <array>
#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "tests/goroutine/helpers.hpp"

using namespace std::chrono_literals;
namespace go = as::go;
using gotest::run_go;

TEST_CASE("chan: unbuffered rendezvous, buffered holds exactly N", "[goroutine][chan]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  int accepted = -1;
  bool rendezvous_ok = false;
  auto e = run_go(procs, [&] {
    go::Chan<int> buffered(3);
    int n = 0;
    while (buffered.try_send(n)) ++n;
    accepted = n;
    go::Chan<int> unbuffered;
    bool nobody = !unbuffered.try_send(1);  // no receiver waiting: would block
    go::spawn("receiver", [&] { unbuffered.recv(); });
    unbuffered.send(7);  // returns only once the receiver took it
    rendezvous_ok = nobody;
  });
  CHECK(e.code == 0);
  CHECK(accepted == 3);
  CHECK(rendezvous_ok);
}

TEST_CASE("chan: close semantics", "[goroutine][chan]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  std::vector<std::pair<int, bool>> got;
  std::vector<std::string> panics;
  int range_sum = 0;
  auto e = run_go(procs, [&] {
    go::Chan<int> c(2);
    c.send(1);
    c.send(2);
    c.close();
    for (int i = 0; i < 3; ++i) got.push_back(c.recv());  // drains, then zero + false
    auto expect_panic = [&](auto fn) {
      try {
        fn();
      } catch (const go::Panic& p) {
        panics.emplace_back(p.what());
      }
    };
    expect_panic([&] { c.send(3); });
    expect_panic([&] { c.close(); });
    expect_panic([&] { go::Chan<int>::nil().close(); });
    // Waiting receivers are woken by close with ok=false; range ends.
    go::Chan<int> r;
    go::WaitGroup wg;
    wg.add(1);
    go::spawn("ranger", [&] {
      for (int v : r) range_sum += v;
      wg.done();
    });
    for (int i = 1; i <= 4; ++i) r.send(i);
    r.close();
    wg.wait();
    // A blocked sender is woken by close and panics.
    go::Chan<int> s;
    go::Chan<std::string> result(1);
    go::spawn("sender", [&] {
      try {
        s.send(1);
        result.send("sent");
      } catch (const go::Panic& p) {
        result.send(p.what());
      }
    });
    go::sleep(1ms);
    s.close();
    panics.push_back(result.recv().first);
  });
  CHECK(e.code == 0);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == std::pair<int, bool>{1, true});
  CHECK(got[1] == std::pair<int, bool>{2, true});
  CHECK(got[2] == std::pair<int, bool>{0, false});
  CHECK(range_sum == 10);
  REQUIRE(panics.size() == 4);
  CHECK(panics[0] == "send on closed channel");
  CHECK(panics[1] == "close of closed channel");
  CHECK(panics[2] == "close of nil channel");
  CHECK(panics[3] == "send on closed channel");
}

TEST_CASE("chan: nil channel never ready; blocks forever", "[goroutine][chan]") {
  const int procs = GENERATE(1, 2);
  bool try_recv_empty = false, try_send_fails = false;
  auto e = run_go(procs, [&] {
    auto nil = go::Chan<int>::nil();
    try_recv_empty = !nil.try_recv().has_value();
    try_send_fails = !nil.try_send(1);
    nil.recv();  // blocks forever: the program deadlocks
  });
  CHECK(try_recv_empty);
  CHECK(try_send_fails);
  CHECK(e.code == 2);
  CHECK(e.report.find("[chan receive (nil chan)]") != std::string::npos);
}

// Go's TestChan, FIFO part: for each capacity, values arrive in order.
static void chan_fifo(int procs, int max_cap, int n) {
  std::atomic<int> errors{0};
  auto e = run_go(procs, [&] {
    for (int cap = 0; cap <= max_cap; cap = cap < 10 ? cap + 1 : cap * 3) {
      go::Chan<int> c(static_cast<size_t>(cap));
      go::spawn("fifo sender", [c, n]() mutable {
        for (int i = 0; i < n; ++i) c.send(i);
      });
      for (int i = 0; i < n; ++i)
        if (c.recv().first != i) ++errors;
    }
  });
  CHECK(e.code == 0);
  CHECK(errors == 0);
}

TEST_CASE("chan suite: FIFO order for capacities 0..199 (quick)", "[goroutine][chan][gosuite]") {
  const int procs = GENERATE(1, 2, 4);
  chan_fifo(procs, 199, 200);
}

TEST_CASE("chan suite: FIFO order, every capacity 0..199", "[goroutine][chan][gosuite][.slow]") {
  const int procs = GENERATE(1, 2, 4);
  std::atomic<int> errors{0};
  auto e = run_go(procs, [&] {
    for (int cap = 0; cap < 200; ++cap) {
      go::Chan<int> c(static_cast<size_t>(cap));
      go::spawn("fifo sender", [c]() mutable {
        for (int i = 0; i < 200; ++i) c.send(i);
      });
      for (int i = 0; i < 200; ++i)
        if (c.recv().first != i) ++errors;
    }
  });
  CHECK(e.code == 0);
  CHECK(errors == 0);
}

// Go's TestChan: 4 producers send 0..L-1 each, 4 consumers; every value is received 4 times.
TEST_CASE("chan suite: 4 producers x 1000 values, 4 consumers, each value 4 times",
          "[goroutine][chan][gosuite]") {
  const int procs = GENERATE(1, 2, 4);
  const int cap = GENERATE(0, 1, 10, 100);
  CAPTURE(procs, cap, gotest::platform_name());
  constexpr int P = 4, C = 4, L = 1000;
  std::vector<int> counts(L, 0);
  auto e = run_go(procs, [&] {
    go::Chan<int> c(static_cast<size_t>(cap));
    go::WaitGroup producers;
    producers.add(P);
    for (int p = 0; p < P; ++p)
      go::spawn("producer", [&] {
        for (int i = 0; i < L; ++i) c.send(i);
        producers.done();
      });
    go::Chan<std::vector<int>> done(C);
    for (int k = 0; k < C; ++k)
      go::spawn("consumer", [&] {
        std::vector<int> recv(L, 0);
        for (int v : c) recv[static_cast<size_t>(v)]++;
        done.send(std::move(recv));
      });
    producers.wait();
    c.close();
    for (int k = 0; k < C; ++k) {
      auto part = done.recv().first;
      for (int i = 0; i < L; ++i) counts[static_cast<size_t>(i)] += part[static_cast<size_t>(i)];
    }
  });
  CHECK(e.code == 0);
  int wrong = 0;
  for (int v : counts) wrong += v != P ? 1 : 0;
  CHECK(wrong == 0);
}

// Go's TestSelectFairness: two always-ready channels are chosen about equally often.
TEST_CASE("select suite: fairness over 10,000 trials within [4756, 5244]",
          "[goroutine][select][gosuite]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  constexpr int kTrials = 10'000;
  int cnt1 = 0, cnt2 = 0;
  auto e = run_go(procs, [&] {
    go::Chan<int> c1(kTrials + 1), c2(kTrials + 1);
    for (int i = 0; i < kTrials + 1; ++i) {
      c1.send(1);
      c2.send(2);
    }
    go::Chan<int> c3, c4, out;
    go::Chan<int> done;
    go::WaitGroup selector_exited;  // main's channels must outlive the selector's use of them
    selector_exited.add(1);
    go::spawn("selector", [&] {
      for (;;) {
        int b = 0;
        auto take = [&](int v, bool) { b = v; };
        go::select(go::recv(c3, take), go::recv(c4, take), go::recv(c1, take), go::recv(c2, take));
        bool stop = false;
        go::select(go::send(out, b, [] {}), go::recv(done, [&](int, bool) { stop = true; }));
        if (stop) break;
      }
      selector_exited.done();
    });
    for (int i = 0; i < kTrials; ++i) {
      int b = out.recv().first;
      if (b == 1)
        ++cnt1;
      else if (b == 2)
        ++cnt2;
    }
    done.close();
    selector_exited.wait();
  });
  CHECK(e.code == 0);
  CHECK(cnt1 + cnt2 == kTrials);
  CHECK(cnt1 >= 4756);
  CHECK(cnt1 <= 5244);
}

// Go's TestNonblockRecvRace: a ready channel is never reported as not ready by a select with
// default.
static void nonblock_recv_race(int procs, int n) {
  std::atomic<int> defaults{0};
  auto e = run_go(procs, [&] {
    for (int i = 0; i < n; ++i) {
      go::Chan<int> c(1);
      c.send(1);
      go::spawn("poller", [c, &defaults]() mutable {
        go::select(go::recv(c, [](int, bool) {}), go::default_case([&] { ++defaults; }));
      });
      c.close();
      c.recv();
    }
  });
  CHECK(e.code == 0);
  CHECK(defaults == 0);
}

TEST_CASE("select suite: non-blocking select never defaults while a case is ready (quick)",
          "[goroutine][select][gosuite]") {
  const int procs = GENERATE(1, 2, 4);
  nonblock_recv_race(procs, 10'000 / gotest::kSpawnScale);
}

TEST_CASE("select suite: non-blocking select, 100,000 iterations",
          "[goroutine][select][gosuite][.slow]") {
  const int procs = GENERATE(1, 2, 4);
  nonblock_recv_race(procs, 100'000);
}

// Go's TestSelectStress: channels of capacity {0, 0, 2, 3}; per channel a sender and a receiver
// goroutine, plus one goroutine sending on all four through one select and one receiving from
// all four through one select. Must not deadlock.
static void select_stress(int procs, int N) {
  auto e = run_go(procs, [&] {
    std::array<go::Chan<int>, 4> c{go::Chan<int>(0), go::Chan<int>(0), go::Chan<int>(2),
                                   go::Chan<int>(3)};
    go::WaitGroup wg;
    wg.add(10);
    for (int k = 0; k < 4; ++k) {
      go::spawn("sender", [&, k] {
        for (int i = 0; i < N; ++i) c[static_cast<size_t>(k)].send(0);
        wg.done();
      });
      go::spawn("receiver", [&, k] {
        for (int i = 0; i < N; ++i) c[static_cast<size_t>(k)].recv();
        wg.done();
      });
    }
    go::spawn("select sender", [&] {
      std::array<int, 4> n{};
      auto c1 = c;
      for (int i = 0; i < 4 * N; ++i) {
        auto sent = [&](int k) {
          return [&, k] {
            if (++n[static_cast<size_t>(k)] == N) c1[static_cast<size_t>(k)] = go::Chan<int>::nil();
          };
        };
        go::select(go::send(c1[3], 0, sent(3)), go::send(c1[2], 0, sent(2)),
                   go::send(c1[0], 0, sent(0)), go::send(c1[1], 0, sent(1)));
      }
      wg.done();
    });
    go::spawn("select receiver", [&] {
      std::array<int, 4> n{};
      auto c1 = c;
      for (int i = 0; i < 4 * N; ++i) {
        auto got = [&](int k) {
          return [&, k](int, bool) {
            if (++n[static_cast<size_t>(k)] == N) c1[static_cast<size_t>(k)] = go::Chan<int>::nil();
          };
        };
        go::select(go::recv(c1[0], got(0)), go::recv(c1[1], got(1)), go::recv(c1[2], got(2)),
                   go::recv(c1[3], got(3)));
      }
      wg.done();
    });
    wg.wait();
  });
  CHECK(e.code == 0);
  CHECK(e.report.empty());
}

TEST_CASE("select suite: stress on capacities {0,0,2,3} (quick)", "[goroutine][select][gosuite]") {
  const int procs = GENERATE(1, 2, 4);
  select_stress(procs, 5'000);
}

TEST_CASE("select suite: stress, 100,000 operations per channel",
          "[goroutine][select][gosuite][.slow]") {
  const int procs = GENERATE(1, 2, 4);
  select_stress(procs, 100'000);
}

TEST_CASE("select: default, send cases and closed channels", "[goroutine][select]") {
  const int procs = GENERATE(1, 2);
  int chosen_default = -1, chosen_closed = -1, chosen_send = -1;
  bool closed_ok = true;
  int sent_value = 0;
  std::string panic_text;
  auto e = run_go(procs, [&] {
    go::Chan<int> a, b;
    chosen_default = go::select(go::recv(a, [](int, bool) {}), go::recv(b, [](int, bool) {}),
                                go::default_case());
    go::Chan<int> closed(1);
    closed.close();
    chosen_closed = go::select(go::recv(a, [](int, bool) {}),
                               go::recv(closed, [&](int, bool ok) { closed_ok = ok; }));
    go::Chan<int> out(1);
    chosen_send = go::select(go::recv(a, [](int, bool) {}), go::send(out, 42, [] {}));
    sent_value = out.recv().first;
    try {
      go::select(go::send(closed, 1, [] {}));
    } catch (const go::Panic& p) {
      panic_text = p.what();
    }
    // A blocked select is woken by a sender on one of its channels.
    go::spawn("late sender", [&] {
      go::sleep(1ms);
      b.send(5);
    });
    int got = 0;
    go::select(go::recv(a, [&](int v, bool) { got = -v; }),
               go::recv(b, [&](int v, bool) { got = v; }));
    if (got != 5) go::panic("select: wrong case");
  });
  CHECK(e.code == 0);
  CHECK(chosen_default == 2);
  CHECK(chosen_closed == 1);
  CHECK_FALSE(closed_ok);
  CHECK(chosen_send == 1);
  CHECK(sent_value == 42);
  CHECK(panic_text == "send on closed channel");
}
