// bench/benches.hpp — `asyncscope bench`: throughput and cost figures, never timed unit tests.
// Each area has one file here; each prints one line per figure: `MODEL WORKLOAD PROCS metric=value`.
#pragma once

#include <string>
#include <vector>

namespace as::bench {

struct Options {
  std::vector<int> procs{1, 2};        // worker counts to run each workload with
  bool trace = true;                   // record trace events while measuring (--no-trace: off)
  int repeat = 3;                      // runs per figure; the median is printed
  std::vector<std::string> workloads;  // empty = all of the model's workloads
};

int run_trace_bench(const Options& o);    // bench/trace_bench.cpp
int run_go_bench(const Options& o);       // bench/go_bench.cpp
int run_future_bench(const Options& o);   // bench/future_bench.cpp
int run_viz_bench(const Options& o);      // bench/viz_bench.cpp
int run_platform_bench(const Options& o); // bench/platform_bench.cpp

}  // namespace as::bench
