// bench/viz_bench.cpp — benchmarks of the viz area (see bench/benches.hpp).
#include <cstdio>

#include "bench/benches.hpp"

namespace as::bench {
int run_viz_bench(const Options&) {
  std::fprintf(stderr, "asyncscope: bench viz is not built yet\n");
  return 2;
}
}  // namespace as::bench
