// bench/platform_bench.cpp — cost of the platform seam and the fibers (see bench/benches.hpp).
//
// Figures (median of Options::repeat runs), one line each:
//   platform fiber_switch 1 ns_per_switch=…      one symmetric Fiber::switch_to (thread CPU time)
//   platform fiber_spawn 1 ns_per_spawn=…        create a Fiber on a pooled stack, run it, finish
//   platform idle_fibers 1 bytes_per_fiber=…     10,000 suspended fibers: committed stack pages
//                                                (mincore) + the Fiber object, per fiber
//   platform sim_event P ns_per_event=…          one scheduling event of the simulation with P
//                                                workers (consume loop)
//   platform park_unpark P cpu_ns_per_handoff=…  a token passed round P os workers with
//                                                park/unpark (P=1: unpark self then park — the
//                                                permit fast path); CPU time of the whole process
//   platform park_unpark P wall_ns_per_handoff=… the same in wall time (includes the kernel's
//                                                wake-up latency; noisy on a loaded machine)
// P comes from Options::procs. Workload names filter with Options::workloads. Tracing is not
// involved: the platform emits no events.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "bench/benches.hpp"
#include "bench/measure.hpp"
#include "core/fiber/fiber.hpp"
#include "core/platform/platform.hpp"
#include "core/platform/sim/sim_platform.hpp"

namespace as::bench {

namespace {

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double thread_cpu() {
  return cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
}
double process_cpu() {
  return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
}
double wall() {
  return cpu_seconds(CLOCK_MONOTONIC);
}

double fiber_switch_ns() {
  fiber::StackPool pool;
  fiber::Fiber& main = fiber::Fiber::current();
  fiber::Fiber f(pool, [&] {
    for (;;) fiber::Fiber::switch_to(main);
  });
  constexpr int kRounds = 1'000'000;
  const double t0 = thread_cpu();
  for (int i = 0; i < kRounds; ++i) fiber::Fiber::switch_to(f);
  return (thread_cpu() - t0) * 1e9 / (2.0 * kRounds);  // two switches per round
}

double fiber_spawn_ns() {
  fiber::StackPool pool;
  constexpr int kSpawns = 200'000;
  const double t0 = thread_cpu();
  for (int i = 0; i < kSpawns; ++i) {
    fiber::Fiber f(pool, [] {});
    fiber::Fiber::switch_to(f);
  }
  return (thread_cpu() - t0) * 1e9 / kSpawns;
}

double idle_fiber_bytes() {
  fiber::StackConfig config;
  config.slab_bytes = 64u << 20;
  fiber::StackPool pool(config);
  fiber::Fiber& main = fiber::Fiber::current();
  constexpr int kFibers = 10'000;
  std::vector<std::unique_ptr<fiber::Fiber>> fibers;
  fibers.reserve(kFibers);
  for (int i = 0; i < kFibers; ++i) {
    fibers.push_back(std::make_unique<fiber::Fiber>(pool, [&] { fiber::Fiber::switch_to(main); }));
    fiber::Fiber::switch_to(*fibers.back());  // now suspended at a shallow point
  }
  size_t committed = 0;
  for (auto& f : fibers) committed += f->committed_bytes();
  const double per = static_cast<double>(committed) / kFibers + sizeof(fiber::Fiber);
  fibers.clear();  // unwinds each suspended fiber
  return per;
}

double sim_event_ns(int workers) {
  platform::SimConfig config;
  config.worker_stack_bytes = 256 * 1024;
  platform::SimPlatform sim(config);
  constexpr int kEvents = 1'000'000;
  const int per_worker = kEvents / workers;
  const double t0 = thread_cpu();
  sim.run(workers, [&](int) {
    for (int i = 0; i < per_worker; ++i) sim.consume(10);
  });
  return (thread_cpu() - t0) * 1e9 / static_cast<double>(sim.steps());
}

struct Handoff {
  double cpu_ns;
  double wall_ns;
};

Handoff park_unpark(int workers) {
  auto p = platform::make_os_platform({});
  constexpr int kHandoffs = 200'000;
  std::atomic<int> turn{0};
  const int rounds = kHandoffs / workers;
  const double c0 = process_cpu();
  const double w0 = wall();
  p->run(workers, [&](int w) {
    for (int r = 0; r < rounds; ++r) {
      if (workers == 1) {
        p->unpark(0);
        p->park();
        continue;
      }
      while (turn.load(std::memory_order_acquire) != w) p->park();
      const int next = (w + 1) % workers;
      turn.store(next, std::memory_order_release);
      p->unpark(next);
    }
  });
  const double n = static_cast<double>(rounds) * workers;
  return {(process_cpu() - c0) * 1e9 / n, (wall() - w0) * 1e9 / n};
}

template <typename Fn>
double median_of(const Options& o, Fn&& fn) {
  std::vector<double> runs;
  for (int i = 0; i < std::max(o.repeat, 1); ++i) runs.push_back(fn());
  return median(runs);
}

}  // namespace

int run_platform_bench(const Options& o) {
  if (wanted(o, "fiber_switch")) {
    std::printf("platform fiber_switch 1 ns_per_switch=%.1f\n", median_of(o, fiber_switch_ns));
  }
  if (wanted(o, "fiber_spawn")) {
    std::printf("platform fiber_spawn 1 ns_per_spawn=%.1f\n", median_of(o, fiber_spawn_ns));
  }
  if (wanted(o, "idle_fibers")) {
    std::printf("platform idle_fibers 1 bytes_per_fiber=%.0f\n", median_of(o, idle_fiber_bytes));
  }
  for (int procs : o.procs) {
    if (procs < 1) continue;
    if (wanted(o, "sim_event")) {
      std::printf("platform sim_event %d ns_per_event=%.1f\n", procs,
                  median_of(o, [&] { return sim_event_ns(procs); }));
    }
    if (wanted(o, "park_unpark")) {
      std::vector<double> cpu, wall_ns;
      for (int i = 0; i < std::max(o.repeat, 1); ++i) {
        const Handoff h = park_unpark(procs);
        cpu.push_back(h.cpu_ns);
        wall_ns.push_back(h.wall_ns);
      }
      std::printf("platform park_unpark %d cpu_ns_per_handoff=%.1f\n", procs, median(cpu));
      std::printf("platform park_unpark %d wall_ns_per_handoff=%.1f\n", procs, median(wall_ns));
    }
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace as::bench
