// tests/future/blocking_pool_race_test.cpp — the blocking pool on real OS threads, traced (the
// suite runs under TSan too):
//   - tasks on every worker call spawn_blocking at once while pool threads take jobs off the
//     queue: every job runs exactly once and every JoinHandle gets its value; the traced
//     QueueLength(Blocking) of a push is read under the pool's lock (TSan: a push that read the
//     queue's size after unlocking raced with a pool thread's pop);
//   - the LongPoll diagnostic leaves out the time a poll spent starting a pool thread (under TSan
//     pthread_create waits until the new thread runs: tens of ms on a busy machine, the
//     spawn_blocking scenario's spurious LongPoll), but not a blocking call in that same poll.
#include <atomic>
#include <map>
#include <thread>

#include "core/trace/trace_data.hpp"
#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;
using as::trace::ErrorKind;
using as::trace::Event;
using as::trace::EventKind;

namespace {

std::map<ErrorKind, int> errors_of(const as::trace::Recorder& rec) {
  std::map<ErrorKind, int> m;
  for (const Event& ev : rec.collect())
    if (ev.kind == EventKind::RuntimeError) m[static_cast<ErrorKind>(ev.args[0])]++;
  return m;
}

// Each of kSpawners tasks (spread over the workers) pushes kJobs blocking jobs in bursts and joins
// them; a job adds its number to a shared sum. Returns the sum the joins saw minus the expected.
Task<long> spawners() {
  constexpr int kSpawners = 8;
  constexpr int kJobs = 40;
  auto ran = std::make_shared<std::atomic<long>>(0);
  std::vector<JoinHandle<long>> hs;
  for (int s = 0; s < kSpawners; ++s) {
    hs.push_back(spawn([](int id, std::shared_ptr<std::atomic<long>> r) -> Task<long> {
      long joined = 0;
      for (int burst = 0; burst < kJobs / 4; ++burst) {
        std::vector<JoinHandle<long>> jobs;
        for (int j = 0; j < 4; ++j) {
          const long v = id * 1000 + burst * 4 + j;
          jobs.push_back(spawn_blocking([v, r] {
            r->fetch_add(v);
            return v;
          }));
        }
        for (auto& h : jobs) joined += (co_await h).value();
        co_await yield_now();
      }
      co_return joined;
    }(s, ran)));
  }
  long joined = 0;
  for (auto& h : hs) joined += (co_await h).value();
  long expect = 0;
  for (int s = 0; s < kSpawners; ++s)
    for (int j = 0; j < kJobs; ++j) expect += s * 1000 + j;
  co_return (joined - expect) + (ran->load() - expect);
}

}  // namespace

TEST_CASE("os race: spawn_blocking from every worker at once, traced", "[future][os][blocking]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      for (int round = 0; round < 4; ++round) {
        as::trace::Recorder rec;
        CHECK(run_root(e, spawners, &rec) == 0);
      }
    }
  }
}

TEST_CASE("a poll that starts a pool thread and blocks is still a LongPoll",
          "[future][os][blocking]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      as::trace::Recorder rec;
      auto root = []() -> Task<int> {
        auto job = spawn_blocking([] { return 1; });   // starts the pool's first thread
        blocking_work(std::chrono::milliseconds(15));  // and then blocks the worker: reported
        co_return (co_await job).value();
      };
      CHECK(run_root(e, root, &rec) == 1);
      CHECK(errors_of(rec)[ErrorKind::LongPoll] == 1);
    }
  }
}
