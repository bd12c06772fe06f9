// tests/platform/sim_platform_test.cpp — the deterministic simulation: shared platform bodies on
// sim, plus what only a simulation can promise (determinism, virtual time, latency, stepping).
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/platform/sim/sim_platform.hpp"
#include "core/trace/recorder.hpp"
#include "platform_bodies.hpp"

using namespace as::platform;
using namespace as::platform::testing;

namespace {

std::unique_ptr<SimPlatform> make_sim(uint64_t seed = 1, SimCosts costs = {}) {
  SimConfig config;
  config.seed = seed;
  config.costs = costs;
  config.worker_stack_bytes = 256 * 1024;
  return std::make_unique<SimPlatform>(config);
}

}  // namespace

TEST_CASE("sim: shared platform bodies over 1, 2 and 4 workers", "[sim]") {
  for (int workers : {1, 2, 4}) {
    DYNAMIC_SECTION("workers=" << workers) {
      auto p = make_sim();
      token_ring(*p, workers, 50);
      unpark_before_park(*p, workers);
      park_deadline(*p, workers);
      blocking_call_cost(*p, workers);
      stall_handler(*p, workers);
      exception_propagates(*p, workers);
      spawn_worker_later(*p, workers);
      current_worker_and_choose(*p, workers);
      socket_echo(*p, workers);
      poller_wait_is_a_park(*p, workers);
    }
  }
}

namespace {

// interleaving runs 3 workers that each take 20 steps of random length and returns the order in
// which (worker, time) happened.
std::string interleaving(uint64_t seed) {
  auto p = make_sim(seed);
  std::ostringstream log;
  p->run(3, [&](int w) {
    for (int i = 0; i < 20; ++i) {
      log << w << '@' << p->now() << ' ';
      p->consume(static_cast<Nanos>(p->choose(3)) * 100);
    }
  });
  return log.str();
}

}  // namespace

TEST_CASE("sim: same seed gives the same interleaving, other seeds differ", "[sim][determinism]") {
  const std::string first = interleaving(42);
  REQUIRE(interleaving(42) == first);
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 8; ++seed) distinct.insert(interleaving(seed));
  REQUIRE(distinct.size() > 1);
}

TEST_CASE("sim: virtual time jumps only when every worker is blocked", "[sim][time]") {
  SimCosts costs;
  costs.worker_wakeup_ns = 0;
  auto p = make_sim(7, costs);
  Nanos sleeper_woke = -1;
  Nanos busy_done = -1;
  std::vector<Nanos> dispatch_times;
  p->run(2, [&](int w) {
    if (w == 0) {
      p->park(1 * kMs);  // nobody unparks: wakes at its deadline
      sleeper_woke = p->now();
      p->park(5 * kMs);  // now the other worker has finished: time must jump
      sleeper_woke = p->now();
    } else {
      for (int i = 0; i < 20; ++i) {
        dispatch_times.push_back(p->now());
        p->consume(100'000);  // 0.1 ms of "work" per step
      }
      busy_done = p->now();
    }
  });
  REQUIRE(busy_done == 2 * kMs);
  REQUIRE(sleeper_woke == 5 * kMs);
  // While worker 1 was runnable, time advanced only by its own steps of 0.1 ms.
  for (size_t i = 1; i < dispatch_times.size(); ++i) {
    REQUIRE(dispatch_times[i] - dispatch_times[i - 1] == 100'000);
  }
  REQUIRE(p->global_now() == 5 * kMs);
}

TEST_CASE("sim: unpark makes a parked worker runnable after the wake-up latency", "[sim][time]") {
  SimCosts costs;
  costs.worker_wakeup_ns = 2'000;
  auto p = make_sim(3, costs);
  Nanos woke_at = -1;
  p->run(2, [&](int w) {
    if (w == 0) {
      p->park();
      woke_at = p->now();
    } else {
      p->consume(10'000);
      p->unpark(0);
    }
  });
  REQUIRE(woke_at == 12'000);
}

TEST_CASE("sim: a stall without handler ends the run with Stalled", "[sim][stall]") {
  auto p = make_sim();
  int unwound = 0;
  REQUIRE_THROWS_AS(p->run(2,
                           [&](int) {
                             struct Guard {
                               int* n;
                               ~Guard() { ++*n; }
                             } g{&unwound};
                             p->park();
                           }),
                    Stalled);
  REQUIRE(unwound == 2);
}

TEST_CASE("sim: pipe data arrives after the configured latency", "[sim][io]") {
  SimCosts costs;
  costs.io_latency_ns = 50'000;
  costs.worker_wakeup_ns = 0;
  auto p = make_sim(1, costs);
  Io& io = p->io();
  auto [r, w] = io.make_pipe();
  Nanos readable_at = -1;
  std::string got;
  p->run(2, [&](int me) {
    if (me == 0) {
      auto poller = io.make_poller();
      REQUIRE(poller->add(r, kReadable, 99));
      std::vector<ReadyEvent> events;
      while (events.empty()) poller->wait(kNever, events);
      readable_at = p->now();
      REQUIRE(events[0].token == 99);
      REQUIRE((events[0].readiness & kReadable) != 0);
      std::byte buf[8];
      auto res = io.read(r, buf);
      REQUIRE(res.ok());
      got.assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(res.value));
      REQUIRE(io.read(r, buf).would_block());
    } else {
      p->consume(1'000);
      REQUIRE(io.write(w, std::as_bytes(std::span("hello", 5))).value == 5);
      REQUIRE(io.write(r, std::as_bytes(std::span("x", 1))).status == IoStatus::Error);
    }
  });
  REQUIRE(readable_at == 51'000);
  REQUIRE(got == "hello");
  // Closing the writer delivers EOF one latency later.
  io.close(w);
  const Nanos closed_at = p->now();
  p->run(1, [&](int) {
    auto poller = io.make_poller();
    REQUIRE(poller->add(r, kReadable, 1));
    std::vector<ReadyEvent> events;
    std::byte buf[8];
    IoResult res;
    while (!(res = io.read(r, buf)).ok()) poller->wait(kNever, events);
    REQUIRE(res.value == 0);  // end of file
    REQUIRE(p->now() - closed_at == 50'000);
  });
  io.close(r);
  REQUIRE(io.open_fds() == 0);
}

TEST_CASE("sim: pipe back-pressure and EPIPE", "[sim][io]") {
  SimConfig config;
  config.pipe_capacity = 8;
  SimPlatform p(config);
  Io& io = p.io();
  auto [r, w] = io.make_pipe();
  p.run(1, [&](int) {
    REQUIRE(io.write(w, std::as_bytes(std::span("0123456789", 10))).value == 8);
    REQUIRE(io.write(w, std::as_bytes(std::span("x", 1))).would_block());
    auto poller = io.make_poller();
    REQUIRE(poller->add(w, kWritable, 5));
    std::vector<ReadyEvent> events;
    std::byte buf[4];
    while (!io.read(r, buf).ok()) p.consume(1'000);  // frees 4 bytes
    poller->wait(p.now(), events);
    REQUIRE(events.size() == 1);
    REQUIRE(events[0].token == 5);
    io.close(r);
    REQUIRE(io.write(w, std::as_bytes(std::span("x", 1))).error == EPIPE);
  });
  io.close(w);
}

TEST_CASE("sim: loopback tcp listen/connect/accept", "[sim][io]") {
  auto p = make_sim();
  Io& io = p->io();
  auto listen = io.tcp_listen(0);
  REQUIRE(listen.ok());
  const Fd lfd = static_cast<Fd>(listen.value);
  const uint16_t port = io.local_port(lfd);
  REQUIRE(port != 0);
  REQUIRE(io.tcp_listen(port).error == EADDRINUSE);
  std::string got;
  p->run(2, [&](int me) {
    auto poller = io.make_poller();
    std::vector<ReadyEvent> events;
    if (me == 0) {
      REQUIRE(poller->add(lfd, kReadable, 1));
      IoResult a;
      while ((a = io.accept(lfd)).would_block()) poller->wait(kNever, events);
      const Fd conn = static_cast<Fd>(a.value);
      REQUIRE(poller->add(conn, kReadable, 2));
      std::byte buf[8];
      IoResult r;
      while ((r = io.read(conn, buf)).would_block()) poller->wait(kNever, events);
      got.assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(r.value));
      io.close(conn);
    } else {
      auto c = io.connect(port);
      const Fd fd = static_cast<Fd>(c.value);
      REQUIRE(poller->add(fd, kWritable, 3));
      while (io.finish_connect(fd).would_block()) poller->wait(kNever, events);
      REQUIRE(io.finish_connect(fd).ok());
      REQUIRE(io.write(fd, std::as_bytes(std::span("hey", 3))).value == 3);
      io.close(fd);
      // Nobody listens on port+1: refused after one latency.
      auto bad = io.connect(static_cast<uint16_t>(port + 1));
      const Fd bfd = static_cast<Fd>(bad.value);
      REQUIRE(poller->add(bfd, kWritable, 4));
      while (io.finish_connect(bfd).would_block()) poller->wait(kNever, events);
      REQUIRE(io.finish_connect(bfd).error == ECONNREFUSED);
      io.close(bfd);
    }
  });
  REQUIRE(got == "hey");
  io.close(lfd);
  REQUIRE(io.open_fds() == 0);
}

TEST_CASE("sim: same-thread stepping with step() and run_until()", "[sim][step]") {
  auto p = make_sim();
  int progress[2] = {0, 0};
  p->start(2, [&](int w) {
    for (int i = 0; i < 10; ++i) {
      ++progress[w];
      p->sched_point();
    }
  });
  REQUIRE(p->step());
  REQUIRE(p->steps() == 1);
  REQUIRE(progress[0] + progress[1] == 1);
  REQUIRE(p->run_until([&] { return progress[0] + progress[1] >= 7; }));
  REQUIRE(progress[0] + progress[1] == 7);
  p->finish();
  REQUIRE(progress[0] == 10);
  REQUIRE(progress[1] == 10);
  REQUIRE_FALSE(p->step());
}

TEST_CASE("sim: cancel unwinds every worker and run throws RunCancelled", "[sim][cancel]") {
  auto p = make_sim();
  int unwound = 0;
  int caught_cancel_in_fiber = 0;
  REQUIRE_THROWS_AS(p->run(3,
                           [&](int w) {
                             struct Guard {
                               int* n;
                               ~Guard() { ++*n; }
                             } g{&unwound};
                             if (w == 2) {
                               p->consume(1'000);
                               p->cancel();
                             }
                             try {
                               for (;;) p->park();
                             } catch (const RunCancelled&) {
                               ++caught_cancel_in_fiber;
                               throw;  // the rule for runtimes: rethrow it
                             }
                           }),
                    RunCancelled);
  REQUIRE(unwound == 3);
  REQUIRE(caught_cancel_in_fiber == 3);
}

TEST_CASE("sim: workers may run nested fibers that block on the platform", "[sim][fiber]") {
  // A goroutine-style fiber runs on a worker and calls consume()/park(): the simulator must
  // resume exactly that fiber, not the worker's own.
  auto p = make_sim();
  as::fiber::StackPool pool;
  std::vector<std::string> log;
  p->run(2, [&](int w) {
    as::fiber::Fiber& scheduler = as::fiber::Fiber::current();
    as::fiber::Fiber task(pool, [&] {
      log.push_back("task" + std::to_string(w) + " start");
      p->consume(500);
      log.push_back("task" + std::to_string(w) + " after consume");
      p->sched_point();
    });
    task.set_return_to(&scheduler);
    as::fiber::Fiber::switch_to(task);
    REQUIRE(task.finished());
    log.push_back("worker" + std::to_string(w) + " done");
  });
  REQUIRE(log.size() == 6);
  REQUIRE(pool.stats().live == 0);
}

TEST_CASE("sim: max_events stops a livelock", "[sim][stall]") {
  SimConfig config;
  config.max_events = 1000;
  SimPlatform p(config);
  REQUIRE_THROWS_AS(p.run(1,
                          [&](int) {
                            for (;;) p.sched_point();  // never advances time, never finishes
                          }),
                    Stalled);
}

namespace {

// recorded_run runs 4 workers that emit events at random virtual times into a Recorder attached
// to the sim, and returns every event.
std::vector<as::trace::Event> recorded_run(uint64_t seed) {
  as::trace::Recorder recorder;
  auto p = make_sim(seed);
  p->attach_recorder(&recorder);
  p->run(4, [&](int w) {
    for (int i = 0; i < 25; ++i) {
      recorder.emit(as::trace::EventKind::Annotation, static_cast<as::trace::WorkerId>(w), 0,
                    p->choose(1000));
      if (p->choose(4) == 0) {
        p->unpark(static_cast<int>(p->choose(4)));
        p->park(p->now() + 500);
      } else {
        p->consume(static_cast<Nanos>(p->choose(5)) * 50);
      }
    }
  });
  p->attach_recorder(nullptr);
  REQUIRE(recorder.meta().seed == seed);
  REQUIRE(recorder.meta().simulated);
  return recorder.collect();
}

bool same_bytes(const std::vector<as::trace::Event>& a, const std::vector<as::trace::Event>& b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(as::trace::Event)) == 0;
}

}  // namespace

TEST_CASE("sim: same seed gives byte-identical recorded events", "[sim][determinism]") {
  const auto first = recorded_run(1234);
  REQUIRE(first.size() == 100);
  REQUIRE(same_bytes(recorded_run(1234), first));
  REQUIRE_FALSE(same_bytes(recorded_run(4321), first));
  // Timestamps are the emitting worker's virtual clock, in non-decreasing order of emission.
  for (size_t i = 1; i < first.size(); ++i) REQUIRE(first[i].ts >= first[i - 1].ts);
}

TEST_CASE("sim: a stall handler that resolves nothing is called once, then Stalled",
          "[sim][stall]") {
  auto p = make_sim();
  int calls = 0;
  p->set_stall_handler([&] { ++calls; });
  REQUIRE_THROWS_AS(p->run(3, [&](int) { p->park(); }), Stalled);
  REQUIRE(calls == 1);
}
