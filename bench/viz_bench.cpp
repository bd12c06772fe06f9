// bench/viz_bench.cpp — `asyncscope bench viz [1m] [10m] [goroutine|future]`: the app's trace
// model.
//
// On synthetic traces (viz/model/synthetic.hpp) of 1,000,000 and 10,000,000 events it measures:
//   build_ms            TraceModel built from TraceData in memory
//   frame_out_ms        one frame's draw data (spans, folds, markers, wake edges), zoomed out to
//   the
//                       whole trace, 1600 px wide, for what a window shows: every worker lane + 64
//                       task lanes alive in the view
//   frame_in_ms         the same zoomed in (1/1000 of the trace, in the middle)
//   frame_*_all_lanes_ms  the same over every lane of the trace (tens of thousands of task lanes;
//                       a view culls vertically, so this is an upper bound, not a frame)
//   state_at_us         reconstructing the state at a random playhead (checkpoint + replay)
//   step_us             the state after stepping the playhead one event forward
//   bytes_per_event     model heap memory / events (goal <= 64)
//   astrace_load_ms     read_astrace of the trace written to a temp file + model build
// Lines: `viz METRIC EVENTS value` (the median of --repeat runs), figures in goroutine traces
// unless the `future` workload is given. Times are CPU time of the measuring thread (all of this
// work is single-threaded), so figures stay comparable on a shared, loaded machine.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/benches.hpp"
#include "bench/measure.hpp"
#include "core/trace/astrace.hpp"
#include "viz/model/synthetic.hpp"
#include "viz/model/trace_model.hpp"

namespace as::bench {

namespace {
double clock_ms(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
// Clock::now(): this thread's CPU time (single-threaded queries).
struct Clock {
  using time_point = double;
  static double now() { return clock_ms(CLOCK_THREAD_CPUTIME_ID); }
};
// Stopwatch: wall time and CPU time of the whole process (multi-threaded building).
struct Stopwatch {
  double wall0 = clock_ms(CLOCK_MONOTONIC);
  double cpu0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
  double wall() const { return clock_ms(CLOCK_MONOTONIC) - wall0; }
  double cpu() const { return clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0; }
};

double ms_since(Clock::time_point t0) {
  return Clock::now() - t0;
}

void print(const char* metric, size_t events, double value) {
  std::printf("viz %s %zu %.3f\n", metric, events, value);
  std::fflush(stdout);
}

// frame_ms: the median time to build one frame's draw list over `lanes` for `view`.
double frame_ms(const viz::TraceModel& m, const viz::ViewWindow& view,
                const std::vector<viz::LaneRef>& lanes, int repeat) {
  viz::FrameDraw frame;
  std::vector<double> times;
  for (int r = 0; r < std::max(repeat, 5); ++r) {
    const auto t0 = Clock::now();
    m.build_frame(view, lanes, frame);
    times.push_back(ms_since(t0));
  }
  return median(times);
}

void bench_size(const Options& o, size_t events, trace::ModelKind kind) {
  viz::SyntheticOptions so;
  so.model = kind;
  so.events = events;
  so.workers = 8;
  so.tasks = 1000;
  so.seed = 42;
  const trace::TraceData data = viz::make_synthetic_trace(so);
  const size_t n = data.events.size();

  std::vector<double> build, build_cpu;
  for (int r = 0; r < o.repeat; ++r) {
    const Stopwatch sw;
    viz::TraceModel m(data);
    build.push_back(sw.wall());
    build_cpu.push_back(sw.cpu());
  }
  print("build_ms", n, median(build));
  print("build_cpu_ms", n, median(build_cpu));

  const viz::TraceModel m(data);
  print("bytes_per_event", n, static_cast<double>(m.memory_bytes()) / static_cast<double>(n));
  const auto lanes = m.all_lanes();
  print("lanes", n, static_cast<double>(lanes.size()));
  const viz::Time b = m.begin_time(), e = m.end_time();
  const viz::Time mid = b + (e - b) / 2, span = std::max<viz::Time>(1, (e - b) / 1000);
  const auto out = viz::ViewWindow::for_width(b, e, 1600);
  const auto in = viz::ViewWindow::for_width(mid, mid + span, 1600);
  // What a 1600x1000 window shows: every worker lane + the first 64 task lanes alive in the view.
  auto screen_lanes = [&](const viz::ViewWindow& v) {
    std::vector<viz::LaneRef> screen;
    size_t task_lanes = 0;
    for (const auto& l : lanes) {
      if (l.kind == viz::LaneKind::Worker) {
        screen.push_back(l);
      } else if (task_lanes < 64) {
        const viz::TaskInfo& t = m.tasks()[l.index];
        if (t.created <= v.t1 && t.destroyed >= v.t0) {
          screen.push_back(l);
          ++task_lanes;
        }
      }
    }
    return screen;
  };
  print("frame_out_ms", n, frame_ms(m, out, screen_lanes(out), o.repeat));
  print("frame_in_ms", n, frame_ms(m, in, screen_lanes(in), o.repeat));
  print("frame_out_all_lanes_ms", n, frame_ms(m, out, lanes, o.repeat));
  print("frame_in_all_lanes_ms", n, frame_ms(m, in, lanes, o.repeat));

  std::mt19937_64 rng(7);
  std::vector<double> state;
  for (int k = 0; k < 25; ++k) {
    const auto i = static_cast<viz::EventIndex>(rng() % n);
    const auto t0 = Clock::now();
    const viz::ModelState s = m.state_at(i);
    state.push_back(ms_since(t0) * 1000.0);
    if (s.event != i) std::fprintf(stderr, "viz bench: state_at(%u) returned %u\n", i, s.event);
  }
  print("state_at_us", n, median(state));
  // Stepping the playhead forward one event at a time (play / step): replays only the new event.
  std::vector<double> step;
  const auto start = static_cast<viz::EventIndex>(n / 2);
  (void)m.state_at(start);
  for (viz::EventIndex i = start + 1; i < start + 201 && i < n; ++i) {
    const auto t0 = Clock::now();
    (void)m.state_at(i);
    step.push_back(ms_since(t0) * 1000.0);
  }
  print("step_us", n, median(step));

  // .astrace round trip: write once, then time read + model build.
  const auto path = std::filesystem::temp_directory_path() /
                    ("asyncscope-viz-bench-" + std::to_string(n) + ".astrace");
  try {
    trace::write_astrace(path.string(), data);
    std::vector<double> read, load, load_cpu;
    for (int r = 0; r < o.repeat; ++r) {
      const Stopwatch sw;
      const trace::TraceData back = trace::read_astrace(path.string());
      read.push_back(sw.wall());
      viz::TraceModel loaded(back);
      load.push_back(sw.wall());
      load_cpu.push_back(sw.cpu());
    }
    print("astrace_read_ms", n, median(read));
    print("astrace_load_ms", n, median(load));
    print("astrace_load_cpu_ms", n, median(load_cpu));
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "viz bench: .astrace round trip skipped: %s\n", ex.what());
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

}  // namespace

int run_viz_bench(const Options& o) {
  const trace::ModelKind kind = wanted(o, "future") && !wanted(o, "goroutine")
                                    ? trace::ModelKind::Future
                                    : trace::ModelKind::Goroutine;
  bool any = false;
  for (const auto& [name, events] : {std::pair<std::string, size_t>{"1m", 1000000},
                                     std::pair<std::string, size_t>{"10m", 10000000}}) {
    bool selected = wanted(o, name);
    // "future"/"goroutine" alone select the model, not the size.
    if (!selected && !wanted(o, "1m") && !wanted(o, "10m")) selected = true;
    if (!selected) continue;
    any = true;
    bench_size(o, events, kind);
  }
  if (!any) {
    std::fprintf(stderr, "asyncscope: bench viz: workloads are 1m, 10m, goroutine, future\n");
    return 2;
  }
  return 0;
}

}  // namespace as::bench
