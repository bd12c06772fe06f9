// lessons/12-performance/scenario.cpp — lesson 12: performance. The same three measurements in
// both models, on the simulation for the picture and with `asyncscope bench` for the numbers of
// this machine: spawn cost (spawn + join many tiny tasks), switch cost (a ping-pong) and memory
// per idle task.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::WaitGroup wg("spawned");
  for (int i = 0; i < 100; ++i) {  // [[spawn-join]] spawn cost
    wg.add(1);
    go::spawn("tiny", [&] { wg.done(); });
  }
  wg.wait();
  go::Chan<int> ping(0, "ping"), pong(0, "pong");
  go::spawn("ponger", [&] {
    for (int v : ping) pong.send(v);  // [[switch]] every round trip is two switches
  });
  for (int i = 0; i < 20; ++i) {
    ping.send(i);
    pong.recv();
  }
  ping.close();
}

future::Task<int> tiny() {
  co_return 1;
}

future::Task<int> ponger(future::mpsc::Receiver<int> rx, future::mpsc::Sender<int> tx) {
  while (auto v = co_await rx.recv()) (void)co_await tx.send(*v);  // [[fswitch]]
  co_return 0;
}

future::Task<int> future_main() {
  std::vector<future::JoinHandle<int>> hs;
  for (int i = 0; i < 100; ++i) hs.push_back(future::spawn(tiny(), "tiny"));  // [[fspawn]]
  for (auto& h : hs) (void)co_await h;
  auto [ping_tx, ping_rx] = future::mpsc::channel<int>(1);
  auto [pong_tx, pong_rx] = future::mpsc::channel<int>(1);
  auto p = future::spawn(ponger(std::move(ping_rx), std::move(pong_tx)), "ponger");
  for (int i = 0; i < 20; ++i) {
    (void)co_await ping_tx.send(i);
    (void)co_await pong_rx.recv();
  }
  { auto closed = std::move(ping_tx); }
  (void)co_await p;
  co_return 0;
}

}  // namespace

void register_lesson12_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/12-performance/scenario.cpp";
  out.push_back(make_scenario(
      "lesson12-perf", scenario::Model::Goroutine, "spawn, switch, memory: goroutines", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson12-perf", scenario::Model::Future,
                              "spawn, switch, memory: futures", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
