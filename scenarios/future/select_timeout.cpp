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

// `scale` stretches every duration: 1 in the simulation (virtual time is exact); on real threads
// the margins (5 ms between request and deadline) must survive a busy machine's scheduling
// delays, or the deadline may win a round the request should have won.
static fut::Task<int> select_main(int scale) {
  int cancelled = 0;
  for (int round = 0; round < 3; ++round) {
    auto r =
        co_await fut::select(slow_request((10 + round * 10) * scale), fut::sleep(15ms * scale));
    if (r.index() == 1) ++cancelled;  // the deadline won: the request was dropped
  }
  auto t = co_await fut::timeout(5ms * scale, slow_request(50 * scale));
  if (t.is_err()) ++cancelled;
  co_return cancelled == 3 ? 0 : 1;
}

Scenario select_timeout() {
  return make("select_timeout", "select! and timeout: the loser is cancelled",
              "The losing future is destroyed at its await point (TimerCancel + annotation).",
              "scenarios/future/select_timeout.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int scale = o.real ? 4 : 1;
                return run_future(o, rec, [scale] { return select_main(scale); });
              });
}

}  // namespace as::scenario::future_scn
