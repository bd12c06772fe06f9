// lessons/08-blocking-calls/scenario.cpp — lesson 8: blocking calls. A blocking syscall in Go
// hands the P to another M so the other goroutines keep running; a blocking call inside an async
// task stalls the worker that polls it; spawn_blocking moves it to a pool and cures the stall.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::WaitGroup wg("done");
  wg.add(2);
  go::spawn("reader", [&] {
    go::syscall(
        "read_file", [] {}, 2ms);  // [[syscall]] off the P for 2 ms
    wg.done();
  });
  go::spawn("ticker", [&] {
    for (int i = 0; i < 4; ++i) go::sleep(300us);  // [[tick]] keeps running meanwhile
    wg.done();
  });
  wg.wait();
}

future::Task<int> ticker() {
  for (int i = 0; i < 4; ++i) co_await future::sleep(300us);  // [[ftick]]
  co_return 0;
}

future::Task<int> stalls() {
  future::blocking_work(2ms);  // [[stall]] blocks the worker thread itself
  co_return 1;
}

future::Task<int> cured() {
  auto h = future::spawn_blocking([] { future::blocking_work(2ms); }, "read_file");  // [[cure]]
  (void)co_await h;  // Pending: the worker is free while the pool blocks
  co_return 2;
}

future::Task<int> future_main() {
  auto t1 = future::spawn(ticker(), "ticker");
  auto s = future::spawn(stalls(), "stalls");
  (void)co_await s;
  (void)co_await t1;
  auto t2 = future::spawn(ticker(), "ticker2");
  auto c = future::spawn(cured(), "cured");
  (void)co_await c;
  (void)co_await t2;
  co_return 0;
}

}  // namespace

void register_lesson08_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/08-blocking-calls/scenario.cpp";
  out.push_back(make_scenario(
      "lesson08-blocking", scenario::Model::Goroutine, "a syscall hands the P off", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson08-blocking", scenario::Model::Future,
                              "blocking in async stalls a worker; spawn_blocking cures it", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
