// tests/future/runtime_os_test.cpp — the same runtime bodies on real OS threads (labelled tsan:
// CI runs this suite under ThreadSanitizer).
#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;

#define AS_FOR_EACH_ENV(body)       \
  for (const Env& e : envs(true)) { \
    SECTION(e.name) {               \
      body(e);                      \
    }                               \
  }

TEST_CASE("os: spawn and join", "[future][os]") {
  AS_FOR_EACH_ENV(body_spawn_join);
}
TEST_CASE("os: pingpong over capacity-1 channels", "[future][os]") {
  AS_FOR_EACH_ENV(body_pingpong);
}
TEST_CASE("os: a channel keeps its receiver's waker between messages", "[future][os][waker]") {
  AS_FOR_EACH_ENV(body_receiver_waker_kept);
}
TEST_CASE("os: a channel keeps its receiver's waker between messages, traced",
          "[future][os][waker][trace]") {
  AS_FOR_EACH_ENV([](const Env& env) {
    as::trace::Recorder rec;
    body_receiver_waker_kept(env, &rec);
  });
}
TEST_CASE("os: wakes before a poll merge", "[future][os][waker]") {
  AS_FOR_EACH_ENV(body_wake_merge);
}
TEST_CASE("os: wake from another thread", "[future][os][waker]") {
  AS_FOR_EACH_ENV(body_wake_from_other_thread);
}
TEST_CASE("os: panic surfaces as JoinError", "[future][os]") {
  AS_FOR_EACH_ENV(body_panic_join);
}
TEST_CASE("os: lifecycle matrix", "[future][os][lifecycle]") {
  AS_FOR_EACH_ENV(body_lifecycle_matrix);
}
TEST_CASE("os: select/timeout cancel the loser", "[future][os]") {
  AS_FOR_EACH_ENV(body_select_timeout_cancellation);
}
TEST_CASE("os: timeout racing a wake has one outcome", "[future][os][lostwakeup]") {
  AS_FOR_EACH_ENV(body_timeout_races_wake);
}
TEST_CASE("os: mpsc FIFO and back-pressure", "[future][os][mpsc]") {
  AS_FOR_EACH_ENV(body_mpsc_fifo_backpressure);
}
TEST_CASE("os: mpsc recv_many drains in FIFO batches and frees senders", "[future][os][mpsc]") {
  AS_FOR_EACH_ENV(body_mpsc_recv_many);
}
TEST_CASE("os: timers", "[future][os][time]") {
  AS_FOR_EACH_ENV(body_timers);
}
TEST_CASE("os: echo over a socket pair via the reactor", "[future][os][io]") {
  AS_FOR_EACH_ENV(body_echo);
}
TEST_CASE("os: cooperative budget on and off", "[future][os][coop]") {
  body_budget(envs(true).front());
}
