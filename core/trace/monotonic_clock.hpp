// core/trace/monotonic_clock.hpp — the real-time clock of traces and of the os platform.
//
// Owns: one process-wide calibration that turns the CPU's time-stamp counter into nanoseconds.
//
// Why: a real run stamps every trace event and every scheduling decision with the time, several
// times per channel operation. clock_gettime(CLOCK_MONOTONIC) through the vDSO costs 15–25 ns on
// the virtual machines this tool runs on; reading the TSC and scaling it costs a few ns. This is
// what Go's runtime (cputicks + nanotime) and Tokio's tracing layers do for the same reason.
//
// Invariants:
//   - monotonic_ns() is the same clock on every thread, never goes backwards on one thread, and
//     agrees with CLOCK_MONOTONIC at calibration time (same epoch, so values look like steady
//     nanoseconds); its rate is measured against CLOCK_MONOTONIC once, over ~2 ms, at first use.
//   - The TSC is used only when the kernel itself trusts it: its current clocksource is "tsc"
//     (invariant, synchronised across CPUs). Otherwise — or with ASYNCSCOPE_CLOCK=steady in the
//     environment — monotonic_ns() is clock_gettime(CLOCK_MONOTONIC).
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace as::trace {

struct MonotonicCalibration {
  bool use_tsc = false;  // false: every read is clock_gettime(CLOCK_MONOTONIC)
  uint64_t base_tsc = 0;
  int64_t base_ns = 0;
  uint64_t ns_per_tick_q32 = 0;  // ns per TSC tick, 32.32 fixed point
};

namespace detail {
const MonotonicCalibration& calibrate_monotonic_clock();
int64_t clock_gettime_ns();
// TscClock is what a read needs once the TSC is calibrated: `ready` is stored (release) after the
// fields, the first time a read calibrates (slow_monotonic_ns), and only when the TSC is used.
// A namespace-scope object, not a function-local static: a read then tests one flag instead of
// the static's guard and a pointer to the calibration.
struct TscClock {
  std::atomic<bool> ready{false};
  uint64_t base_tsc = 0;
  int64_t base_ns = 0;
  uint64_t ns_per_tick_q32 = 0;
};
inline constinit TscClock g_tsc_clock;
// slow_monotonic_ns is monotonic_ns() before the TSC is ready: calibrates on first use, then reads
// the TSC (and makes it ready) or clock_gettime (a clock other than the TSC, or forced steady).
int64_t slow_monotonic_ns();
}  // namespace detail

// monotonic_calibration is computed once per process (thread-safe), on first use.
inline const MonotonicCalibration& monotonic_calibration() {
  return detail::calibrate_monotonic_clock();
}

// monotonic_ns returns nanoseconds on the process's monotonic clock (see the file comment).
inline int64_t monotonic_ns() {
#if defined(__x86_64__)
  const detail::TscClock& c = detail::g_tsc_clock;
  if (c.ready.load(std::memory_order_acquire)) [[likely]] {
    // Signed: a thread on a CPU whose counter reads a hair behind the calibrating CPU's must
    // not wrap around to the far future.
    const auto ticks = static_cast<int64_t>(__rdtsc() - c.base_tsc);
    __extension__ using I128 = __int128;
    return c.base_ns + static_cast<int64_t>(
                           (static_cast<I128>(ticks) * static_cast<I128>(c.ns_per_tick_q32)) >> 32);
  }
#endif
  return detail::slow_monotonic_ns();
}

}  // namespace as::trace
