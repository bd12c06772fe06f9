// lessons/03-executors/scenario.cpp — lesson 3: executors are a choice. The same future code
// (four jobs that compute and sleep) runs on the executor the lesson or the reader picks:
// "current" (one thread polls every task) or "multi" (work-stealing workers).
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

future::Task<int> job(int n) {
  future::busy_work(30us);          // [[compute]]
  co_await future::sleep(100us);    // [[sleep]] Pending: the worker is free for others
  future::busy_work(30us);
  co_return n;
}

future::Task<int> future_main() {
  std::vector<future::JoinHandle<int>> jobs;
  for (int i = 1; i <= 4; ++i)
    jobs.push_back(future::spawn(job(i), "job" + std::to_string(i)));  // [[spawn]]
  int sum = 0;
  for (auto& h : jobs) sum += (co_await h).value();  // [[join]]
  co_return sum;
}

}  // namespace

void register_lesson03_scenarios(std::vector<scenario::Scenario>& out) {
  out.push_back(make_scenario("lesson03-executors", scenario::Model::Future,
                              "the same futures on current-thread and work-stealing executors",
                              "lessons/03-executors/scenario.cpp",
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
