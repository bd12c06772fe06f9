// scenarios/goroutine/preempt.cpp — a goroutine in a tight loop is preempted after 10 ms.
//
// Look at: "spinner" computes without ever blocking; at its first safe point after a 10 ms time
// slice it is preempted (task.preempt) and goes to the global queue, so "ticker" — which only
// wants to run briefly every millisecond — gets the P. Run with --procs 1 to see it best.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_preempt() {
  Scenario s;
  s.id = "preempt";
  s.title = "A tight loop is preempted after its 10 ms time slice";
  s.summary =
      "With one P, a CPU-bound goroutine would starve everybody; sysmon's rule preempts it "
      "at the next safe point once it has run 10 ms. Best with --procs 1.";
  s.source_file = "scenarios/goroutine/preempt.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::WaitGroup wg("done");
      wg.add(2);
      go::spawn("spinner", [&wg] {
        for (int i = 0; i < 300; ++i) go::work(100us);  // 30 ms of pure computation
        wg.done();
      });
      go::spawn("ticker", [&wg] {
        for (int i = 0; i < 5; ++i) {
          go::sleep(1ms);
          go::work(20us);
        }
        wg.done();
      });
      wg.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
