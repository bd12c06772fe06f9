// tests/goroutine/helpers.hpp — run one test body as a Go program on the platform under test.
//
// The same test files are compiled twice: goroutine_tests (GO_TEST_REAL=0: the deterministic
// simulation) and goroutine_os_tests (GO_TEST_REAL=1: real threads; also run under TSan). Each
// TEST_CASE picks its procs with GENERATE(1, 2, 4). Catch2 is not thread-safe, so goroutines
// only record results; assertions run after rt.run() returns, on the test thread.
// run_go also checks the leak invariants: no goroutine and no stack outlives the runtime.
#pragma once

#include <catch2/catch.hpp>

#include <functional>

#include "core/goroutine/go.hpp"

#ifndef GO_TEST_REAL
#define GO_TEST_REAL 0
#endif

namespace gotest {

inline constexpr bool kReal = GO_TEST_REAL != 0;
// TSan counts every fiber as a thread (limit 8128, slots reclaimed lazily): tests that create
// many goroutines divide their counts by kSpawnScale under TSan.
#if defined(ASYNCSCOPE_TSAN)
inline constexpr int kSpawnScale = 10;
#else
inline constexpr int kSpawnScale = 1;
#endif
inline const char* platform_name() {
  return kReal ? "os" : "sim";
}

inline as::go::Exit run_go(int procs, const std::function<void()>& body,
                           as::trace::Recorder* rec = nullptr, uint64_t seed = 1,
                           std::chrono::nanoseconds quantum = std::chrono::milliseconds(10)) {
  as::go::Config c;
  c.procs = procs;
  c.real = kReal;
  c.seed = seed;
  c.recorder = rec;
  c.quantum = quantum;
  as::go::Runtime rt(c);
  as::go::Exit e = rt.run(body);
  const auto st = rt.stats();
  CHECK(st.live_goroutines == 0);
  CHECK(st.live_stacks == 0);
  return e;
}

}  // namespace gotest
