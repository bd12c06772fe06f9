// bench/future_bench.cpp — `asyncscope bench --model future`: the future runtime on real OS
// threads.
//
// Workloads (the issue's; one line per figure: `future WORKLOAD PROCS metric=value`):
//   spawn_join   100,000 tasks spawned and joined (each returns a value)      -> ns_per_op
//   pingpong     two tasks, two capacity-1 mpsc channels, 1,000,000 round trips -> ns_per_op
//   fanout       1 producer, 1,000,000 ints, 4 summing tasks; capacity 1024 in total
//                (4 channels of 256, producer round-robin), consumers drain in batches
//                (recv_many: drains the queue in batches) -> ns_per_op (per item)
//   timers       10,000 tasks each sleeping 1 ms ten times -> wall_ms, cpu_ns_per_timer
//   idle_memory  100,000 tasks parked on Notify::notified() -> bytes_per_task (resident-set growth
//                plus what the tasks took from the task allocator's free lists)
// procs=1 runs the current-thread executor, procs=N>1 the work-stealing one with N workers.
// Each figure is the median of Options::repeat runs; every run gets a fresh platform, runtime and
// (unless --no-trace) a fresh Recorder, so tracing costs are included; idle_memory runs each repeat
// in a forked child (bench/measure.hpp) so that no repeat reuses pages an earlier one freed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/benches.hpp"
#include "bench/measure.hpp"
#include "core/future/future_all.hpp"
#include "core/future/task/task_memory.hpp"
#include "core/platform/platform.hpp"

namespace as::bench {

namespace {

namespace fut = as::future;
using Clock = std::chrono::steady_clock;

// run_future runs make_root() on the os platform; returns the wall ns of block_on.
int64_t run_future(int procs, bool trace, const std::function<fut::Task<int>()>& make_root) {
  std::unique_ptr<trace::Recorder> rec;
  if (trace) rec = std::make_unique<trace::Recorder>();
  auto plat = platform::make_os_platform();
  fut::Runtime rt(
      *plat,
      procs <= 1 ? fut::RuntimeConfig::current_thread() : fut::RuntimeConfig::multi_thread(procs),
      rec.get());
  auto root = make_root();
  const auto t0 = Clock::now();
  (void)rt.block_on(std::move(root));
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

fut::Task<int> leaf_task(int i) {
  co_return i & 1;
}

std::vector<Figure> spawn_join(int procs, bool trace) {
  constexpr int kN = 100'000;
  const int64_t ns = run_future(procs, trace, [] {
    return []() -> fut::Task<int> {
      std::vector<fut::JoinHandle<int>> hs;
      hs.reserve(kN);
      for (int i = 0; i < kN; ++i) hs.push_back(fut::spawn(leaf_task(i)));
      long sum = 0;
      for (auto& h : hs) sum += (co_await h).value();
      co_return static_cast<int>(sum & 1);
    }();
  });
  return {{"ns_per_op", static_cast<double>(ns) / kN}};
}

fut::Task<int> ponger(fut::mpsc::Receiver<int> rx, fut::mpsc::Sender<int> tx) {
  while (auto v = co_await rx.recv()) (void)co_await tx.send(*v + 1);
  co_return 0;
}

std::vector<Figure> pingpong(int procs, bool trace) {
  constexpr int kRounds = 1'000'000;
  const int64_t ns = run_future(procs, trace, [] {
    return []() -> fut::Task<int> {
      auto [ping_tx, ping_rx] = fut::mpsc::channel<int>(1);
      auto [pong_tx, pong_rx] = fut::mpsc::channel<int>(1);
      auto h = fut::spawn(ponger(std::move(ping_rx), std::move(pong_tx)));
      int x = 0;
      for (int i = 0; i < kRounds; ++i) {
        (void)co_await ping_tx.send(x);
        x = *co_await pong_rx.recv();
      }
      { auto close = std::move(ping_tx); }
      (void)co_await h;
      co_return x == kRounds ? 0 : 1;
    }();
  });
  return {{"ns_per_op", static_cast<double>(ns) / kRounds}};
}

fut::Task<long> summer(fut::mpsc::Receiver<int> rx) {
  long sum = 0;
  std::vector<int> batch;
  batch.reserve(1024);
  // Drain what is queued in one operation (tokio's recv_many), as the Tokio figure did.
  while (co_await rx.recv_many(batch, 1024) > 0) {
    for (int v : batch) sum += v;
    batch.clear();
  }
  co_return sum;
}

std::vector<Figure> fanout(int procs, bool trace) {
  constexpr int kItems = 1'000'000;
  constexpr int kWorkers = 4;
  const int64_t ns = run_future(procs, trace, [] {
    return []() -> fut::Task<int> {
      std::vector<fut::mpsc::Sender<int>> txs;
      std::vector<fut::JoinHandle<long>> hs;
      for (int w = 0; w < kWorkers; ++w) {
        auto [tx, rx] = fut::mpsc::channel<int>(1024 / kWorkers);
        txs.push_back(std::move(tx));
        hs.push_back(fut::spawn(summer(std::move(rx))));
      }
      for (int i = 0; i < kItems; ++i)
        (void)co_await txs[static_cast<size_t>(i % kWorkers)].send(i);
      txs.clear();
      long total = 0;
      for (auto& h : hs) total += (co_await h).value();
      co_return total == static_cast<long>(kItems) * (kItems - 1) / 2 ? 0 : 1;
    }();
  });
  return {{"ns_per_op", static_cast<double>(ns) / kItems}};
}

std::vector<Figure> timers(int procs, bool trace) {
  constexpr int kTasks = 10'000;
  constexpr int kSleeps = 10;
  const int64_t cpu0 = process_cpu_ns();
  const int64_t ns = run_future(procs, trace, [] {
    return []() -> fut::Task<int> {
      std::vector<fut::JoinHandle<int>> hs;
      hs.reserve(kTasks);
      for (int i = 0; i < kTasks; ++i)
        hs.push_back(fut::spawn([]() -> fut::Task<int> {
          for (int k = 0; k < kSleeps; ++k) co_await fut::sleep(std::chrono::milliseconds(1));
          co_return 0;
        }()));
      for (auto& h : hs) (void)co_await h;
      co_return 0;
    }();
  });
  const int64_t cpu = process_cpu_ns() - cpu0;
  return {{"wall_ms", static_cast<double>(ns) / 1e6},
          {"cpu_ns_per_timer", static_cast<double>(cpu) / (kTasks * kSleeps)}};
}

// parked_task is one idle_memory task: it parks on the Notify until notify_waiters. It takes plain
// pointers where the Rust version would hold an Arc each (8 bytes): the root owns both objects and
// joins every task before they go, so no task can outlive them — the honest C++ rendering of
// shared ownership that is never the last. (A std::shared_ptr is 16 bytes: its copies in every
// parked frame were 16 of the bytes measured.) A free function, not a lambda: a lambda coroutine
// also keeps its closure pointer in the frame.
fut::Task<fut::Unit> parked_task(fut::Notify* notify, std::atomic<int>* parked) {
  auto waiting = notify->notified();
  parked->fetch_add(1);
  co_await waiting;
  co_return fut::Unit{};
}

std::vector<Figure> idle_memory(int procs, bool trace) {
  constexpr int kN = 100'000;
  // In a child process: RSS growth counts first touches only (see bench/measure.hpp). Memory the
  // tasks take from the task allocator's free lists (left by an earlier workload before the fork)
  // is resident already: it is counted as well as the RSS growth. Pooled trace chunks are released
  // first (see below).
  const std::optional<double> bytes = in_fresh_process([procs, trace] {
    // Trace memory recycled from earlier workloads would be resident already and escape the RSS
    // growth: give it back, so the trace of the parked tasks counts as a fresh program's would.
    trace::Recorder::release_pooled_memory();
    long grown = 0;
    run_future(procs, trace, [&grown] {
      return [](long* out) -> fut::Task<int> {
        auto notify = std::make_shared<fut::Notify>();
        auto parked = std::make_shared<std::atomic<int>>(0);
        std::vector<fut::JoinHandle<fut::Unit>> hs;
        hs.reserve(kN);
        const long before = rss_bytes() - static_cast<long>(fut::memory::free_bytes());
        for (int i = 0; i < kN; ++i) hs.push_back(fut::spawn(parked_task(notify.get(), parked.get())));
        while (parked->load() < kN) co_await fut::yield_now();
        co_await fut::yield_now();
        *out = rss_bytes() - static_cast<long>(fut::memory::free_bytes()) - before;
        notify->notify_waiters();
        for (auto& h : hs) (void)co_await h;
        co_return 0;
      }(&grown);
    });
    return static_cast<double>(grown) / kN;
  });
  if (!bytes) std::fprintf(stderr, "future bench: idle_memory child failed\n");
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

int run_future_bench(const Options& o) {
  return run_workloads("future", o, workloads());
}

}  // namespace as::bench
