// tests/platform/step_control_test.cpp — a UI thread single-steps a simulation on another thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/platform/sim/sim_platform.hpp"
#include "core/platform/step_control.hpp"
#include "core/trace/recorder.hpp"

using namespace as::platform;
using namespace std::chrono_literals;

namespace {

// Runs a 2-worker simulation of 20 sched points each on a background thread, emitting one
// Annotation per step with the step number as argument.
struct SimThread {
  StepControl& control;
  as::trace::Recorder recorder;
  std::atomic<int> progress{0};
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
  std::thread thread;

  explicit SimThread(StepControl& c) : control(c) {
    thread = std::thread([this] {
      SimConfig config;
      config.step = &control;
      config.worker_stack_bytes = 256 * 1024;
      SimPlatform sim(config);
      sim.attach_recorder(&recorder);
      try {
        sim.run(2, [&](int w) {
          for (int i = 0; i < 20; ++i) {
            const int n = progress.fetch_add(1) + 1;
            recorder.emit(as::trace::EventKind::Annotation, static_cast<as::trace::WorkerId>(w), 0,
                          static_cast<uint64_t>(n));
            sim.consume(100);
          }
        });
      } catch (const RunCancelled&) {
        cancelled.store(true);
      }
      sim.attach_recorder(nullptr);
      done.store(true);
    });
  }
  ~SimThread() {
    control.cancel();
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

TEST_CASE("StepControl: pause, step, step N, run_until, resume from another thread", "[step]") {
  StepControl control(/*start_paused=*/true);
  SimThread sim(control);
  REQUIRE(control.wait_until_paused(5s));
  REQUIRE(control.paused());
  REQUIRE(control.steps_done() == 0);
  REQUIRE(sim.progress.load() == 0);

  control.step();
  REQUIRE(control.wait_until_paused(5s));
  REQUIRE(control.steps_done() == 1);
  REQUIRE(sim.progress.load() == 1);

  control.step(5);
  REQUIRE(control.wait_until_paused(5s));
  REQUIRE(control.steps_done() == 6);
  REQUIRE(sim.progress.load() == 6);

  control.run_until([](const as::trace::Event& e) {
    return e.kind == as::trace::EventKind::Annotation && e.args[0] == 15;
  });
  REQUIRE(control.wait_until_paused(5s));
  REQUIRE(sim.progress.load() == 15);
  REQUIRE(control.virtual_now() > 0);

  control.resume();
  sim.thread.join();
  REQUIRE(sim.done.load());
  REQUIRE_FALSE(sim.cancelled.load());
  REQUIRE(sim.progress.load() == 40);
  REQUIRE(control.finished());
}

TEST_CASE("StepControl: cancel while paused unwinds the run without hanging", "[step]") {
  StepControl control(true);
  SimThread sim(control);
  REQUIRE(control.wait_until_paused(5s));
  control.step(3);
  REQUIRE(control.wait_until_paused(5s));
  control.cancel();
  sim.thread.join();
  REQUIRE(sim.cancelled.load());
  REQUIRE(sim.progress.load() == 3);
  REQUIRE(control.finished());
}

TEST_CASE("StepControl: throttled free running still finishes", "[step]") {
  StepControl control(false);
  control.set_max_steps_per_second(20'000);
  SimThread sim(control);
  sim.thread.join();
  REQUIRE(sim.progress.load() == 40);
  REQUIRE(control.steps_done() >= 40);
}
