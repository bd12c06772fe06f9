// core/platform/os/os_platform.hpp — the real platform: one std::thread per worker.
//
// Owns: worker threads, their parking words, the per-thread choice generators and the epoll-based
// Io (os_io.hpp). Its clock is trace::monotonic_ns(): the TSC-based clock the recorder stamps
// events with.
//
// Parking: each worker has one atomic int — its permit/parking state — and sleeps on it with the
// Linux futex system call (the same primitive under Go's notesleep and std::atomic::wait):
//
//     kEmpty ──park()──> kParked / kParkedForever / kInPoller ──unpark()──> kPermit ──park()──>
//     kEmpty
//        └────────────────────────────unpark()─────────────────────────────> kPermit (stored)
//
// unpark() is lock-free except when the target is parked forever. That case takes stall_mu_,
// so that `parked_forever_` counts exactly the workers in kParkedForever; when it equals the
// number of live workers nothing can ever wake anyone (all wakers are workers) and the stall
// handler is called — the os analogue of the simulation's stall. Workers waiting in a Poller
// (kInPoller) may be woken by the outside world, so they never count as stalled.
//
// Invariants: only the worker itself moves its state out of kEmpty into a parked state; every
// transition into or out of kParkedForever happens under stall_mu_; a worker in kInPoller has
// `poller` set, and unpark() interrupts that poller after storing the permit.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/platform/platform.hpp"

namespace as::platform {

class OsIo;
class OsPoller;

class OsPlatform final : public Platform {
 public:
  explicit OsPlatform(const OsConfig& config);
  ~OsPlatform() override;

  bool simulated() const override { return false; }
  Nanos now() const override;
  uint64_t choose(uint64_t n) override;
  uint64_t seed() const override { return seed_; }
  void run(int workers, std::function<void(int)> body) override;
  int spawn_worker(std::function<void(int)> body, std::string name = {}) override;
  int current_worker() const override;
  int worker_count() const override { return count_.load(std::memory_order_acquire); }
  void park(Nanos deadline = kNever) override;
  void unpark(int worker) override;
  void sched_point() override { throw_if_cancelled(); }
  void consume(Nanos ns) override;
  void relax(Nanos ns) override;
  void blocking_call(Nanos cost_ns, const std::function<void()>& fn) override;
  void set_stall_handler(std::function<void()> handler) override;
  void cancel() override;
  bool cancelled() const override { return cancelled_.load(std::memory_order_acquire); }
  Io& io() override;

  // ---- used by OsPoller ----
  // begin_poller_wait marks the calling worker as waiting in `poller`; returns false (and consumes
  // the permit) if a permit was pending, in which case the wait must not block.
  bool begin_poller_wait(OsPoller& poller);
  void end_poller_wait();
  void throw_if_cancelled() const;

 private:
  enum State : int { kEmpty = 0, kPermit = 1, kParked = 2, kParkedForever = 3, kInPoller = 4 };
  struct Worker {
    int index = 0;
    std::string name;
    std::function<void(int)> body;
    std::atomic<int> state{kEmpty};
    std::atomic<OsPoller*> poller{nullptr};
    std::thread thread;
    std::atomic<bool> exited{false};  // thread_main has returned from everything but its epilogue
  };
  static constexpr int kChunk = 256;
  static constexpr int kChunks = 64;  // up to 16384 workers per run

  Worker* worker(int index) const;
  // register_worker_locked adds a worker to the table and counts it live (requires stall_mu_).
  Worker* register_worker_locked(std::function<void(int)> body, std::string name);
  Worker& self() const;
  void thread_main(Worker& w);
  // stall_check_locked returns the stall handler if every live worker is parked forever (requires
  // stall_mu_); the caller runs it after unlocking.
  std::function<void()> stall_check_locked() const;

  OsConfig config_;
  uint64_t seed_;
  std::unique_ptr<OsIo> io_;

  // Worker table: chunks of atomic pointers so unpark(i) never takes a lock.
  std::atomic<std::atomic<Worker*>*> chunks_[kChunks] = {};
  std::vector<std::unique_ptr<Worker>> owned_;  // guarded by stall_mu_
  // Workers whose thread is not joined yet (guarded by stall_mu_). spawn_worker() joins the ones
  // that exited, so a runtime that starts and retires many threads (Go Ms, blocking pools) does
  // not pile up finished-but-unjoined threads (each keeps its stack mapped until joined).
  std::vector<Worker*> unjoined_;
  void start_thread_locked(Worker* w);
  void reap_exited_locked();
  std::atomic<int> count_{0};

  mutable std::mutex stall_mu_;
  std::condition_variable done_cv_;
  int live_ = 0;            // guarded by stall_mu_
  int parked_forever_ = 0;  // guarded by stall_mu_
  std::function<void()> stall_handler_;
  std::atomic<bool> cancelled_{false};
  std::exception_ptr first_error_;  // guarded by stall_mu_
};

}  // namespace as::platform
