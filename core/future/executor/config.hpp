// core/future/executor/config.hpp — how a runtime is built (tokio::runtime::Builder).
//
// The user chooses the executor, as in Rust: the same future code runs on either.
//   CurrentThread — one worker polls every task (tokio current_thread, smol LocalExecutor);
//   MultiThread   — N workers with work stealing (tokio multi_thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace as::future {

struct RuntimeConfig {
  enum class Flavor { CurrentThread, MultiThread };
  Flavor flavor = Flavor::MultiThread;
  int workers = 2;                    // MultiThread only (CurrentThread always has 1)
  int budget = 128;                   // coop budget per poll; 0 = off (a busy task never yields)
  int event_interval = 61;            // ticks between driver (time/io) checks while busy
  int global_queue_interval = 61;     // ticks between inject-queue-first checks (fairness)
  int max_blocking_threads = 16;      // spawn_blocking pool size limit
  int64_t long_poll_ns = 10'000'000;  // a poll longer than this is reported (LongPoll; the
                                      // runtime starting a blocking-pool thread does not count)
  size_t large_future_bytes = 2048;   // a spawned future larger than this is reported
  bool model_costs = true;            // sim platform: charge SimCosts so spans have widths

  static RuntimeConfig current_thread() {
    RuntimeConfig c;
    c.flavor = Flavor::CurrentThread;
    c.workers = 1;
    return c;
  }
  static RuntimeConfig multi_thread(int workers) {
    RuntimeConfig c;
    c.flavor = Flavor::MultiThread;
    c.workers = workers;
    return c;
  }
  // worker_count is the number of executor workers this config starts.
  int worker_count() const {
    return flavor == Flavor::CurrentThread ? 1 : (workers < 1 ? 1 : workers);
  }
  std::string describe() const {
    return flavor == Flavor::CurrentThread ? std::string("current_thread")
                                           : "multi_thread(" + std::to_string(worker_count()) + ")";
  }
};

}  // namespace as::future
