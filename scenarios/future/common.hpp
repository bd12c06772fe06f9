// scenarios/future/common.hpp — what every future scenario shares: building the platform and the
// runtime from RunOptions (sim or real, executor current|multi, procs, seed, step control), reading
// integer parameters with clear errors, and turning runtime failures into a RunResult.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/future/future_all.hpp"
#include "core/platform/platform.hpp"
#include "scenarios/scenario.hpp"

namespace as::scenario::future_scn {

using namespace std::chrono_literals;
namespace fut = as::future;

// param_int reads params[key] as an integer in [lo, hi], or dflt when absent.
inline long param_int(const RunOptions& o, const std::string& key, long dflt, long lo, long hi) {
  auto it = o.params.find(key);
  if (it == o.params.end()) return dflt;
  size_t used = 0;
  long v = 0;
  try {
    v = std::stol(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != it->second.size() || v < lo || v > hi)
    throw std::invalid_argument("parameter " + key + "=" + it->second + " must be an integer in [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

inline fut::RuntimeConfig config_of(const RunOptions& o) {
  if (o.executor == "current") return fut::RuntimeConfig::current_thread();
  if (o.executor != "multi")
    throw std::invalid_argument("executor must be current or multi, got " + o.executor);
  return fut::RuntimeConfig::multi_thread(o.procs);
}

// run_future runs root() as the main task; `tweak` may adjust the config (budget, thresholds).
inline RunResult run_future(const RunOptions& o, trace::Recorder& rec,
                            const std::function<fut::Task<int>()>& root,
                            const std::function<void(fut::RuntimeConfig&)>& tweak = {}) {
  RunResult result;
  try {
    fut::RuntimeConfig cfg = config_of(o);
    if (tweak) tweak(cfg);
    auto plat = platform::make_platform(o.real, o.seed, o.step);
    fut::Runtime rt(*plat, cfg, &rec);
    result.exit_code = rt.block_on(root());
  } catch (const fut::Deadlock& e) {
    result.exit_code = 2;
    result.error = std::string("error: ") + e.what();
  } catch (const platform::RunCancelled&) {
    result.exit_code = 1;
    result.error = "run cancelled";
  } catch (const std::invalid_argument& e) {
    result.exit_code = 2;
    result.error = std::string("error: ") + e.what();
  } catch (const std::exception& e) {
    result.exit_code = 101;  // what a Rust program exits with when main panics
    result.error = std::string("thread 'main' panicked: ") + e.what();
  }
  return result;
}

inline Scenario make(std::string id, std::string title, std::string summary, std::string file,
                     std::function<RunResult(const RunOptions&, trace::Recorder&)> run) {
  Scenario s;
  s.id = std::move(id);
  s.model = Model::Future;
  s.title = std::move(title);
  s.summary = std::move(summary);
  s.source_file = std::move(file);
  // Bad parameters are reported as a clear error (exit 2), never an exception out of run().
  s.run = [run = std::move(run)](const RunOptions& o, trace::Recorder& rec) -> RunResult {
    try {
      return run(o, rec);
    } catch (const std::invalid_argument& e) {
      return RunResult{2, std::string("error: ") + e.what()};
    }
  };
  return s;
}

// One function per scenario file.
Scenario pingpong();
Scenario fanout();
Scenario spawn_storm();
Scenario select_timeout();
Scenario timers();
Scenario echo();
Scenario blocking_in_async();
Scenario spawn_blocking();
Scenario never_yield();
Scenario lost_waker();
Scenario panic_join();
Scenario deep_await();

}  // namespace as::scenario::future_scn
