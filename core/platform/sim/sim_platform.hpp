// core/platform/sim/sim_platform.hpp — the deterministic simulation: one OS thread, virtual time.
//
// Owns: simulated workers (each a fiber with its own virtual clock), the discrete-event loop
// that decides which worker runs next, the seeded chooser, and the simulated devices (sim_io.hpp).
//
// The loop (one "scheduling event" = one step):
//   1. Deliver every simulated I/O event due no later than the earliest worker wake-up time.
//   2. A worker's wake-up time is its clock if it is runnable, its deadline if it is parked with
//      one. Pick the smallest; ties are broken by choose(k) over the tied workers in index order.
//      That is the ONLY source of interleaving choice, so the same seed gives the same run.
//   3. Resume that worker's fiber (whichever fiber was running on it when it yielded — a
//      goroutine's fiber, the worker's own scheduler fiber...). It runs until its next
//      sched_point / consume / park / Poller wait / return, which switch back to the loop.
//   Time never goes backwards: every event created during a step is at or after the step's time,
//   so dispatch times are non-decreasing and trace timestamps come out in order. Virtual time
//   only jumps (to the next deadline or I/O delivery) when no worker is runnable before it.
//   4. Nothing runnable, no deadline, no I/O in flight, yet workers alive → STALL: call the stall
//      handler (the runtime reports its deadlock and unparks its workers). If that does not make
//      anything runnable either, the run is cancelled and run() throws Stalled. Never a hang.
//
// Invariants: exactly one fiber of this thread runs at a time; `current_` is the worker being
// dispatched (kNoWorker while the loop itself runs); a worker's clock only moves forward, and
// only in consume()/relax()/blocking_call() or when it is woken.
//
// A SimPlatform has one timeline: run() may be called again, and time, devices and I/O in flight
// carry over from the previous run (new workers start at the current time).
//
// Step APIs: a StepControl (another thread, see step_control.hpp) gates every step; tests on the
// same thread use start() / step() / run_until() / finish() instead of run().
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/fiber/fiber.hpp"
#include "core/fiber/stack.hpp"
#include "core/platform/platform.hpp"
#include "core/platform/step_control.hpp"

namespace as::platform {

class SimIo;
class SimPoller;

class SimPlatform final : public Platform {
 public:
  explicit SimPlatform(const SimConfig& config);
  ~SimPlatform() override;

  // ---- Platform ---------------------------------------------------------------------------------
  bool simulated() const override { return true; }
  Nanos now() const override;
  uint64_t choose(uint64_t n) override;
  uint64_t seed() const override { return config_.seed; }
  void run(int workers, std::function<void(int)> body) override;
  int spawn_worker(std::function<void(int)> body, std::string name = {}) override;
  int current_worker() const override { return current_; }
  int worker_count() const override { return static_cast<int>(workers_.size()); }
  void park(Nanos deadline = kNever) override;
  void unpark(int worker) override;
  void sched_point() override;
  void consume(Nanos ns) override;
  void relax(Nanos ns) override { consume(ns); }
  void blocking_call(Nanos cost_ns, const std::function<void()>& fn) override;
  void set_stall_handler(std::function<void()> handler) override;
  void cancel() override;
  bool cancelled() const override { return cancelled_; }
  Io& io() override;

  // ---- same-thread stepping (tests) ----------------------------------------------------------
  // start prepares a run like run() but executes nothing yet.
  void start(int workers, std::function<void(int)> body);
  // step executes one scheduling event (after any due I/O deliveries and stall handling); returns
  // false when every worker has finished (nothing was executed).
  bool step();
  // run_until steps until pred() is true (checked after each step) or the run ends; returns pred().
  bool run_until(const std::function<bool()>& pred);
  // finish runs the remaining steps, then rethrows the run's first error (body exception,
  // RunCancelled, Stalled) if there was one.
  void finish();
  // steps is the number of scheduling events executed in this run.
  uint64_t steps() const { return steps_; }
  // global_now is the time of the last dispatched event.
  Nanos global_now() const { return now_; }
  // stalls counts how often the stall handler was called in this run.
  uint64_t stalls() const { return stalls_; }

  // ---- used by SimIo / SimPoller --------------------------------------------------------------
  // event_time is the time "now" for whoever is running: the current worker's clock, or the
  // global time inside the loop.
  Nanos event_time() const;
  // schedule_io runs action at virtual time `at` (>= event_time()) as I/O delivery; such pending
  // deliveries keep the run from stalling.
  void schedule_io(Nanos at, std::function<void()> action);
  // wait_in_poller parks the current worker as a Poller wait (see Poller::wait): returns when
  // woken by the poller, an unpark (permit consumed), or the deadline.
  void wait_in_poller(SimPoller& poller, Nanos deadline);
  // wake_worker makes a parked worker runnable at max(its clock, at) + worker_wakeup_ns.
  void wake_worker(int worker, Nanos at);
  // throw_if_cancelled throws RunCancelled in a worker of a cancelled run (unless unwinding).
  void throw_if_cancelled() const;

 private:
  enum class WorkerState : uint8_t { Runnable, Parked, Finished };
  struct Worker {
    int index = 0;
    std::string name;
    std::function<void(int)> body;
    std::unique_ptr<fiber::Fiber> root;  // runs body
    fiber::Fiber* resume = nullptr;      // the fiber to resume (the one that yielded)
    WorkerState state = WorkerState::Runnable;
    Nanos clock = 0;
    Nanos deadline = kNever;
    bool permit = false;
    SimPoller* poller = nullptr;  // non-null while waiting in a Poller
  };
  struct IoEvent {
    Nanos at;
    uint64_t seq;
    std::function<void()> action;
  };

  Worker& self();        // the current worker (asserts we are in one)
  void yield_to_loop();  // switch from the current worker's fiber back to the loop
  void add_worker(std::function<void(int)> body, std::string name, Nanos clock);
  void worker_main(int index);  // root fiber entry
  bool deliver_due_io(Nanos limit);
  void cancel_all_from_loop();
  void reset_run();

  SimConfig config_;
  uint64_t rng_state_;
  fiber::StackPool stacks_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<IoEvent> io_events_;  // min-heap on (at, seq)
  uint64_t io_seq_ = 0;
  std::unique_ptr<SimIo> io_;
  std::function<void()> stall_handler_;
  fiber::Fiber* loop_ = nullptr;  // the fiber running the loop (the caller of run/step)
  int current_ = kNoWorker;
  Nanos now_ = 0;
  uint64_t steps_ = 0;
  uint64_t stalls_ = 0;
  int live_ = 0;
  bool cancelled_ = false;
  bool started_ = false;
  std::exception_ptr first_error_;
};

}  // namespace as::platform
