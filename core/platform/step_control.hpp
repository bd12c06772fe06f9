// core/platform/step_control.hpp — drive a running simulation from another thread (the UI).
//
// Owns: the thread-safe handshake between a controller thread (the app's UI) and the simulation
// thread that runs a scenario with SimConfig::step (or scenario::RunOptions::step) pointing here.
//
// A "scheduling event" (one step) is one resumption of one simulated worker by the simulation
// loop: the worker runs until its next sched_point(), park(), consume(), Poller wait or return.
// (Deliveries of simulated I/O are bookkeeping, not steps.)
//
// Protocol
//   - Before each scheduling event the simulation thread asks the control for permission. It waits
//     (condition variable, no spinning) while paused and no step budget is left.
//   - pause(): stop before the next event. resume(): run freely. step(n): allow exactly n more
//     events, then pause again. run_until(pred): run until an event newly recorded in the
//     Recorder satisfies pred, then pause right after the step that recorded it. cancel(): unwind
//     the run (every worker sees RunCancelled) — works while paused, never hangs.
//   - All controller calls return immediately; wait_until_paused() blocks the controller until the
//     simulation has come to rest (paused or finished), which tests use.
//   - max_steps_per_second throttles free running so a live run is watchable (0 = unthrottled).
//
// One StepControl drives one run at a time; after the run ends (finished() is true) it may be
// reused for another run: attach() resets the counters and keeps the paused/running mode.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/trace/event.hpp"
#include "core/trace/recorder.hpp"

namespace as::platform {

class StepControl {
 public:
  using EventPredicate = std::function<bool(const trace::Event&)>;

  // start_paused: whether the run waits for the first step()/resume() (the app's default).
  explicit StepControl(bool start_paused = true);
  StepControl(const StepControl&) = delete;
  StepControl& operator=(const StepControl&) = delete;

  // ---- controller side (any thread) ----------------------------------------------------------
  void pause();
  void resume();
  void step(uint64_t n = 1);
  // run_until: pred is called ON THE SIMULATION THREAD with each event recorded since the
  // previous step (needs a Recorder attached to the platform; without one, it never matches and
  // the run continues to its end).
  void run_until(EventPredicate pred);
  void cancel();
  void set_max_steps_per_second(double rate);  // 0 = unthrottled

  bool paused() const;    // true while the simulation is waiting for permission
  bool finished() const;  // the run has ended (normally, by error or cancelled)
  bool cancel_requested() const;
  uint64_t steps_done() const;  // scheduling events executed in this run
  int64_t virtual_now() const;  // simulation time after the last step (ns)
  // wait_until_paused blocks until the simulation is paused or finished, or the timeout passes;
  // returns true if it is at rest.
  bool wait_until_paused(std::chrono::milliseconds timeout) const;

  // ---- simulation side (called by SimPlatform only)
  // ---------------------------------------------- attach starts a run: resets counters; `recorder`
  // may be null.
  void attach(const trace::Recorder* recorder);
  // before_step blocks until the next step is allowed; returns false if the run must cancel.
  bool before_step();
  // after_step records that one step ran and ended at virtual time `now`; checks run_until.
  void after_step(int64_t now);
  // detach marks the run finished and wakes waiters.
  void detach();

 private:
  enum class Mode { Paused, Running, Stepping, Until };

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // both directions: permission and "came to rest"
  Mode mode_;
  uint64_t step_budget_ = 0;
  EventPredicate until_;
  bool cancel_ = false;
  bool waiting_ = false;  // the simulation thread is blocked in before_step
  bool finished_ = false;
  uint64_t steps_ = 0;
  int64_t now_ = 0;
  double max_rate_ = 0;
  std::chrono::steady_clock::time_point last_step_time_{};
  bool resync_ = false;  // skip events recorded before run_until() was called
  const trace::Recorder* recorder_ = nullptr;
  trace::Recorder::Cursor cursor_;
};

}  // namespace as::platform
