// lessons/13-choosing/scenario.cpp — lesson 13: when to choose what. One small service in both
// models — accept jobs, fan them out to workers, collect results with a deadline — so the whole
// comparison can be seen in one run.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::Chan<int> jobs(4, "jobs");
  go::Chan<int> results(4, "results");
  for (int w = 1; w <= 3; ++w) {
    go::spawn("worker" + std::to_string(w), [&] {
      for (int j : jobs) {
        go::work(30us);  // [[compute]] CPU work: goroutines are preempted if it runs long
        results.send(j * j);
      }
    });
  }
  go::spawn("feeder", [&] {
    for (int j = 0; j < 6; ++j) jobs.send(j);  // [[feed]]
    jobs.close();
  });
  int sum = 0;
  go::Chan<int64_t> deadline = go::after(10ms);
  for (int got = 0; got < 6;) {
    go::select(go::recv(results,
                        [&](int v, bool) {
                          sum += v;
                          ++got;
                        }),  // [[collect]]
               go::recv(deadline, [&](int64_t, bool) { got = 6; }));
  }
}

future::Task<int> worker(int n) {
  future::busy_work(30us);  // [[fcompute]] CPU work inside a poll: keep it short
  co_await future::yield_now();
  co_return n* n;
}

future::Task<int> collect() {
  std::vector<future::JoinHandle<int>> hs;
  for (int j = 0; j < 6; ++j) hs.push_back(future::spawn(worker(j), "worker"));  // [[ffeed]]
  int sum = 0;
  for (auto& h : hs) sum += (co_await h).value();
  co_return sum;
}

future::Task<int> future_main() {
  auto r = co_await future::timeout(10ms, collect());  // [[fcollect]] deadline = drop
  co_return r.is_ok() ? r.value() : -1;
}

}  // namespace

void register_lesson13_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/13-choosing/scenario.cpp";
  out.push_back(make_scenario(
      "lesson13-service", scenario::Model::Goroutine, "a small service: goroutines and channels",
      file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson13-service", scenario::Model::Future,
                              "a small service: tasks, join handles, timeout", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
