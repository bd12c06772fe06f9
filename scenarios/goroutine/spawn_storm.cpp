// scenarios/goroutine/spawn_storm.cpp — main spawns many short goroutines and waits for them.
//
// Look at: new goroutines go to the spawner's runnext, the previous one is kicked to the local
// queue; when the local queue (256) overflows, half of it moves to the global queue; idle Ps are
// woken and steal half of a victim's queue.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_spawn_storm() {
  Scenario s;
  s.id = "spawn_storm";
  s.title = "Spawn storm: 1000 short goroutines and a WaitGroup";
  s.summary =
      "Watch the local run queue fill up to 256, spill half to the global queue, and the "
      "other Ps steal half of a victim's queue at a time.";
  s.source_file = "scenarios/goroutine/spawn_storm.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    const long n = param(opt, "n", 1000, 1, 1'000'000);
    return run_program(opt, rec, [n] {
      go::WaitGroup wg("wg");
      for (long i = 0; i < n; ++i) {
        wg.add(1);
        go::spawn("task", [&wg] {
          go::work(std::chrono::microseconds(2));
          wg.done();
        });
      }
      wg.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
