// bench/go_bench.cpp — `asyncscope bench --model go`: the goroutine runtime on real OS threads.
//
// Workloads (exactly the issue's; one line per figure: `go WORKLOAD PROCS metric=value`):
//   spawn_join   100,000 goroutines each signalling a WaitGroup          -> ns_per_op
//   pingpong     two goroutines, two unbuffered channels, 1,000,000 round trips -> ns_per_op
//   fanout       1 producer, 1,000,000 ints on a cap-1024 channel, 4 summing workers -> ns_per_op
//   timers       10,000 goroutines each sleeping 1 ms ten times         -> wall_ms,
//   cpu_ns_per_timer idle_memory  100,000 goroutines parked on a receive                  ->
//   bytes_per_task
// The ns_per_op workloads also print cpu_ns_per_op (process CPU time / ops): on a shared,
// overloaded machine wall time measures the other processes; CPU time measures us.
// Each figure is the median of Options::repeat runs; every run gets a fresh runtime and (unless
// --no-trace) a fresh Recorder, so tracing costs are included. idle_memory runs each repeat in a
// fresh child process (bench/measure.hpp: RSS growth in a warm process undercounts).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/benches.hpp"
#include "bench/measure.hpp"
#include "core/goroutine/go.hpp"

namespace as::bench {

namespace {

using Clock = std::chrono::steady_clock;

// run_go runs body as a Go program on the os platform; returns wall ns of rt.run() and stores
// the process CPU ns it used in *cpu (the honest figure on a loaded machine).
int64_t run_go(int procs, bool trace, const std::function<void()>& body, int64_t* cpu = nullptr) {
  std::unique_ptr<trace::Recorder> rec;
  if (trace) rec = std::make_unique<trace::Recorder>();
  go::Config config;
  config.procs = procs;
  config.real = true;
  config.recorder = rec.get();
  go::Runtime rt(config);
  const int64_t c0 = process_cpu_ns();
  const auto t0 = Clock::now();
  go::Exit e = rt.run(body);
  const auto t1 = Clock::now();
  if (cpu) *cpu = process_cpu_ns() - c0;
  if (e.code != 0) std::fprintf(stderr, "go bench: program failed: %s\n", e.report.c_str());
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
}

std::vector<Figure> spawn_join(int procs, bool trace) {
  constexpr int kN = 100'000;
  int64_t cpu = 0;
  const int64_t ns = run_go(
      procs, trace,
      [] {
        go::WaitGroup wg;
        wg.add(kN);
        for (int i = 0; i < kN; ++i) go::spawn("g", [&wg] { wg.done(); });
        wg.wait();
      },
      &cpu);
  return {{"ns_per_op", static_cast<double>(ns) / kN},
          {"cpu_ns_per_op", static_cast<double>(cpu) / kN}};
}

std::vector<Figure> pingpong(int procs, bool trace) {
  constexpr int kRounds = 1'000'000;
  int64_t cpu = 0;
  const int64_t ns = run_go(
      procs, trace,
      [] {
        go::Chan<int> ping, pong;
        go::spawn("ponger", [&] {
          for (int i = 0; i < kRounds; ++i) pong.send(ping.recv().first + 1);
        });
        int v = 0;
        for (int i = 0; i < kRounds; ++i) {
          ping.send(v);
          v = pong.recv().first;
        }
      },
      &cpu);
  return {{"ns_per_op", static_cast<double>(ns) / kRounds},
          {"cpu_ns_per_op", static_cast<double>(cpu) / kRounds}};
}

std::vector<Figure> fanout(int procs, bool trace) {
  constexpr int kItems = 1'000'000;
  int64_t cpu = 0;
  const int64_t ns = run_go(
      procs, trace,
      [] {
        go::Chan<int> items(1024);
        go::Chan<long> sums(4);
        for (int w = 0; w < 4; ++w)
          go::spawn("worker", [&] {
            long sum = 0;
            for (int v : items) sum += v;
            sums.send(sum);
          });
        go::spawn("producer", [&] {
          for (int i = 0; i < kItems; ++i) items.send(i);
          items.close();
        });
        long total = 0;
        for (int w = 0; w < 4; ++w) total += sums.recv().first;
        if (total != static_cast<long>(kItems) * (kItems - 1) / 2) go::panic("fanout: wrong sum");
      },
      &cpu);
  return {{"ns_per_op", static_cast<double>(ns) / kItems},
          {"cpu_ns_per_op", static_cast<double>(cpu) / kItems}};
}

std::vector<Figure> timers(int procs, bool trace) {
  constexpr int kGoroutines = 10'000;
  constexpr int kSleeps = 10;
  const int64_t cpu0 = process_cpu_ns();
  const int64_t ns = run_go(procs, trace, [] {
    go::WaitGroup wg;
    wg.add(kGoroutines);
    for (int i = 0; i < kGoroutines; ++i)
      go::spawn("sleeper", [&wg] {
        for (int k = 0; k < kSleeps; ++k) go::sleep(std::chrono::milliseconds(1));
        wg.done();
      });
    wg.wait();
  });
  const int64_t cpu = process_cpu_ns() - cpu0;
  return {{"wall_ms", static_cast<double>(ns) / 1e6},
          {"cpu_ns_per_timer", static_cast<double>(cpu) / (kGoroutines * kSleeps)}};
}

std::vector<Figure> idle_memory(int procs, bool trace) {
  constexpr int kN = 100'000;
  // In a child process: RSS growth counts first touches only (see bench/measure.hpp).
  const std::optional<double> bytes = in_fresh_process([procs, trace] {
    // Start like a fresh program: without goroutine records or trace memory recycled from
    // earlier workloads (either would be resident already and escape the RSS growth).
    go::free_os_memory();
    trace::Recorder::release_pooled_memory();
    long grown = 0;
    run_go(procs, trace, [&grown] {
      go::Chan<int> never;
      go::WaitGroup started;
      started.add(kN);
      const long before = rss_bytes();
      for (int i = 0; i < kN; ++i)
        go::spawn("idle", [&] {
          started.done();
          never.recv();
        });
      started.wait();
      go::sleep(std::chrono::milliseconds(5));  // let the last ones park
      grown = rss_bytes() - before;
      never.close();
    });
    return static_cast<double>(grown) / kN;
  });
  if (!bytes) std::fprintf(stderr, "go bench: idle_memory child failed\n");
  return {{"bytes_per_task", bytes.value_or(-1.0)}};
}

const std::vector<std::pair<std::string, Workload>>& workloads() {
  static const std::vector<std::pair<std::string, Workload>> w = {{"spawn_join", spawn_join},
                                                                  {"pingpong", pingpong},
                                                                  {"fanout", fanout},
                                                                  {"timers", timers},
                                                                  {"idle_memory", idle_memory}};
  return w;
}

}  // namespace

int run_go_bench(const Options& o) {
  return run_workloads("go", o, workloads());
}

}  // namespace as::bench
