// viz/app/live_run.hpp — one scenario running off the UI thread, its events streaming into a model.
//
// Owns: the run's Recorder, its background thread, and (for the deterministic simulation) the
// StepControl the UI steps it with. The UI thread calls drain() once per frame: it polls the
// Recorder's cursor (lock-free for the writers) and appends what arrived to the TraceModel — the
// model is only ever touched by the UI thread (it is not thread-safe by design).
//
// Invariants: at most one run per LiveRun; stop() cancels a paused or running simulation and joins
// the thread, so destroying a LiveRun never leaves a thread behind (closing the window mid-run is
// safe). Real-thread runs cannot be cancelled from outside; stop() waits for them to finish.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/platform/step_control.hpp"
#include "core/trace/recorder.hpp"
#include "scenarios/scenario.hpp"
#include "viz/model/trace_model.hpp"

namespace as::viz {

class LiveRun {
 public:
  LiveRun() = default;
  ~LiveRun() { stop(); }
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;

  // start launches `scenario` with `options` on a background thread. For a sim run with
  // `stepped` true the run waits for steps (StepControl starts paused); otherwise it runs freely.
  // Any previous run is stopped first. `model` is reset to an empty model with this run's meta.
  void start(const scenario::Scenario& scenario, scenario::RunOptions options, bool stepped,
             TraceModel& model);

  // drain appends the events that arrived since the last call to `model`; returns how many.
  size_t drain(TraceModel& model);

  bool active() const { return thread_.joinable(); }
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // result is meaningful once finished(): the scenario's exit code and error text.
  scenario::RunResult result() const;
  // control is the StepControl of a sim run (nullptr for real-thread runs or when idle).
  platform::StepControl* control() { return control_.get(); }
  const std::string& title() const { return title_; }
  // events_seen counts events drained so far.
  size_t events_seen() const { return events_seen_; }

  // string resolves an interned string of this run's Recorder ("" when idle or unknown).
  std::string string(trace::StringId id) const {
    return recorder_ ? recorder_->string(id) : std::string();
  }
  // keep_delivered: when true, drain() also appends each batch (in model order) to `delivered`
  // for a second consumer (the lesson player), which takes them with take_delivered().
  bool keep_delivered = false;
  std::vector<trace::Event> take_delivered() { return std::exchange(delivered_, {}); }

  // stop cancels the run (sim) or waits for it (real) and joins the thread.
  void stop();

 private:
  std::unique_ptr<trace::Recorder> recorder_;
  std::unique_ptr<platform::StepControl> control_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
  mutable std::mutex result_mu_;
  scenario::RunResult result_;
  trace::Recorder::Cursor cursor_;
  std::vector<trace::Event> fresh_;
  std::vector<trace::Event> delivered_;
  std::vector<std::string> strings_;
  std::string title_;
  size_t events_seen_ = 0;
};

// run_title is the one-line name of a run: "pingpong (go, sim, 2 procs, seed 1)".
std::string run_title(const scenario::Scenario& s, const scenario::RunOptions& o);

}  // namespace as::viz
