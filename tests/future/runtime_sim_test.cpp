// tests/future/runtime_sim_test.cpp — every runtime body on the deterministic simulation, with
// the current-thread executor and the work-stealing one at 1, 2 and 4 workers; plus what only
// the simulation can check: identical traces for the same seed, and deadlock/lost-waker reports.
#include <cstring>

#include "core/trace/trace_data.hpp"
#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;

#define AS_FOR_EACH_ENV(body)        \
  for (const Env& e : envs(false)) { \
    SECTION(e.name) {                \
      body(e);                       \
    }                                \
  }

TEST_CASE("sim: spawn and join", "[future][sim]") {
  AS_FOR_EACH_ENV(body_spawn_join);
}
TEST_CASE("sim: pingpong over capacity-1 channels", "[future][sim]") {
  AS_FOR_EACH_ENV(body_pingpong);
}
TEST_CASE("sim: a channel keeps its receiver's waker between messages", "[future][sim][waker]") {
  AS_FOR_EACH_ENV(body_receiver_waker_kept);
}
TEST_CASE("sim: a channel keeps its receiver's waker between messages, traced",
          "[future][sim][waker][trace]") {
  AS_FOR_EACH_ENV([](const Env& env) {
    as::trace::Recorder rec;
    body_receiver_waker_kept(env, &rec);
  });
}
TEST_CASE("sim: wakes before a poll merge", "[future][sim][waker]") {
  AS_FOR_EACH_ENV(body_wake_merge);
}
TEST_CASE("sim: wake from another thread", "[future][sim][waker]") {
  AS_FOR_EACH_ENV(body_wake_from_other_thread);
}
TEST_CASE("sim: panic surfaces as JoinError", "[future][sim]") {
  AS_FOR_EACH_ENV(body_panic_join);
}
TEST_CASE("sim: lifecycle matrix", "[future][sim][lifecycle]") {
  AS_FOR_EACH_ENV(body_lifecycle_matrix);
}
TEST_CASE("sim: select/timeout cancel the loser", "[future][sim]") {
  AS_FOR_EACH_ENV(body_select_timeout_cancellation);
}
TEST_CASE("sim: timeout racing a wake has one outcome", "[future][sim][lostwakeup]") {
  AS_FOR_EACH_ENV(body_timeout_races_wake);
}
TEST_CASE("sim: mpsc FIFO and back-pressure", "[future][sim][mpsc]") {
  AS_FOR_EACH_ENV(body_mpsc_fifo_backpressure);
}
TEST_CASE("sim: mpsc recv_many drains in FIFO batches and frees senders", "[future][sim][mpsc]") {
  AS_FOR_EACH_ENV(body_mpsc_recv_many);
}
TEST_CASE("sim: timers", "[future][sim][time]") {
  AS_FOR_EACH_ENV(body_timers);
}
TEST_CASE("sim: echo over a socket pair via the reactor", "[future][sim][io]") {
  AS_FOR_EACH_ENV(body_echo);
}
TEST_CASE("sim: cooperative budget on and off", "[future][sim][coop]") {
  body_budget(envs(false).front());  // current-thread
}

namespace {
std::vector<as::trace::Event> traced_run(uint64_t seed) {
  as::trace::Recorder rec;
  Env e{false, RuntimeConfig::multi_thread(4), "sim/multi4"};
  auto root = []() -> Task<int> {
    auto [tx, rx] = mpsc::channel<int>(2);
    std::vector<JoinHandle<Unit>> hs;
    for (int p = 0; p < 4; ++p)
      hs.push_back(spawn([](mpsc::Sender<int> s, int id) -> Task<Unit> {
        for (int i = 0; i < 20; ++i) {
          (void)co_await s.send(id * 100 + i);
          if (i % 5 == 0) co_await sleep(std::chrono::microseconds(300 * (id + 1)));
        }
        co_return Unit{};
      }(tx, p)));
    { auto drop = std::move(tx); }
    int sum = 0;
    while (auto v = co_await rx.recv()) sum += *v;
    for (auto& h : hs) (void)co_await h;
    co_return sum;
  };
  run_root(e, root, &rec, seed);
  return rec.collect();
}
}  // namespace

TEST_CASE("sim: same seed gives an identical trace", "[future][sim][determinism]") {
  auto a = traced_run(7);
  auto b = traced_run(7);
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() > 100);
  size_t diffs = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(as::trace::Event)) != 0) ++diffs;
  CHECK(diffs == 0);
}

TEST_CASE("sim: a lost waker is reported and the deadlock ends the run",
          "[future][sim][diagnostics]") {
  struct Forgetful {  // returns Pending without storing the waker: the classic bug
    Poll<Unit> poll(Context&) { return pending; }
  };
  for (const Env& e : envs(false)) {
    as::trace::Recorder rec;
    auto root = []() -> Task<int> {
      co_await Forgetful{};
      co_return 1;
    };
    CHECK_THROWS_AS(run_root(e, root, &rec), Deadlock);
    bool lost = false, deadlock = false;
    for (const auto& ev : rec.collect()) {
      if (ev.kind != as::trace::EventKind::RuntimeError) continue;
      lost |= ev.args[0] == static_cast<uint64_t>(as::trace::ErrorKind::LostWaker);
      deadlock |= ev.args[0] == static_cast<uint64_t>(as::trace::ErrorKind::Deadlock);
    }
    CHECK(lost);
    CHECK(deadlock);
  }
}
