// scenarios/future/select_timeout.cpp — select between a slow request and a deadline; timeout.
// Look at: the losing branch is dropped at its await point — its timer is cancelled (TimerCancel)
// and an annotation says "select: branch N cancelled". That is Rust's cancellation model: no
// exception, no flag, the future simply stops existing.
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> slow_request(int ms) {
  co_await fut::sleep(std::chrono::milliseconds(ms));
  co_return ms;
}

// The scenario's durations, in ms. In the simulation (virtual time is exact): requests of 10, 20
// and 30 ms against a 15 ms deadline, then a 50 ms request under a 5 ms timeout. On real threads a
// busy machine may wake the worker late, and once both timers of a round are due either may win
// (select starts at a random branch; timeout polls the request first). So there every winner is
// due at least 150 ms before its loser: a 40 ms request against a 190 ms deadline, and the
// requests that lose far slower still (a cancelled request costs no time).
struct Durations {
  int requests[3];
  int deadline;
  int timed_request;
  int timeout;
};
constexpr Durations kSimDurations{{10, 20, 30}, 15, 50, 5};
constexpr Durations kRealDurations{{40, 400, 600}, 190, 1000, 20};

static fut::Task<int> select_main(Durations d) {
  int cancelled = 0;
  for (int round = 0; round < 3; ++round) {
    auto r = co_await fut::select(slow_request(d.requests[round]),
                                  fut::sleep(std::chrono::milliseconds(d.deadline)));
    if (r.index() == 1) ++cancelled;  // the deadline won: the request was dropped
  }
  auto t =
      co_await fut::timeout(std::chrono::milliseconds(d.timeout), slow_request(d.timed_request));
  if (t.is_err()) ++cancelled;
  co_return cancelled == 3 ? 0 : 1;
}

Scenario select_timeout() {
  return make("select_timeout", "select! and timeout: the loser is cancelled",
              "The losing future is destroyed at its await point (TimerCancel + annotation).",
              "scenarios/future/select_timeout.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const Durations d = o.real ? kRealDurations : kSimDurations;
                return run_future(o, rec, [d] { return select_main(d); });
              });
}

}  // namespace as::scenario::future_scn
