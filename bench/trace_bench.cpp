// bench/trace_bench.cpp — benchmarks of the trace area (see bench/benches.hpp).
#include <cstdio>

#include "bench/benches.hpp"

namespace as::bench {
int run_trace_bench(const Options&) {
  std::fprintf(stderr, "asyncscope: bench trace is not built yet\n");
  return 2;
}
}  // namespace as::bench
