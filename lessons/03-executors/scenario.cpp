// lessons/03-executors/scenario.cpp — lesson 3: executors are a choice. The same future code
// (four jobs that compute and sleep) runs on the executor the lesson or the reader picks:
// "current" (one thread polls every task) or "multi" (work-stealing workers).
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

future::Task<int> job(int n) {
  future::busy_work(30us);        // [[compute]]
  co_await future::sleep(100us);  // [[sleep]] Pending: the worker is free for others
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

// run_both runs future_main on a current-thread executor and then, unchanged, on a work-stealing
// one with opt.procs workers — one trace, two runtimes, the same code.
scenario::RunResult run_both(const scenario::RunOptions& opt, trace::Recorder& rec) {
  auto plat = platform::make_platform(opt.real, opt.seed, opt.step);
  try {
    for (const auto& cfg : {future::RuntimeConfig::current_thread(),            // [[current]]
                            future::RuntimeConfig::multi_thread(opt.procs)}) {  // [[multi]]
      future::Runtime rt(*plat, cfg, &rec);
      rt.block_on(future_main());
    }
    return {};
  } catch (const std::exception& e) {
    return scenario::RunResult{1, e.what()};
  }
}

}  // namespace

void register_lesson03_scenarios(std::vector<scenario::Scenario>& out) {
  out.push_back(make_scenario("lesson03-executors", scenario::Model::Future,
                              "the same futures on current-thread and work-stealing executors",
                              "lessons/03-executors/scenario.cpp",
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
  out.push_back(make_scenario("lesson03-both-executors", scenario::Model::Future,
                              "the same futures on current-thread, then on work-stealing",
                              "lessons/03-executors/scenario.cpp", run_both));
}

}  // namespace as::lessons
