// core/trace/monotonic_clock.cpp — calibration of the TSC-based monotonic clock (see header).
#include "core/trace/monotonic_clock.hpp"

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace as::trace::detail {

int64_t clock_gettime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {

// kernel_trusts_tsc: the kernel keeps a TSC clocksource only when the counter is invariant and
// synchronised across CPUs; it falls back to hpet/acpi_pm (or kvm-clock) otherwise.
bool kernel_trusts_tsc() {
  std::FILE* f =
      std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
  if (f == nullptr) return false;
  char name[32] = {};
  const bool read = std::fgets(name, sizeof name, f) != nullptr;
  std::fclose(f);
  return read && std::strncmp(name, "tsc", 3) == 0 && (name[3] == '\n' || name[3] == '\0');
}

#if defined(__x86_64__)
// A (tsc, ns) pair read as close together as possible: the tightest of a few tries, the TSC
// taken as the midpoint of two reads around clock_gettime.
struct Pair {
  uint64_t tsc;
  int64_t ns;
};
Pair read_pair() {
  Pair best{};
  uint64_t best_width = ~uint64_t{0};
  for (int i = 0; i < 5; ++i) {
    const uint64_t t0 = __rdtsc();
    const int64_t ns = clock_gettime_ns();
    const uint64_t t1 = __rdtsc();
    if (t1 - t0 < best_width) {
      best_width = t1 - t0;
      best = Pair{t0 + (t1 - t0) / 2, ns};
    }
  }
  return best;
}
#endif

MonotonicCalibration calibrate() {
  MonotonicCalibration c;
  c.base_ns = clock_gettime_ns();
#if defined(__x86_64__)
  const char* forced = std::getenv("ASYNCSCOPE_CLOCK");
  if (forced != nullptr && std::strcmp(forced, "steady") == 0) return c;
  if (!kernel_trusts_tsc()) return c;
  const Pair a = read_pair();
  Pair b = read_pair();
  while (b.ns - a.ns < 2'000'000) b = read_pair();  // ~2 ms: rate error of a few 1e-5
  if (b.tsc <= a.tsc) return c;
  const double ns_per_tick = static_cast<double>(b.ns - a.ns) / static_cast<double>(b.tsc - a.tsc);
  c.use_tsc = true;
  c.base_tsc = b.tsc;
  c.base_ns = b.ns;
  c.ns_per_tick_q32 = static_cast<uint64_t>(ns_per_tick * 4294967296.0 + 0.5);
#endif
  return c;
}

}  // namespace

const MonotonicCalibration& calibrate_monotonic_clock() {
  static const MonotonicCalibration calibration = [] {
    const MonotonicCalibration c = calibrate();
    if (c.use_tsc) {  // the fields first, then the flag that lets reads use them
      g_tsc_clock.base_tsc = c.base_tsc;
      g_tsc_clock.base_ns = c.base_ns;
      g_tsc_clock.ns_per_tick_q32 = c.ns_per_tick_q32;
      g_tsc_clock.ready.store(true, std::memory_order_release);
    }
    return c;
  }();
  return calibration;
}

int64_t slow_monotonic_ns() {
  const MonotonicCalibration& c = calibrate_monotonic_clock();
#if defined(__x86_64__)
  if (c.use_tsc) {
    const auto ticks = static_cast<int64_t>(__rdtsc() - c.base_tsc);
    __extension__ using I128 = __int128;
    return c.base_ns + static_cast<int64_t>(
                           (static_cast<I128>(ticks) * static_cast<I128>(c.ns_per_tick_q32)) >> 32);
  }
#endif
  return clock_gettime_ns();
}

}  // namespace as::trace::detail
