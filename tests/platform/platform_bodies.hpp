// tests/platform/platform_bodies.hpp — test bodies that run unchanged on the sim and os platforms.
//
// Each body takes a Platform and a worker count; sim_platform_test.cpp and os_platform_test.cpp
// call them with 1, 2 and 4 workers. Shared state is atomic because on os the workers are real
// threads. Waits that could hang on a broken os platform use deadlines and assert on elapsed time.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/platform/platform.hpp"

namespace as::platform::testing {

inline constexpr Nanos kMs = 1'000'000;

// WorkerChecks — Catch2's assertion macros are not thread-safe, so checks inside worker bodies
// are collected here and asserted by the test thread after run().
struct WorkerChecks {
  std::atomic<int> failures{0};
  std::mutex mu;
  std::string first;
  void fail(const char* what, int line) {
    if (failures.fetch_add(1) == 0) {
      std::lock_guard lock(mu);
      first = std::string(what) + " (platform_bodies.hpp:" + std::to_string(line) + ")";
    }
  }
  void require_none() {
    INFO(first);
    REQUIRE(failures.load() == 0);
  }
};
#define WORKER_CHECK(checks, cond)               \
  do {                                           \
    if (!(cond)) (checks).fail(#cond, __LINE__); \
  } while (0)

// token_ring: a token goes round the workers `rounds` times; each worker parks until it holds it.
inline void token_ring(Platform& p, int workers, int rounds) {
  std::atomic<int> turn{0};
  std::atomic<int> passes{0};
  p.run(workers, [&](int w) {
    for (int r = 0; r < rounds; ++r) {
      while (turn.load(std::memory_order_acquire) != w) p.park();
      passes.fetch_add(1, std::memory_order_relaxed);
      const int next = (w + 1) % workers;
      turn.store(next, std::memory_order_release);
      p.unpark(next);
    }
  });
  REQUIRE(passes.load() == workers * rounds);
}

// unpark_before_park: a permit stored before park() makes park() return at once; several
// unparks merge into one permit.
inline void unpark_before_park(Platform& p, int workers) {
  std::atomic<int> immediate{0};
  std::atomic<int> merged_timeouts{0};
  p.run(workers, [&](int w) {
    p.unpark(w);
    p.unpark(w);
    p.unpark(w);
    const Nanos start = p.now();
    p.park(start + 5'000 * kMs);  // must return at once thanks to the permit
    if (p.now() - start < 1'000 * kMs) immediate.fetch_add(1);
    // The three unparks were one permit: the next park waits for its deadline (spurious
    // wake-ups are allowed, so wait in a loop until the deadline really passed).
    const Nanos deadline = p.now() + 2 * kMs;
    p.park(deadline);
    while (p.now() < deadline) p.park(deadline);
    if (p.now() >= deadline) merged_timeouts.fetch_add(1);
  });
  REQUIRE(immediate.load() == workers);
  REQUIRE(merged_timeouts.load() == workers);
}

// park_deadline: park with a deadline and nobody to wake us returns at (sim: exactly at) the
// deadline.
inline void park_deadline(Platform& p, int workers) {
  std::atomic<int> ok{0};
  p.run(workers, [&](int w) {
    const Nanos deadline = p.now() + (w + 1) * kMs;
    while (p.now() < deadline) p.park(deadline);
    const Nanos late = p.now() - deadline;
    if (late >= 0 && (!p.simulated() || late == 0)) ok.fetch_add(1);
  });
  REQUIRE(ok.load() == workers);
}

// stall_handler: every worker parks forever; the platform must call the stall handler (instead
// of hanging), which sets a flag and unparks everyone so the bodies return.
inline void stall_handler(Platform& p, int workers) {
  std::atomic<bool> stalled{false};
  std::atomic<int> calls{0};
  p.set_stall_handler([&] {
    calls.fetch_add(1);
    stalled.store(true);
    for (int i = 0; i < p.worker_count(); ++i) p.unpark(i);
  });
  std::atomic<int> exited{0};
  p.run(workers, [&](int) {
    while (!stalled.load()) p.park();
    exited.fetch_add(1);
  });
  p.set_stall_handler(nullptr);
  REQUIRE(calls.load() >= 1);
  REQUIRE(exited.load() == workers);
}

// exception_propagates: a body that throws cancels the run (parked workers unwind with
// RunCancelled; workers not yet started never start) and run() rethrows the exception.
inline void exception_propagates(Platform& p, int workers) {
  std::atomic<int> started{0};
  std::atomic<int> unwound{0};
  auto body = [&](int w) {
    if (w == workers - 1) throw std::runtime_error("boom in worker");
    started.fetch_add(1);
    struct Guard {
      std::atomic<int>* n;
      ~Guard() { n->fetch_add(1); }
    } guard{&unwound};
    for (;;) p.park();  // only a cancellation ends this
  };
  REQUIRE_THROWS_WITH(p.run(workers, body), "boom in worker");
  // Workers that had not started when the run was cancelled never run their body at all.
  REQUIRE(unwound.load() == started.load());
}

// spawn_worker_later: a worker added during the run gets the next index, runs, and run() waits
// for it.
inline void spawn_worker_later(Platform& p, int workers) {
  std::atomic<int> spawned_index{-1};
  std::atomic<bool> spawned_ran{false};
  std::atomic<bool> done{false};
  WorkerChecks checks;
  p.run(workers, [&](int w) {
    if (w != 0) return;
    const int idx = p.spawn_worker(
        [&](int me) {
          WORKER_CHECK(checks, p.current_worker() == me);
          spawned_ran.store(true);
          done.store(true);
          p.unpark(0);
        },
        "spawned");
    spawned_index.store(idx);
    while (!done.load()) p.park();
  });
  checks.require_none();
  REQUIRE(spawned_index.load() == workers);
  REQUIRE(spawned_ran.load());
  REQUIRE(p.worker_count() == workers + 1);
}

// blocking_call_cost: a blocking call keeps its worker busy for its cost (sim: exactly; os: the
// empty call sleeps that long) and runs the function it is given; consume() spends its time too.
inline void blocking_call_cost(Platform& p, int workers) {
  std::atomic<int> ok{0};
  std::atomic<int> ran{0};
  p.run(workers, [&](int) {
    const Nanos t0 = p.now();
    p.blocking_call(2 * kMs, {});
    const Nanos t1 = p.now();
    p.blocking_call(0, [&] { ran.fetch_add(1); });
    const Nanos t2 = p.now();
    p.consume(kMs / 2);
    const Nanos t3 = p.now();
    const bool exact = !p.simulated() || (t1 - t0 == 2 * kMs && t3 - t2 == kMs / 2);
    if (t1 - t0 >= 2 * kMs && t3 - t2 >= kMs / 2 && exact) ok.fetch_add(1);
  });
  REQUIRE(ok.load() == workers);
  REQUIRE(ran.load() == workers);
}

// current_worker_and_choose: each worker knows its index; choose stays in range.
inline void current_worker_and_choose(Platform& p, int workers) {
  std::atomic<int> bad{0};
  REQUIRE(p.current_worker() == kNoWorker);
  p.run(workers, [&](int w) {
    if (p.current_worker() != w) bad.fetch_add(1);
    for (uint64_t n = 1; n < 50; ++n) {
      if (p.choose(n) >= n) bad.fetch_add(1);
      p.sched_point();
    }
  });
  REQUIRE(bad.load() == 0);
}

// socket_echo: worker 0 sends "ping" over a socket pair and waits for "pong" through a Poller;
// the last worker answers. Readiness is edge-triggered, so both sides read until WouldBlock.
inline void socket_echo(Platform& p, int workers) {
  Io& io = p.io();
  auto [a, b] = io.make_socketpair();
  REQUIRE(a != kNoFd);
  const size_t fds_before = io.open_fds();
  std::string got_ping, got_pong;
  WorkerChecks checks;
  const int responder = workers - 1;
  auto send = [&](Fd fd, const char* text) {
    auto r = io.write(fd, std::as_bytes(std::span(text, std::strlen(text))));
    WORKER_CHECK(checks, r.ok() && r.value == static_cast<int64_t>(std::strlen(text)));
  };
  // receive waits through a poller until 4 bytes arrived, reading until WouldBlock each time.
  auto receive = [&](Fd fd, std::string& received) {
    auto poller = io.make_poller();
    WORKER_CHECK(checks, poller->add(fd, kReadable, 7));
    std::vector<ReadyEvent> events;
    while (received.size() < 4) {
      events.clear();
      poller->wait(kNever, events);
      for (const ReadyEvent& e : events) WORKER_CHECK(checks, e.token == 7);
      for (;;) {
        std::byte buf[16];
        auto r = io.read(fd, buf);
        if (!r.ok() || r.value == 0) break;
        received.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(r.value));
      }
    }
  };
  p.run(workers, [&](int w) {
    if (workers == 1) {  // one worker plays both ends
      send(a, "ping");
      receive(b, got_ping);
      send(b, "pong");
      receive(a, got_pong);
      return;
    }
    if (w == 0) {
      send(a, "ping");
      receive(a, got_pong);
    } else if (w == responder) {
      receive(b, got_ping);
      send(b, "pong");
    }
  });
  checks.require_none();
  REQUIRE(got_ping == "ping");
  REQUIRE(got_pong == "pong");
  REQUIRE(io.open_fds() == fds_before);
  REQUIRE(io.close(a));
  REQUIRE(io.close(b));
  REQUIRE_FALSE(io.close(b));  // double close: reported, not a crash
}

// poller_wait_is_a_park: unpark() of a worker waiting in a Poller (with nothing ready) makes the
// wait return.
inline void poller_wait_is_a_park(Platform& p, int workers) {
  if (workers < 2) return;
  auto [r, w] = p.io().make_pipe();
  std::atomic<bool> waiting{false};
  std::atomic<bool> returned{false};
  WorkerChecks checks;
  p.run(workers, [&](int me) {
    if (me == 0) {
      auto poller = p.io().make_poller();
      WORKER_CHECK(checks, poller->add(r, kReadable, 1));
      std::vector<ReadyEvent> events;
      waiting.store(true);
      const Nanos start = p.now();
      poller->wait(start + 10'000 * kMs, events);  // returns on unpark long before that
      WORKER_CHECK(checks, events.empty());
      WORKER_CHECK(checks, p.now() - start < 5'000 * kMs);
      returned.store(true);
    } else if (me == 1) {
      while (!waiting.load()) p.relax(100'000);
      p.relax(1 * kMs);  // let worker 0 really block in the poller
      p.unpark(0);
    }
  });
  checks.require_none();
  REQUIRE(returned.load());
  p.io().close(r);
  p.io().close(w);
}

}  // namespace as::platform::testing
