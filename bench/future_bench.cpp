// bench/future_bench.cpp — benchmarks of the future area (see bench/benches.hpp).
#include <cstdio>

#include "bench/benches.hpp"

namespace as::bench {
int run_future_bench(const Options&) {
  std::fprintf(stderr, "asyncscope: bench future is not built yet\n");
  return 2;
}
}  // namespace as::bench
