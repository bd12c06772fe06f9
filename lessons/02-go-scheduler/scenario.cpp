// lessons/02-go-scheduler/scenario.cpp — lesson 2: Go's G, M, P: runnext, the local run queue,
// work stealing, and the global run queue that is checked every 61 schedticks.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  go::WaitGroup wg("all done");
  // main spawns six goroutines in a row on its own P: each new one takes the runnext slot and
  // pushes the previous runnext occupant to the tail of the local run queue.
  for (int i = 1; i <= 6; ++i) {
    wg.add(1);
    go::spawn("g" + std::to_string(i), [&wg] {  // [[spawn]]
      go::work(20us);                           // [[work]]
      go::yield();                              // [[yield]] Gosched: to the global run queue
      go::work(20us);
      wg.done();
    });
  }
  wg.wait();  // [[wait]] main parks: its P picks runnext first
}

}  // namespace

void register_lesson02_scenarios(std::vector<scenario::Scenario>& out) {
  out.push_back(make_scenario(
      "lesson02-gmp", scenario::Model::Goroutine, "runnext, local and global queues, stealing",
      "lessons/02-go-scheduler/scenario.cpp",
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
}

}  // namespace as::lessons
