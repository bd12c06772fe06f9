// scenarios/scenario.hpp — a built-in scenario: a real program on one of the runtimes.
//
// The CLI (`asyncscope list`, `asyncscope run`), the app's scenario browser and the lessons all
// find scenarios here. A scenario runs to completion on the calling thread, writing its trace
// into the Recorder it is given; options choose the platform (deterministic sim or real threads),
// the number of workers, the seed and, for futures, the executor.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/recorder.hpp"

namespace as::platform {
class StepControl;  // core/platform: lets another thread single-step a simulated run
}

namespace as::scenario {

enum class Model { Goroutine, Future };
inline std::string_view model_name(Model m) { return m == Model::Goroutine ? "go" : "future"; }

struct RunOptions {
  int procs = 2;                     // GOMAXPROCS / executor worker threads
  bool real = false;                 // real OS threads instead of the deterministic simulation
  uint64_t seed = 1;                 // sim: seeds every scheduling choice
  std::string executor = "multi";    // futures: "current" | "multi"
  platform::StepControl* step = nullptr;     // sim only: single-stepping from a UI (may be null)
  std::map<std::string, std::string> params; // scenario knobs, e.g. {"n","1000"}
};

struct RunResult {
  int exit_code = 0;   // what the process would exit with (Go: 2 on panic/deadlock)
  std::string error;   // the runtime's report ("fatal error: all goroutines are asleep - deadlock!")
};

struct Scenario {
  std::string id;            // e.g. "pingpong"; the same id may exist for both models
  Model model = Model::Goroutine;
  std::string title;         // one line
  std::string summary;       // what to look at
  std::string source_file;   // repo-relative path of the code, for the lesson source view
  std::function<RunResult(const RunOptions&, trace::Recorder&)> run;
};

// all returns every built-in scenario (goroutine, future, lesson), in registration order.
const std::vector<Scenario>& all();
// find returns the scenario with this id and model, or nullptr.
const Scenario* find(std::string_view id, Model model);

// Registration hooks, one per owner folder (explicit calls: static-library registration by
// constructors would be dropped by the linker).
void register_goroutine_scenarios(std::vector<Scenario>& out);
void register_future_scenarios(std::vector<Scenario>& out);

}  // namespace as::scenario
