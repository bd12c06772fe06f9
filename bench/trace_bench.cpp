// bench/trace_bench.cpp — cost of the trace core (see bench/benches.hpp).
//
// Figures (median of Options::repeat runs), one line each:
//   trace record_event_burst N ns_per_op=…   emit() from N writer threads, 64 Ki events each (the
//                                            buffer stays in cache: the cost of the hot path
//                                            itself)
//   trace record_event N ns_per_op=…         2 M events per thread (sustained: ~10 encoded bytes
//                                            per event to memory). Both use a virtual clock (as
//                                            in the simulation: a raw function-pointer clock) and
//                                            memory reserved beforehand (Recorder::reserve)
//   trace record_event_growing N ns_per_op=… the same into fresh memory: adds page faults and the
//                                            kernel's page zeroing
//   trace record_event_steady N ns_per_op=…  reserved, with the default clock (monotonic_ns, as in
//                                            real runs)
//   trace astrace_write 1 MB_per_s=…         write_astrace of a synthetic trace to a temp file
//   trace astrace_read 1 MB_per_s=…          read_astrace (read + full validation + sort check)
//   trace json_export 1 MB_per_s=…           Perfetto JSON export, measured in output bytes
// Times are per-thread CPU time (see Clock below). N comes from Options::procs (default 1 and 2).
// Workload names filter with Options::workloads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "bench/benches.hpp"
#include "bench/measure.hpp"
#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "core/trace/synthetic_trace.hpp"

namespace as::bench {

namespace {

// Times are the calling thread's CPU time (user + system, so page faults and write() count),
// not wall time: on a shared, loaded machine wall time mostly measures the other processes.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};

double seconds_since(double t0) {
  return Clock::now() - t0;
}

// A per-thread virtual clock, like the simulation's: a counter behind a plain function pointer.
int64_t virtual_clock(void*) {
  thread_local int64_t t = 0;
  return ++t;
}

// ns per event for `threads` writers each emitting `per_thread` events into a fresh Recorder.
double record_once(int threads, size_t per_thread, bool steady, bool reserve) {
  trace::Recorder rec;
  if (!steady) rec.set_clock(&virtual_clock, nullptr);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> secs(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      if (reserve) rec.reserve(per_thread);  // outside the timed part: memory is ready
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const auto t0 = Clock::now();
      for (size_t i = 0; i < per_thread; ++i)
        rec.emit(trace::EventKind::ChanSend, static_cast<trace::WorkerId>(t),
                 static_cast<trace::TaskId>(i), 7, i);
      secs[static_cast<size_t>(t)] = seconds_since(t0);
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  if (rec.event_count() != per_thread * static_cast<size_t>(threads)) {
    std::fprintf(stderr, "asyncscope: bench trace: lost events\n");
    return -1;
  }
  // Per-thread cost: each writer's time over its own events (threads run in parallel).
  return median(secs) * 1e9 / static_cast<double>(per_thread);
}

// A streambuf that only counts bytes, so the JSON figure measures the exporter, not the disk.
class CountingBuf : public std::streambuf {
 public:
  size_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    ++bytes;
    return c;
  }
};

void print(const char* workload, int procs, const char* metric, double value) {
  std::printf("trace %s %d %s=%.2f\n", workload, procs, metric, value);
  std::fflush(stdout);
}

}  // namespace

int run_trace_bench(const Options& o) {
  const int repeat = std::max(1, o.repeat);
  constexpr size_t kPerThread = 2'000'000;  // 96 MB per thread: bound by memory bandwidth
  constexpr size_t kBurst = 65'536;         // 3 MB per thread: stays in cache (the hot path)

  struct RecordCase {
    const char* name;
    size_t per_thread;
    int runs_per_repeat;
    bool steady, reserve;
  };
  for (const RecordCase& c : {RecordCase{"record_event_burst", kBurst, 8, false, true},
                              RecordCase{"record_event", kPerThread, 1, false, true},
                              RecordCase{"record_event_growing", kPerThread, 1, false, false},
                              RecordCase{"record_event_steady", kPerThread, 1, true, true}}) {
    if (!wanted(o, c.name)) continue;
    for (int procs : o.procs) {
      if (procs < 1) continue;
      std::vector<double> runs;
      for (int r = 0; r < repeat * c.runs_per_repeat; ++r)
        runs.push_back(record_once(procs, c.per_thread, c.steady, c.reserve));
      print(c.name, procs, "ns_per_op", median(runs));
    }
  }

  const bool files = wanted(o, "astrace_write") || wanted(o, "astrace_read");
  if (!files && !wanted(o, "json_export")) return 0;

  trace::Recorder rec;
  trace::emit_synthetic_trace(rec, trace::SyntheticOptions{1'000'000, 4, 64, 1});
  const trace::TraceData data = trace::snapshot(rec);
  const std::string path =
      (std::filesystem::temp_directory_path() / "asyncscope_trace_bench.astrace").string();

  try {
    if (files) {
      std::vector<double> wr, rd;
      double bytes = 0;
      for (int r = 0; r < repeat; ++r) {
        auto t0 = Clock::now();
        trace::write_astrace(path, data);
        wr.push_back(seconds_since(t0));
        bytes = static_cast<double>(std::filesystem::file_size(path));
        t0 = Clock::now();
        const trace::TraceData back = trace::read_astrace(path);
        rd.push_back(seconds_since(t0));
        if (back.events.size() != data.events.size()) {
          std::fprintf(stderr, "asyncscope: bench trace: read back a different trace\n");
          return 1;
        }
      }
      if (wanted(o, "astrace_write"))
        print("astrace_write", 1, "MB_per_s", bytes / median(wr) / 1e6);
      if (wanted(o, "astrace_read")) print("astrace_read", 1, "MB_per_s", bytes / median(rd) / 1e6);
    }
    if (wanted(o, "json_export")) {
      std::vector<double> js;
      size_t out_bytes = 0;
      for (int r = 0; r < repeat; ++r) {
        CountingBuf buf;
        std::ostream out(&buf);
        const auto t0 = Clock::now();
        trace::write_perfetto_json(out, data);
        js.push_back(seconds_since(t0));
        out_bytes = buf.bytes;
      }
      print("json_export", 1, "MB_per_s", static_cast<double>(out_bytes) / median(js) / 1e6);
    }
  } catch (const trace::TraceError& e) {
    std::fprintf(stderr, "asyncscope: bench trace: %s\n", e.what());
    std::filesystem::remove(path);
    return 1;
  }
  std::filesystem::remove(path);
  return 0;
}

}  // namespace as::bench
