// core/platform/sim/sim_platform.cpp — the discrete-event loop (see sim_platform.hpp).
#include "core/platform/sim/sim_platform.hpp"

#include <algorithm>
#include <cassert>
#include <exception>
#include <stdexcept>

#include "core/platform/sim/sim_io.hpp"

namespace as::platform {

namespace {

__extension__ using U128 = unsigned __int128;  // for Lemire's bounded random numbers

// SplitMix64: tiny, fast, and fully specified, so the same seed gives the same choices on every
// compiler and standard library (std::uniform_int_distribution does not promise that).
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool later(const auto& a, const auto& b) {
  return a.at != b.at ? a.at > b.at : a.seq > b.seq;
}

}  // namespace

SimPlatform::SimPlatform(const SimConfig& config)
    : Platform(config.costs),
      config_(config),
      rng_state_(config.seed),
      stacks_([&] {
        fiber::StackConfig sc;
        sc.reserve_bytes = config.worker_stack_bytes;
        sc.slab_bytes = 0;  // few workers: one mapping each is fine
        return sc;
      }()),
      io_(std::make_unique<SimIo>(*this, config.pipe_capacity)) {}

SimPlatform::~SimPlatform() {
  // A run abandoned half-way (a test failed, an exception escaped step()): unwind every worker's
  // root fiber so its stack is released. Blocking calls return at once while unwinding.
  cancelled_ = true;
  for (auto& w : workers_) {
    if (w->state == WorkerState::Finished) continue;
    current_ = w->index;
    w->root.reset();
    current_ = kNoWorker;
  }
  workers_.clear();
  io_.reset();
  if (started_ && config_.step) config_.step->detach();  // a UI waiting on it must not hang
}

// ---- time and choice
// -----------------------------------------------------------------------------

Nanos SimPlatform::now() const {
  return event_time();
}

Nanos SimPlatform::event_time() const {
  return current_ != kNoWorker ? workers_[static_cast<size_t>(current_)]->clock : now_;
}

uint64_t SimPlatform::choose(uint64_t n) {
  if (n <= 1) return 0;
  // Lemire's multiply-shift: maps 64 random bits onto [0, n) without division.
  return static_cast<uint64_t>((static_cast<U128>(splitmix64(rng_state_)) * n) >> 64);
}

// ---- workers
// -------------------------------------------------------------------------------------

SimPlatform::Worker& SimPlatform::self() {
  if (current_ == kNoWorker) {
    throw std::logic_error("SimPlatform: blocking call outside a simulated worker");
  }
  return *workers_[static_cast<size_t>(current_)];
}

void SimPlatform::add_worker(std::function<void(int)> body, std::string name, Nanos clock) {
  auto w = std::make_unique<Worker>();
  w->index = static_cast<int>(workers_.size());
  w->name = name.empty() ? "worker-" + std::to_string(w->index) : std::move(name);
  w->body = std::move(body);
  w->clock = clock;
  const int index = w->index;
  w->root = std::make_unique<fiber::Fiber>(
      stacks_, [this, index] { worker_main(index); }, w->name, static_cast<uint64_t>(index));
  workers_.push_back(std::move(w));
  ++live_;
}

void SimPlatform::worker_main(int index) {
  Worker& w = *workers_[static_cast<size_t>(index)];
  if (!cancelled_) {
    try {
      w.body(index);
    } catch (const RunCancelled&) {
      // the run was cancelled: this worker is done
    } catch (const fiber::FiberUnwind&) {
      throw;  // being destroyed by ~SimPlatform
    } catch (...) {
      if (!first_error_) first_error_ = std::current_exception();
      cancel();
    }
  }
  w.state = WorkerState::Finished;
  w.resume = nullptr;
  --live_;
  // Returning switches to return_to(): the loop fiber.
}

void SimPlatform::reset_run() {
  // Every worker of a previous run has finished. Time and in-flight I/O carry over: a platform
  // has one timeline, and devices keep their state between runs.
  workers_.clear();
  cancelled_ = false;
  first_error_ = nullptr;
  steps_ = 0;
  stalls_ = 0;
  live_ = 0;
  current_ = kNoWorker;
}

void SimPlatform::start(int workers, std::function<void(int)> body) {
  if (started_) throw std::logic_error("SimPlatform::start: a run is already in progress");
  reset_run();
  started_ = true;
  if (config_.step) config_.step->attach(recorder());
  for (int i = 0; i < std::max(workers, 0); ++i) add_worker(body, {}, now_);
}

void SimPlatform::run(int workers, std::function<void(int)> body) {
  start(workers, std::move(body));
  finish();
}

int SimPlatform::spawn_worker(std::function<void(int)> body, std::string name) {
  if (!started_) throw std::logic_error("SimPlatform::spawn_worker outside a run");
  add_worker(std::move(body), std::move(name), event_time());
  return static_cast<int>(workers_.size()) - 1;
}

// ---- the loop
// ------------------------------------------------------------------------------------

bool SimPlatform::deliver_due_io(Nanos limit) {
  if (io_events_.empty() || io_events_.front().at > limit) return false;
  std::pop_heap(io_events_.begin(), io_events_.end(), [](auto& a, auto& b) { return later(a, b); });
  IoEvent ev = std::move(io_events_.back());
  io_events_.pop_back();
  now_ = std::max(now_, ev.at);
  current_ = kNoWorker;
  ev.action();
  return true;
}

bool SimPlatform::step() {
  if (!started_) return false;
  if (current_ != kNoWorker)
    throw std::logic_error("SimPlatform::step called from inside a worker");
  loop_ = &fiber::Fiber::current();
  std::vector<int> tied;
  bool handler_ran = false;  // the stall handler already had its chance in this step
  for (;;) {
    if (live_ == 0) return false;
    // Earliest wake-up among workers: runnable → clock, parked with a deadline → deadline.
    Nanos earliest = kNever;
    tied.clear();
    for (const auto& w : workers_) {
      Nanos t = kNever;
      if (w->state == WorkerState::Runnable) t = w->clock;
      if (w->state == WorkerState::Parked) t = std::max(w->clock, w->deadline);
      if (t == kNever) continue;
      if (t < earliest) {
        earliest = t;
        tied.clear();
      }
      if (t == earliest) tied.push_back(w->index);
    }
    // I/O deliveries due first (they happen "before" a worker that runs at the same instant).
    if (deliver_due_io(earliest)) continue;
    if (earliest == kNever) {
      // Stall: every live worker is parked forever and nothing is in flight.
      ++stalls_;
      if (stall_handler_ && !cancelled_ && !handler_ran) {
        handler_ran = true;
        current_ = kNoWorker;
        try {
          stall_handler_();
        } catch (...) {
          if (!first_error_) first_error_ = std::current_exception();
          cancel();
        }
        continue;  // re-examine: the handler normally unparked someone
      }
      if (!first_error_) {
        first_error_ = std::make_exception_ptr(
            Stalled("simulation stalled: every worker is parked with no deadline and no I/O in "
                    "flight, and the stall handler did not resolve it"));
      }
      cancel();
      continue;
    }
    if (config_.step && !cancelled_ && !config_.step->before_step()) {
      cancel();
      continue;
    }
    const int pick = tied[choose(tied.size())];
    Worker& w = *workers_[static_cast<size_t>(pick)];
    if (w.state == WorkerState::Parked) {  // its deadline has come
      w.clock = std::max(w.clock, w.deadline);
      w.state = WorkerState::Runnable;
      w.deadline = kNever;
    }
    assert(w.clock >= now_);
    now_ = w.clock;
    current_ = pick;
    fiber::Fiber& target = w.resume ? *w.resume : *w.root;
    w.resume = nullptr;
    w.root->set_return_to(loop_);
    fiber::Fiber::switch_to(target);
    current_ = kNoWorker;
    ++steps_;
    if (config_.max_events != 0 && steps_ >= config_.max_events && !cancelled_) {
      if (!first_error_) {
        first_error_ = std::make_exception_ptr(
            Stalled("simulation exceeded SimConfig::max_events scheduling events"));
      }
      cancel();
    }
    if (config_.step) config_.step->after_step(now_);
    return true;
  }
}

bool SimPlatform::run_until(const std::function<bool()>& pred) {
  while (!pred()) {
    if (!step()) return pred();
  }
  return true;
}

void SimPlatform::finish() {
  while (step()) {
  }
  started_ = false;
  if (config_.step) config_.step->detach();
  if (first_error_) std::rethrow_exception(first_error_);
  if (cancelled_) throw RunCancelled();
}

// ---- blocking calls (worker side)
// ----------------------------------------------------------------

void SimPlatform::throw_if_cancelled() const {
  if (cancelled_ && current_ != kNoWorker && std::uncaught_exceptions() == 0) throw RunCancelled();
}

void SimPlatform::yield_to_loop() {
  Worker& w = self();
  w.resume = &fiber::Fiber::current();
  fiber::Fiber::switch_to(*loop_);
}

void SimPlatform::sched_point() {
  if (current_ == kNoWorker) return;
  if (cancelled_) return throw_if_cancelled();
  yield_to_loop();
  throw_if_cancelled();
}

void SimPlatform::consume(Nanos ns) {
  if (current_ == kNoWorker) return;
  if (cancelled_) return throw_if_cancelled();
  self().clock += std::max<Nanos>(ns, 0);
  yield_to_loop();
  throw_if_cancelled();
}

void SimPlatform::blocking_call(Nanos cost_ns, const std::function<void()>& fn) {
  consume(cost_ns < 0 ? costs().syscall_ns : cost_ns);
  if (fn) fn();
}

void SimPlatform::park(Nanos deadline) {
  Worker& w = self();
  if (cancelled_) return throw_if_cancelled();
  if (w.permit) {
    w.permit = false;
    return;
  }
  if (deadline <= w.clock) return;
  w.state = WorkerState::Parked;
  w.deadline = deadline;
  yield_to_loop();
  w.permit = false;
  throw_if_cancelled();
}

void SimPlatform::wait_in_poller(SimPoller& poller, Nanos deadline) {
  Worker& w = self();
  if (cancelled_) return throw_if_cancelled();
  if (w.permit) {
    w.permit = false;
    return;
  }
  if (deadline <= w.clock) return;
  w.state = WorkerState::Parked;
  w.deadline = deadline;
  w.poller = &poller;
  yield_to_loop();
  w.poller = nullptr;
  w.permit = false;
  throw_if_cancelled();
}

void SimPlatform::wake_worker(int worker, Nanos at) {
  if (worker < 0 || static_cast<size_t>(worker) >= workers_.size()) return;
  Worker& w = *workers_[static_cast<size_t>(worker)];
  if (w.state != WorkerState::Parked) return;
  // Waking a sleeping thread takes time (futex wake + OS scheduling) — but never later than the
  // deadline it was already going to wake at.
  Nanos wake_at = std::max(w.clock, at) + costs().worker_wakeup_ns;
  if (w.deadline != kNever) wake_at = std::min(wake_at, std::max(w.clock, w.deadline));
  w.clock = wake_at;
  w.deadline = kNever;
  w.state = WorkerState::Runnable;
}

void SimPlatform::unpark(int worker) {
  if (worker < 0 || static_cast<size_t>(worker) >= workers_.size()) return;
  Worker& w = *workers_[static_cast<size_t>(worker)];
  if (w.state == WorkerState::Finished) return;
  w.permit = true;
  wake_worker(worker, event_time());
}

void SimPlatform::set_stall_handler(std::function<void()> handler) {
  stall_handler_ = std::move(handler);
}

void SimPlatform::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  // Everyone parked must run once more to see the cancellation and unwind.
  for (auto& w : workers_) {
    if (w->state != WorkerState::Parked) continue;
    w->state = WorkerState::Runnable;
    w->clock = std::max(w->clock, event_time());
    w->deadline = kNever;
  }
}

Io& SimPlatform::io() {
  return *io_;
}

void SimPlatform::schedule_io(Nanos at, std::function<void()> action) {
  io_events_.push_back({std::max(at, event_time()), io_seq_++, std::move(action)});
  std::push_heap(io_events_.begin(), io_events_.end(),
                 [](auto& a, auto& b) { return later(a, b); });
}

std::unique_ptr<Platform> make_sim_platform(const SimConfig& config) {
  return std::make_unique<SimPlatform>(config);
}

}  // namespace as::platform
