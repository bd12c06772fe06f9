// lessons/01-spawning/scenario.cpp — lesson 1: `go f()` starts running at once; a future does
// nothing until it is awaited or spawned. The same "greeter" job in both models.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

// Go: the go statement creates the goroutine and makes it runnable immediately; an idle P may
// start it while main is still running.
void go_main() {
  go::WaitGroup wg("greeted");
  wg.add(1);
  go::spawn("greeter", [&] {  // [[go-spawn]]
    go::work(2us);            // [[greet]] say hello
    wg.done();
  });
  go::work(10us);  // [[main-work]] main keeps working meanwhile
  wg.wait();       // [[wait]]
}

// Future: calling greet() only builds its state machine (a coroutine frame). Its body runs when
// an executor polls it — after spawn, or when someone awaits it.
future::Task<int> greet() {
  future::busy_work(2us);  // [[greet-body]] say hello
  co_return 42;
}

future::Task<int> future_main() {
  future::Task<int> lazy = greet();  // [[make-future]] created, not started
  future::busy_work(10us);           // [[main-work]] greet() has not run at all
  auto handle = future::spawn(std::move(lazy), "greeter");  // [[spawn]] now it is scheduled
  future::busy_work(10us);
  auto result = co_await handle;  // [[await]]
  co_return result.value();
}

}  // namespace

void register_lesson01_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/01-spawning/scenario.cpp";
  out.push_back(make_scenario(
      "lesson01-spawn", scenario::Model::Goroutine, "go f() runs at once", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson01-spawn", scenario::Model::Future,
                              "a future is lazy until spawned or awaited", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
