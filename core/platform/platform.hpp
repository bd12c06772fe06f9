// core/platform/platform.hpp — THE seam between scheduling policy and the machine.
//
// Owns: the abstract Platform that both runtimes (core/goroutine, core/future) run on. A runtime
// never includes <thread>, a clock or epoll: it asks its Platform for time, for worker threads, for
// parking/unparking idle workers, for I/O readiness and for every choice that could go more than
// one way. Two implementations exist:
//
//   sim (core/platform/sim/)  ONE OS thread. Workers are fibers; time is virtual (a discrete-event
//                             simulation); every choice comes from one seeded generator. Same seed
//                             → same sequence of events → byte-identical traces. A UI can
//                             single-step it through a StepControl.
//   os  (core/platform/os/)   one std::thread per worker, monotonic (TSC) clock, epoll, futex
//                             parking. This is what benchmarks run on.
//
// Why a virtual class and not a template/concept: both runtimes are large; compiling each twice
// would double build time, and a virtual call (~1 ns) is noise next to a park or a fiber switch.
//
// Vocabulary
//   worker    an execution context the platform schedules: a Go "M", a Tokio worker thread, a
//             spawn_blocking thread. Identified by a dense index 0, 1, 2 ... (never reused during a
//             run). Tasks (goroutines, futures) are the runtime's business, not the platform's.
//   deadline  an absolute time on the platform clock (ns); kNever = no deadline.
//   permit    park/unpark use a one-slot permit like std::thread::park / Go's notes / Tokio's
//             park.rs: unpark(w) stores a permit; park() consumes it and returns at once if one was
//             stored. Several unparks before a park merge into one permit.
//
// Threading (os): now(), choose(), unpark(), spawn_worker(), cancel() may be called from any
// thread; park(), sched_point(), consume(), blocking_call(), relax() only by a worker for itself.
// (sim): everything happens on the one simulation thread; StepControl is the only cross-thread API.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/platform/io.hpp"

namespace as::trace {
class Recorder;
}

namespace as::platform {

using Nanos = int64_t;
inline constexpr Nanos kNever = std::numeric_limits<Nanos>::max();
inline constexpr int kNoWorker = -1;

// RunCancelled is thrown out of park(), sched_point(), consume(), relax(), blocking_call() and
// Poller::wait() inside every worker (and inside any fiber running on a worker) once the run was
// cancelled (StepControl::cancel(), Platform::cancel(), or another worker's body threw), so that
// every stack unwinds and run() can return.
//
// RULE FOR RUNTIMES: code that says catch (...) on a worker must rethrow RunCancelled (catch it
// first and `throw;`). While a RunCancelled is already unwinding (std::uncaught_exceptions() > 0)
// the blocking calls return immediately instead of throwing, so destructors may still call them.
struct RunCancelled : std::runtime_error {
  RunCancelled() : std::runtime_error("run cancelled") {}
};

// Stalled is thrown by SimPlatform::run() when every worker was parked with no deadline and no
// I/O in flight, and the stall handler (if any) did not make any worker runnable. The platform has
// already unwound all workers with RunCancelled when this is thrown. It means a bug in the
// runtime's stall handler: a runtime's handler is expected to report the deadlock and unpark its
// workers.
struct Stalled : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// SimCosts — how long things take in virtual time. The sim platform itself applies
// worker_wakeup_ns (in unpark) and io_latency_ns (simulated devices); the other figures are read by
// the runtimes, which call consume(costs().X) at the matching places so that timeline spans have
// widths that look like a real machine's. Defaults are rough figures for a 2020s x86 core.
struct SimCosts {
  Nanos task_switch_ns = 100;  // switch from one task to another on a worker (incl. bookkeeping)
  Nanos task_spawn_ns = 300;   // create a task (goroutine / future task)
  Nanos wake_ns = 50;          // make a task runnable (goready / waker.wake)
  Nanos chan_op_ns = 50;       // one channel operation (send, recv, mpsc push/pop)
  Nanos poll_ns = 50;          // one poll of a leaf future (excluding the work it models)
  Nanos steal_ns = 200;        // one work-stealing attempt
  Nanos timer_ns = 50;         // arm/fire one timer
  Nanos netpoll_ns = 300;      // one poller wait that returns events
  Nanos syscall_ns = 1'000;    // a blocking syscall, when the caller gives no cost
  Nanos worker_wakeup_ns = 2'000;  // unpark of a PARKED worker: futex wake + OS scheduling latency
  Nanos io_latency_ns = 20'000;    // simulated pipe/socket: write → readable at the peer
};

class StepControl;

// SimConfig — options of the deterministic simulation (make_sim_platform).
struct SimConfig {
  uint64_t seed = 1;  // seeds every choice; recorded in the trace meta
  SimCosts costs{};
  StepControl* step = nullptr;           // optional: another thread single-steps this run
  size_t worker_stack_bytes = 1u << 20;  // reserved stack of each worker fiber (lazily committed)
  size_t pipe_capacity = 64 * 1024;      // bytes a simulated pipe/socket direction buffers
  uint64_t max_events = 0;               // safety valve: cancel after this many scheduling
                                         // events (0 = unlimited); run() then throws Stalled
};

// OsConfig — options of the real platform (make_os_platform).
struct OsConfig {
  uint64_t seed = 0;         // seeds the per-worker choice generators; 0 = derive from the clock
  bool name_threads = true;  // pthread_setname_np("as-worker-N") so perf/top show workers
};

// Platform — see the file comment. All methods are documented with their threading rule.
class Platform {
 public:
  virtual ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // simulated is true for the sim platform (virtual time, one OS thread).
  virtual bool simulated() const = 0;

  // ---- time -------------------------------------------------------------------------------------
  // now returns the current time in ns. sim: the calling worker's virtual clock (the global
  // simulation time when called outside a worker); os: trace::monotonic_ns(). Any thread.
  virtual Nanos now() const = 0;

  // ---- choices ----------------------------------------------------------------------------------
  // choose returns a value in [0, n) (n >= 1; choose(1) == 0 and consumes no randomness in sim).
  // sim: the single seeded generator, so the whole run is reproducible; os: a fast per-thread
  // generator seeded from seed(). Every scheduling decision that could go more than one way
  // (steal victim, select case, fairness tick) must come from here. Any thread.
  virtual uint64_t choose(uint64_t n) = 0;
  // seed is the seed of the generator (SimConfig::seed / OsConfig::seed or the derived one).
  virtual uint64_t seed() const = 0;

  // ---- workers ----------------------------------------------------------------------------------
  // run starts `workers` workers (indices 0..workers-1), each calling body(index), and returns when
  // every worker — including those added by spawn_worker — has returned. If a body throws, the run
  // is cancelled (the other workers see RunCancelled at their next blocking call) and run()
  // rethrows the first exception once all workers have returned. After cancel() it throws
  // RunCancelled. run() may be called again after it returned. Call from a non-worker context.
  virtual void run(int workers, std::function<void(int worker)> body) = 0;
  // spawn_worker adds a worker during run() (a Go M for a syscall hand-off, a spawn_blocking
  // thread) and returns its index. sim: it starts runnable at the caller's time. Any worker (os:
  // any thread while run() is active). name is for debuggers/`top` (os thread name).
  virtual int spawn_worker(std::function<void(int worker)> body, std::string name = {}) = 0;
  // current_worker is the index of the calling worker, or kNoWorker outside this platform's
  // workers. Fibers switched to on a worker count as that worker.
  virtual int current_worker() const = 0;
  // worker_count is how many workers were started in this run so far (initial + spawned).
  virtual int worker_count() const = 0;

  // ---- parking ----------------------------------------------------------------------------------
  // park blocks the calling worker until unpark(self) (or a permit stored earlier), the deadline,
  // a cancel, or rarely spuriously. The caller re-checks its condition in a loop. Calling worker
  // only (any fiber running on it).
  virtual void park(Nanos deadline = kNever) = 0;
  // unpark stores the permit of `worker` and wakes it if it is parked (or waiting in a Poller).
  // sim: the woken worker becomes runnable at max(its clock, waker's clock) + worker_wakeup_ns if
  // it was parked. No-op for an index that has exited. Any thread (os).
  virtual void unpark(int worker) = 0;

  // sched_point marks a point where the sim may switch to another worker (a deterministic
  // interleaving point; one "step" for the UI). os: only checks for cancellation (nearly free).
  virtual void sched_point() = 0;
  // consume models computing for ns: sim advances the caller's virtual clock by ns and is a
  // sched_point; os really spins for ns. This is what gives timeline spans their widths.
  virtual void consume(Nanos ns) = 0;
  // relax is a short back-off of a spinning worker (Go's usleep(3) in the spinning-M loop).
  // sim: like consume(ns); os: sleeps about ns (nanosleep).
  virtual void relax(Nanos ns) = 0;
  // blocking_call models a blocking syscall on the calling worker. os: runs fn on this thread (it
  // blocks for real); if fn is empty it sleeps cost_ns. sim: the worker is busy for cost_ns of
  // virtual time (like consume), then fn (which must not block for real) runs. cost_ns < 0 means
  // costs().syscall_ns.
  virtual void blocking_call(Nanos cost_ns, const std::function<void()>& fn) = 0;

  // set_stall_handler registers what happens when no worker can ever run again: every live worker
  // is parked with no deadline (sim: and no I/O in flight and no Poller wait that can return;
  // os: Poller waits count as "may return"). It runs on the simulation thread (sim) or on the last
  // worker that parked (os), may be called more than once for one stall (make it idempotent) and
  // typically records "deadlock", then unparks the workers so their bodies return.
  virtual void set_stall_handler(std::function<void()> handler) = 0;

  // cancel makes every worker's next blocking call throw RunCancelled (see RunCancelled) and wakes
  // parked workers. run() then throws RunCancelled. os: any thread; sim: the simulation thread
  // (another thread cancels a simulation through StepControl::cancel()).
  virtual void cancel() = 0;
  // cancelled is true once cancel() was called (until the next run()).
  virtual bool cancelled() const = 0;

  // ---- I/O --------------------------------------------------------------------------------------
  // io is this platform's file-descriptor API and poller factory (core/platform/io.hpp).
  virtual Io& io() = 0;

  // ---- trace ------------------------------------------------------------------------------------
  // attach_recorder makes `recorder` stamp events with this platform's now() and fills its meta
  // (seed, simulated). Call before run(); nullptr detaches. The platform emits no events itself.
  void attach_recorder(trace::Recorder* recorder);
  trace::Recorder* recorder() const { return recorder_; }

  // costs are the modelled costs (SimConfig::costs; os returns defaults the runtime can ignore).
  const SimCosts& costs() const { return costs_; }

 protected:
  explicit Platform(SimCosts costs) : costs_(costs) {}

 private:
  trace::Recorder* recorder_ = nullptr;
  SimCosts costs_;
};

// make_sim_platform creates the deterministic simulation (see core/platform/sim/sim_platform.hpp
// for its extra single-thread stepping API: start/step/run_until).
std::unique_ptr<Platform> make_sim_platform(const SimConfig& config = {});
// make_os_platform creates the real platform.
std::unique_ptr<Platform> make_os_platform(const OsConfig& config = {});

// make_platform is the one-liner scenarios use: real → os (seed used as OsConfig::seed), otherwise
// sim with the given seed and optional StepControl.
std::unique_ptr<Platform> make_platform(bool real, uint64_t seed, StepControl* step = nullptr);

}  // namespace as::platform
