// core/future/runtime.hpp — the user-facing runtime (tokio::runtime::Runtime + tokio::spawn).
//
// Owns: the choice of executor and the entry points a Rust programmer expects:
//   Runtime rt(platform, RuntimeConfig::multi_thread(4), &recorder);
//   int v = rt.block_on(main_task());          // runs until main_task completes
//   inside tasks: spawn(fut), spawn_blocking(fn), sleep(10ms), yield_now(), ...
// The same future code runs on either executor and on either platform (sim / os).
//
// block_on rethrows the root future's panic (as Rust's block_on resumes the unwind) and throws
// Deadlock when every task is Pending and nothing can wake them (the simulation detects it; a real
// Tokio program would hang). Every task still alive when the root finishes is cancelled (its
// future dropped), as when a Tokio runtime is dropped.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "core/future/executor/current_thread.hpp"
#include "core/future/executor/multi_thread.hpp"
#include "core/future/executor/scheduler.hpp"
#include "core/future/task/coroutine.hpp"

namespace as::future {

class Runtime {
 public:
  Runtime(platform::Platform& p, RuntimeConfig cfg, trace::Recorder* rec = nullptr) {
    if (rec) {
      if (p.recorder() != rec) p.attach_recorder(rec);
      rec->meta().model = trace::ModelKind::Future;
      rec->meta().workers = static_cast<uint32_t>(cfg.worker_count());
      rec->meta().runtime = "futures " + cfg.describe() + (p.simulated() ? " (sim)" : " (os)");
    }
    if (cfg.flavor == RuntimeConfig::Flavor::CurrentThread) {
      sched_ = std::make_unique<CurrentThreadScheduler>(p, rec, cfg);
    } else {
      sched_ = std::make_unique<MultiThreadScheduler>(p, rec, cfg);
    }
  }

  Scheduler& scheduler() { return *sched_; }

  // block_on runs fut as the root task ("main") to completion and returns its output.
  template <Future F>
  FutureOutput<F> block_on(F fut, std::string_view name = "main") {
    JoinHandle<FutureOutput<F>> h = sched_->spawn(std::move(fut), name);
    sched_->run(root_of(h));
    Waker noop;
    Context cx(noop);
    Poll<Result<FutureOutput<F>, JoinError>> p = h.poll(cx);
    if (p.is_pending()) throw std::logic_error("block_on: root task did not complete");
    Result<FutureOutput<F>, JoinError> r = p.take();
    if (r.is_ok()) return std::move(r).value();
    const JoinError& e = r.error();
    if (e.is_panic()) e.resume_panic();
    throw Deadlock(sched_->deadlocked()
                       ? "deadlock: all tasks are Pending and nothing can wake them"
                       : "block_on: root task was cancelled");
  }

 private:
  template <class T>
  static RawTask* root_of(JoinHandle<T>& h) {
    // The handle's task pointer, read through its id-preserving accessor.
    return h.raw();
  }
  std::unique_ptr<Scheduler> sched_;
};

// spawn starts fut as a new task on the current runtime (tokio::spawn). Call inside a task.
template <Future F>
JoinHandle<FutureOutput<F>> spawn(F fut, std::string_view name = "task") {
  Scheduler* s = current_scheduler();
  if (!s) throw std::logic_error("spawn called outside a runtime (use Runtime::block_on)");
  return s->spawn(std::move(fut), name);
}

// spawn_blocking runs fn on the blocking pool (tokio::task::spawn_blocking).
template <class Fn>
auto spawn_blocking(Fn fn, std::string_view name = "blocking") {
  Scheduler* s = current_scheduler();
  if (!s) throw std::logic_error("spawn_blocking called outside a runtime");
  return s->spawn_blocking(std::move(fn), name);
}

// blocking_work performs a blocking call of `d` on the calling thread: on a runtime worker it
// stalls the worker (the blocking-in-async pathology); on the blocking pool it is harmless.
// sim: the worker is busy for d of virtual time; os: the thread really sleeps.
void blocking_work(std::chrono::nanoseconds d);
// busy_work models d of CPU work (sim: consume; os: spin).
void busy_work(std::chrono::nanoseconds d);
// now_ns is the runtime clock (virtual on sim).
int64_t now_ns();

}  // namespace as::future
