// scenarios/goroutine/syscall.cpp — blocking syscalls hand their P to another M.
//
// Look at: entering the syscall releases the P (syscall.enter, proc.handoff from M to M): the
// computing goroutines keep running on it while the caller's M blocks. On return the goroutine
// takes its old P back if it is idle, another idle P otherwise, or queues globally and its M
// sleeps.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_syscall() {
  Scenario s;
  s.id = "syscall";
  s.title = "Blocking syscalls hand the P off to another M";
  s.summary =
      "Two goroutines make 2 ms blocking calls while two others compute: the Ps move to "
      "new Ms (proc.handoff) so computing never stops.";
  s.source_file = "scenarios/goroutine/syscall.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::WaitGroup wg("all");
      for (int i = 0; i < 2; ++i) {
        wg.add(1);
        go::spawn("reader " + std::to_string(i), [&wg] {
          for (int k = 0; k < 3; ++k) go::syscall("read", 2ms);
          wg.done();
        });
      }
      for (int i = 0; i < 2; ++i) {
        wg.add(1);
        go::spawn("cruncher " + std::to_string(i), [&wg] {
          for (int k = 0; k < 20; ++k) go::work(300us);
          wg.done();
        });
      }
      wg.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
