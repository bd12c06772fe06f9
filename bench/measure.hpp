// bench/measure.hpp — measuring helpers shared by every `asyncscope bench` model.
//
// Owns: CPU-time and RSS readings, medians, and running one measurement in a fresh child process.
//
// Why a fresh process for memory figures: RSS growth only counts pages the process touches for
// the first time. After an earlier run in the same process freed its memory, the allocator hands
// those already-resident pages out again and a second "100,000 parked tasks" run appears to cost
// a fraction of the first. A forked child starts from the parent's state at fork time with none
// of that slack reused across repeats, so every repeat measures what a program would pay.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/benches.hpp"

namespace as::bench {

// process_cpu_ns is the CPU time of the whole process (all threads, user + system).
int64_t process_cpu_ns();
// thread_cpu_ns is the calling thread's CPU time.
int64_t thread_cpu_ns();
// rss_bytes is the process's resident set size now.
long rss_bytes();
// median of the values (0 for none).
double median(std::vector<double> values);
// wanted: the workload was named on the command line, or none was.
bool wanted(const Options& o, const std::string& workload);
// One figure of a workload run: `metric=value`.
struct Figure {
  std::string metric;
  double value;
};
// A workload: its figures for one run with `procs` workers, tracing on or off.
using Workload = std::function<std::vector<Figure>(int procs, bool trace)>;
// run_workloads is the driver of a runtime's benchmarks: every workload named in o (all when none
// is), each procs of o, o.repeat runs each; prints `MODEL WORKLOAD PROCS metric=median` lines.
// Returns 2 (after one line on stderr) for an unknown workload or procs outside [1, 256].
int run_workloads(const char* model, const Options& o,
                  const std::vector<std::pair<std::string, Workload>>& workloads);
// in_fresh_process runs `measure` in a forked child and returns what it returned, or nullopt if
// the child failed (crashed, or threw). Call it while the process has a single thread.
std::optional<double> in_fresh_process(const std::function<double()>& measure);

}  // namespace as::bench
