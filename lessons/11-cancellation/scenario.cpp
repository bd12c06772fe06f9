// lessons/11-cancellation/scenario.cpp — lesson 11: cancellation. In Go, cancelling is a message:
// a closed `done` channel (what context.Context carries) that the worker must check. A Rust-style
// future is cancelled by being dropped: the loser of a select or a timeout is destroyed at the
// await point where it was suspended.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::Chan<int> done(0, "ctx.Done");  // closed = cancelled
  go::Chan<int> results(0, "results");
  go::WaitGroup wg("worker exited");
  wg.add(1);
  go::spawn("worker", [&] {
    for (;;) {
      bool cancelled = false;
      go::select(go::recv(done, [&](int, bool) { cancelled = true; }),  // [[check-done]]
                 go::default_case([&] { go::work(20us); }));            // one unit of work
      if (cancelled) break;  // [[exit]] the worker chooses to stop
      go::yield();
    }
    wg.done();
  });
  go::sleep(100us);
  done.close();  // [[cancel]] cancel(): every select on done can proceed
  wg.wait();
}

future::Task<int> slow_query() {
  co_await future::sleep(1ms);  // [[slow]] suspended here when the timeout fires
  co_return 42;
}

future::Task<int> future_main() {
  auto r = co_await future::timeout(100us, slow_query());  // [[timeout]] the loser is dropped
  co_return r.is_ok() ? r.value() : -1;
}

}  // namespace

void register_lesson11_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/11-cancellation/scenario.cpp";
  out.push_back(make_scenario(
      "lesson11-cancel", scenario::Model::Goroutine,
      "a closed done channel asks the worker to stop", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson11-cancel", scenario::Model::Future,
                              "a dropped future is cancelled at its await point", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
