// scenarios/goroutine/common.hpp — shared plumbing of the goroutine scenarios.
//
// Each scenario file holds one Go-style program (what the lesson's source view shows) and a
// make_<id>() that describes it. run_program() turns RunOptions into a go::Runtime (sim or os
// platform, procs, seed, StepControl, recorder) and the program's exit into a RunResult.
#pragma once

#include <cstdlib>
#include <functional>
#include <source_location>
#include <string>

#include "core/goroutine/go.hpp"
#include "scenarios/scenario.hpp"

namespace as::scenario::goroutine {

// run_program runs main_fn as the Go program's main() with the options' platform settings.
inline RunResult run_program(const RunOptions& opt, trace::Recorder& rec,
                             std::function<void()> main_fn,
                             std::source_location loc = std::source_location::current()) {
  go::Config config;
  config.procs = opt.procs;
  config.real = opt.real;
  config.seed = opt.seed;
  config.recorder = &rec;
  config.step = opt.step;
  go::Runtime rt(config);
  go::Exit e = rt.run(std::move(main_fn), loc);
  return RunResult{e.code, e.report};
}

// param reads an integer scenario knob (--param key=value), with a default. Bad numbers and
// out-of-range values fall back to clear errors at the CLI (std::invalid_argument).
inline long param(const RunOptions& opt, const std::string& key, long fallback, long lo, long hi) {
  auto it = opt.params.find(key);
  if (it == opt.params.end()) return fallback;
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || v < lo || v > hi)
    throw std::invalid_argument("parameter " + key + " must be a number in [" + std::to_string(lo) +
                                ", " + std::to_string(hi) + "], got '" + it->second + "'");
  return v;
}

Scenario make_pingpong();
Scenario make_fanout();
Scenario make_spawn_storm();
Scenario make_select();
Scenario make_timers();
Scenario make_echo();
Scenario make_syscall();
Scenario make_preempt();
Scenario make_deadlock();
Scenario make_panic();
Scenario make_deep_recursion();

}  // namespace as::scenario::goroutine
