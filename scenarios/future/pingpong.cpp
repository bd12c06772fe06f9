// scenarios/future/pingpong.cpp — two tasks bounce a counter over two capacity-1 mpsc channels.
// Look at: each send wakes the other task (WakerWake arrow); on the multi-thread executor the woken
// task lands in the LIFO slot of the waker's worker, so the pair mostly stays on one worker.
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> ponger(fut::mpsc::Receiver<int> rx, fut::mpsc::Sender<int> tx) {
  while (auto v = co_await rx.recv()) (void)co_await tx.send(*v + 1);
  co_return 0;
}

static fut::Task<int> pingpong_main(int rounds) {
  auto [ping_tx, ping_rx] = fut::mpsc::channel<int>(1);
  auto [pong_tx, pong_rx] = fut::mpsc::channel<int>(1);
  auto h = fut::spawn(ponger(std::move(ping_rx), std::move(pong_tx)), "ponger");
  int x = 0;
  for (int i = 0; i < rounds; ++i) {
    (void)co_await ping_tx.send(x);
    x = *co_await pong_rx.recv();
  }
  { auto close = std::move(ping_tx); }
  (void)co_await h;
  co_return x == rounds ? 0 : 1;
}

Scenario pingpong() {
  return make("pingpong", "Two tasks ping-pong over capacity-1 mpsc channels",
              "Every send wakes the peer; watch WakerWake arrows and the LIFO slot keep the pair "
              "on one worker.",
              "scenarios/future/pingpong.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int n = static_cast<int>(param_int(o, "n", 100, 1, 10'000'000));
                return run_future(o, rec, [n] { return pingpong_main(n); });
              });
}

}  // namespace as::scenario::future_scn
