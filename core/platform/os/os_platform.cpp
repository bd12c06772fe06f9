// core/platform/os/os_platform.cpp — real threads, futex parking, monotonic clock (see header).
#include "core/platform/os/os_platform.hpp"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <stdexcept>

#include "core/platform/os/os_io.hpp"
#include "core/trace/monotonic_clock.hpp"

namespace as::platform {

namespace {

__extension__ using U128 = unsigned __int128;  // for Lemire's bounded random numbers

thread_local const OsPlatform* t_platform = nullptr;
thread_local int t_worker = kNoWorker;

Nanos steady_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Nanos>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// futex_wait sleeps while *word == expected, at most `timeout` ns (< 0 = no limit).
void futex_wait(std::atomic<int>& word, int expected, Nanos timeout) {
  timespec ts{};
  timespec* tsp = nullptr;
  if (timeout >= 0) {
    ts.tv_sec = static_cast<time_t>(timeout / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeout % 1'000'000'000);
    tsp = &ts;
  }
  syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAIT_PRIVATE, expected, tsp, nullptr, 0);
}

void futex_wake(std::atomic<int>& word) {
  syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

void sleep_ns(Nanos ns) {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Per-thread generator; re-seeded when the thread starts using another platform.
struct ThreadRng {
  const void* owner = nullptr;
  uint64_t state = 0;
};
thread_local ThreadRng t_rng;
std::atomic<uint64_t> g_rng_streams{0};

}  // namespace

OsPlatform::OsPlatform(const OsConfig& config)
    : Platform(SimCosts{}),
      config_(config),
      seed_(config.seed != 0 ? config.seed : static_cast<uint64_t>(steady_ns()) | 1),
      io_(std::make_unique<OsIo>(*this)) {
  // Calibrate the clock now (~2 ms, once per process) rather than at the first now() of a run,
  // where it would show up as a stall in the middle of the trace.
  (void)trace::monotonic_calibration();
}

OsPlatform::~OsPlatform() {
  {
    std::unique_lock lock(stall_mu_);
    if (live_ > 0) {
      // Destroyed during a run (should not happen): cancel and wait, never leave threads behind.
      lock.unlock();
      cancel();
      lock.lock();
      done_cv_.wait(lock, [&] { return live_ == 0; });
    }
  }
  for (Worker* w : unjoined_) w->thread.join();
  unjoined_.clear();
  for (auto& chunk : chunks_) delete[] chunk.load();
}

Nanos OsPlatform::now() const {
  return trace::monotonic_ns();
}

uint64_t OsPlatform::choose(uint64_t n) {
  if (n <= 1) return 0;
  if (t_rng.owner != this) {
    t_rng.owner = this;
    t_rng.state =
        seed_ ^ (g_rng_streams.fetch_add(1, std::memory_order_relaxed) * 0xD1B54A32D192ED03ull);
  }
  return static_cast<uint64_t>((static_cast<U128>(splitmix64(t_rng.state)) * n) >> 64);
}

// ---- workers
// -------------------------------------------------------------------------------------

OsPlatform::Worker* OsPlatform::worker(int index) const {
  if (index < 0 || index >= kChunk * kChunks) return nullptr;
  std::atomic<Worker*>* chunk = chunks_[index / kChunk].load(std::memory_order_acquire);
  return chunk ? chunk[index % kChunk].load(std::memory_order_acquire) : nullptr;
}

OsPlatform::Worker& OsPlatform::self() const {
  if (t_platform != this || t_worker == kNoWorker) {
    throw std::logic_error("OsPlatform: blocking call outside one of its workers");
  }
  return *worker(t_worker);
}

int OsPlatform::current_worker() const {
  return t_platform == this ? t_worker : kNoWorker;
}

void OsPlatform::run(int workers, std::function<void(int)> body) {
  {
    std::lock_guard lock(stall_mu_);
    if (live_ != 0) throw std::logic_error("OsPlatform::run: a run is already in progress");
  }
  for (Worker* w : unjoined_) w->thread.join();
  unjoined_.clear();
  owned_.clear();
  for (auto& chunk : chunks_) delete[] chunk.exchange(nullptr);
  count_.store(0);
  cancelled_.store(false);
  first_error_ = nullptr;
  parked_forever_ = 0;
  {
    // Register every initial worker before any starts, so indices 0..workers-1 are taken before
    // a worker can spawn_worker() another one.
    std::lock_guard lock(stall_mu_);
    std::vector<Worker*> initial;
    for (int i = 0; i < std::max(workers, 0); ++i)
      initial.push_back(register_worker_locked(body, {}));
    for (Worker* w : initial) start_thread_locked(w);
  }
  std::exception_ptr error;
  {
    std::unique_lock lock(stall_mu_);
    done_cv_.wait(lock, [&] { return live_ == 0; });
    error = first_error_;
  }
  for (Worker* w : unjoined_) w->thread.join();
  unjoined_.clear();
  if (error) std::rethrow_exception(error);
  if (cancelled_.load()) throw RunCancelled();
}

int OsPlatform::spawn_worker(std::function<void(int)> body, std::string name) {
  std::lock_guard lock(stall_mu_);
  reap_exited_locked();
  Worker* w = register_worker_locked(std::move(body), std::move(name));
  start_thread_locked(w);
  return w->index;
}

void OsPlatform::start_thread_locked(Worker* w) {
  w->thread = std::thread([this, w] { thread_main(*w); });
  unjoined_.push_back(w);
}

void OsPlatform::reap_exited_locked() {
  std::erase_if(unjoined_, [](Worker* w) {
    if (!w->exited.load(std::memory_order_acquire)) return false;
    w->thread.join();  // it is past its last use of the platform: this returns promptly
    return true;
  });
}

OsPlatform::Worker* OsPlatform::register_worker_locked(std::function<void(int)> body,
                                                       std::string name) {
  const int index = count_.load(std::memory_order_relaxed);
  if (index >= kChunk * kChunks) throw std::runtime_error("OsPlatform: too many workers");
  auto w = std::make_unique<Worker>();
  w->index = index;
  w->name = name.empty() ? "as-worker-" + std::to_string(index) : std::move(name);
  w->body = std::move(body);
  Worker* raw = w.get();
  owned_.push_back(std::move(w));
  auto& slot = chunks_[index / kChunk];
  if (slot.load(std::memory_order_relaxed) == nullptr) {
    slot.store(new std::atomic<Worker*>[kChunk](), std::memory_order_release);
  }
  slot.load(std::memory_order_relaxed)[index % kChunk].store(raw, std::memory_order_release);
  count_.store(index + 1, std::memory_order_release);
  ++live_;
  return raw;
}

void OsPlatform::thread_main(Worker& w) {
  t_platform = this;
  t_worker = w.index;
  if (config_.name_threads) {
    const std::string short_name = w.name.substr(0, 15);  // the kernel's limit
    pthread_setname_np(pthread_self(), short_name.c_str());
  }
  if (!cancelled_.load(std::memory_order_acquire)) {
    try {
      w.body(w.index);
    } catch (const RunCancelled&) {
      // cancelled run: this worker is done
    } catch (...) {
      {
        std::lock_guard lock(stall_mu_);
        if (!first_error_) first_error_ = std::current_exception();
      }
      cancel();
    }
  }
  w.body = nullptr;
  std::function<void()> on_stall;
  {
    std::lock_guard lock(stall_mu_);
    --live_;
    on_stall = stall_check_locked();
    if (live_ == 0) done_cv_.notify_all();
  }
  if (on_stall) on_stall();
  t_platform = nullptr;
  t_worker = kNoWorker;
  w.exited.store(true, std::memory_order_release);  // last touch of the platform
}

std::function<void()> OsPlatform::stall_check_locked() const {
  const bool stalled =
      live_ > 0 && parked_forever_ == live_ && !cancelled_.load(std::memory_order_acquire);
  return stalled ? stall_handler_ : nullptr;
}

void OsPlatform::set_stall_handler(std::function<void()> handler) {
  std::lock_guard lock(stall_mu_);
  stall_handler_ = std::move(handler);
}

// ---- parking
// -------------------------------------------------------------------------------------

void OsPlatform::throw_if_cancelled() const {
  if (cancelled_.load(std::memory_order_acquire) && std::uncaught_exceptions() == 0 &&
      t_platform == this) {
    throw RunCancelled();
  }
}

void OsPlatform::park(Nanos deadline) {
  Worker& w = self();
  if (cancelled_.load(std::memory_order_acquire)) return throw_if_cancelled();
  if (w.state.exchange(kEmpty, std::memory_order_acquire) == kPermit) return;
  if (deadline == kNever) {
    std::function<void()> on_stall;
    {
      std::lock_guard lock(stall_mu_);
      int expected = kEmpty;
      if (!w.state.compare_exchange_strong(expected, kParkedForever, std::memory_order_acq_rel)) {
        w.state.store(kEmpty, std::memory_order_relaxed);  // a permit arrived: consume it
        return;
      }
      ++parked_forever_;
      on_stall = stall_check_locked();
    }
    // The handler runs while we count as parked; it typically unparks everyone, us included.
    if (on_stall) on_stall();
    while (w.state.load(std::memory_order_acquire) == kParkedForever) {
      futex_wait(w.state, kParkedForever, -1);
    }
  } else {
    int expected = kEmpty;
    if (!w.state.compare_exchange_strong(expected, kParked, std::memory_order_acq_rel)) {
      w.state.store(kEmpty, std::memory_order_relaxed);
      return;
    }
    for (;;) {
      const Nanos left = deadline - trace::monotonic_ns();
      if (left <= 0 || w.state.load(std::memory_order_acquire) != kParked) break;
      futex_wait(w.state, kParked, left);
    }
  }
  // Timed out (state still kParked) or woken (kPermit): either way we leave empty.
  w.state.exchange(kEmpty, std::memory_order_acquire);
  throw_if_cancelled();
}

void OsPlatform::unpark(int index) {
  Worker* w = worker(index);
  if (w == nullptr) return;
  for (;;) {
    int s = w->state.load(std::memory_order_acquire);
    switch (s) {
      case kPermit:
        return;
      case kParkedForever: {
        {
          std::lock_guard lock(stall_mu_);
          if (w->state.exchange(kPermit, std::memory_order_acq_rel) == kParkedForever) {
            --parked_forever_;
          }
        }
        futex_wake(w->state);
        return;
      }
      case kInPoller:
        if (w->state.compare_exchange_weak(s, kPermit, std::memory_order_acq_rel)) {
          if (OsPoller* p = w->poller.load(std::memory_order_acquire)) p->interrupt();
          return;
        }
        break;
      default:  // kEmpty or kParked
        if (w->state.compare_exchange_weak(s, kPermit, std::memory_order_acq_rel)) {
          if (s == kParked) futex_wake(w->state);
          return;
        }
        break;
    }
  }
}

bool OsPlatform::begin_poller_wait(OsPoller& poller) {
  if (t_platform != this || t_worker == kNoWorker) return true;  // not a worker: plain wait
  Worker& w = self();
  w.poller.store(&poller, std::memory_order_release);
  int expected = kEmpty;
  if (w.state.compare_exchange_strong(expected, kInPoller, std::memory_order_acq_rel)) return true;
  // A permit is pending: consume it and do not block.
  w.state.store(kEmpty, std::memory_order_relaxed);
  w.poller.store(nullptr, std::memory_order_relaxed);
  return false;
}

void OsPlatform::end_poller_wait() {
  if (t_platform != this || t_worker == kNoWorker) return;
  Worker& w = self();
  w.state.exchange(kEmpty, std::memory_order_acquire);  // kInPoller, or kPermit (consumed)
  w.poller.store(nullptr, std::memory_order_release);
}

void OsPlatform::cancel() {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  const int n = count_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) unpark(i);
}

// ---- time spent on purpose
// -----------------------------------------------------------------------

void OsPlatform::consume(Nanos ns) {
  throw_if_cancelled();
  const Nanos until = trace::monotonic_ns() + ns;
  while (trace::monotonic_ns() < until) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
}

void OsPlatform::relax(Nanos ns) {
  throw_if_cancelled();
  sleep_ns(ns);
}

void OsPlatform::blocking_call(Nanos cost_ns, const std::function<void()>& fn) {
  throw_if_cancelled();
  if (fn) {
    fn();
  } else {
    sleep_ns(cost_ns < 0 ? costs().syscall_ns : cost_ns);
  }
}

Io& OsPlatform::io() {
  return *io_;
}

std::unique_ptr<Platform> make_os_platform(const OsConfig& config) {
  return std::make_unique<OsPlatform>(config);
}

}  // namespace as::platform
