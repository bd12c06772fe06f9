// bench/go_bench.cpp — benchmarks of the go area (see bench/benches.hpp).
#include <cstdio>

#include "bench/benches.hpp"

namespace as::bench {
int run_go_bench(const Options&) {
  std::fprintf(stderr, "asyncscope: bench go is not built yet\n");
  return 2;
}
}  // namespace as::bench
