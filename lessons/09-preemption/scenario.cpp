// lessons/09-preemption/scenario.cpp — lesson 9: preemption and fairness. Go preempts a goroutine
// that runs longer than its time slice (10 ms) at its next safe point; a future that never
// awaits keeps its worker until it returns; Tokio's cooperative budget makes a busy task yield.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::WaitGroup wg("done");
  wg.add(2);
  go::spawn("spinner", [&] {
    for (int i = 0; i < 30; ++i) go::work(1ms);  // [[spin]] 30 ms of CPU, no blocking at all
    wg.done();
  });
  go::spawn("ticker", [&] {
    go::sleep(1ms);  // [[tick]] wakes after 1 ms and wants the (only) P
    go::work(100us);
    wg.done();
  });
  wg.wait();
}

future::Task<int> spinner() {
  for (int i = 0; i < 30; ++i) future::busy_work(1ms);  // [[fspin]] never awaits: never yields
  co_return 0;
}

future::Task<int> ticker() {
  co_await future::sleep(1ms);  // [[ftick]] ready again after 1 ms...
  future::busy_work(100us);     // ...if the worker ever polls it
  co_return 0;
}

// budgeted receives 300 values that are all ready at once: without the budget it would never
// return Pending; with Tokio's budget of 128 it is made to yield.
future::Task<int> budgeted(future::mpsc::Receiver<int> rx) {
  int n = 0;
  while (auto v = co_await rx.recv()) ++n;  // [[budget]] every recv spends one unit of budget
  co_return n;
}

future::Task<int> future_main() {
  auto s = future::spawn(spinner(), "spinner");
  auto t = future::spawn(ticker(), "ticker");
  (void)co_await s;
  (void)co_await t;
  auto [tx, rx] = future::mpsc::unbounded_channel<int>();
  for (int i = 0; i < 300; ++i) (void)co_await tx.send(i);
  { auto closed = std::move(tx); }
  auto b = future::spawn(budgeted(std::move(rx)), "budgeted");
  auto t2 = future::spawn(ticker(), "ticker2");
  (void)co_await t2;
  co_return (co_await b).value();
}

}  // namespace

void register_lesson09_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/09-preemption/scenario.cpp";
  out.push_back(make_scenario(
      "lesson09-preemption", scenario::Model::Goroutine, "a tight loop is preempted", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson09-preemption", scenario::Model::Future,
                              "a never-yielding future starves its worker; the budget", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
