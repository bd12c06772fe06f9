// lessons/lesson_program.hpp — the plumbing every lesson scenario shares, so that a lesson's
// scenario.cpp holds only the program a student reads in the source panel.
//
// run_go runs a Go-style main() on a go::Runtime built from RunOptions (sim or os, procs, seed,
// StepControl, recorder). run_future runs a root Task on a future::Runtime with the executor the
// options name ("current" or "multi" with procs workers). Both turn how the program ended (exit
// code and report — a Go panic, a deadlock, a root task's exception) into a RunResult, never an
// exception, because ending badly is sometimes what a lesson shows.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "core/future/future_all.hpp"
#include "core/goroutine/go.hpp"
#include "scenarios/scenario.hpp"

namespace as::lessons {

inline scenario::RunResult run_go(const scenario::RunOptions& opt, trace::Recorder& rec,
                                  std::function<void()> main_fn) {
  go::Config config;
  config.procs = opt.procs;
  config.real = opt.real;
  config.seed = opt.seed;
  config.recorder = &rec;
  config.step = opt.step;
  go::Runtime rt(config);
  go::Exit e = rt.run(std::move(main_fn));
  return scenario::RunResult{e.code, e.report};
}

inline future::RuntimeConfig future_config(const scenario::RunOptions& opt) {
  return opt.executor == "current" ? future::RuntimeConfig::current_thread()
                                   : future::RuntimeConfig::multi_thread(opt.procs);
}

// run_future runs make_root() as the root task "main". `tune` may adjust the runtime config
// (e.g. turn the cooperative budget off to show starvation).
template <class MakeRoot>
scenario::RunResult run_future(const scenario::RunOptions& opt, trace::Recorder& rec,
                               MakeRoot make_root,
                               std::function<void(future::RuntimeConfig&)> tune = {}) {
  auto plat = platform::make_platform(opt.real, opt.seed, opt.step);
  future::RuntimeConfig cfg = future_config(opt);
  if (tune) tune(cfg);
  try {
    future::Runtime rt(*plat, cfg, &rec);
    rt.block_on(make_root());
    return {};
  } catch (const std::exception& e) {
    return scenario::RunResult{1, e.what()};
  }
}

// make_scenario fills the fields every lesson scenario shares.
inline scenario::Scenario make_scenario(
    std::string id, scenario::Model model, std::string title, std::string source_file,
    std::function<scenario::RunResult(const scenario::RunOptions&, trace::Recorder&)> run) {
  scenario::Scenario s;
  s.id = std::move(id);
  s.model = model;
  s.title = std::move(title);
  s.summary = "lesson scenario";
  s.source_file = std::move(source_file);
  s.run = std::move(run);
  return s;
}

}  // namespace as::lessons
