// scenarios/goroutine/deadlock.cpp — every goroutine waits for another: Go's checkdead fires.
//
// Look at: when the last M goes idle with no timer and no I/O pending, nothing can ever make a
// goroutine runnable again; the runtime reports "fatal error: all goroutines are asleep -
// deadlock!" with each goroutine's wait reason, and the program exits with status 2.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_deadlock() {
  Scenario s;
  s.id = "deadlock";
  s.title = "Deadlock: all goroutines are asleep";
  s.summary =
      "Two goroutines each wait to receive from the other before sending. A pending "
      "timer keeps the program alive until it fires; then checkdead reports the deadlock.";
  s.source_file = "scenarios/goroutine/deadlock.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::Chan<int> a(0, "a"), b(0, "b");
      go::spawn("alice", [&] {
        b.recv();  // waits for bob first...
        a.send(1);
      });
      go::spawn("bob", [&] {
        a.recv();  // ...and bob waits for alice
        b.send(2);
      });
      go::spawn("sleeper", [] { go::sleep(2ms); });  // not a deadlock while this timer is pending
      go::WaitGroup wg("never");
      wg.add(1);
      wg.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
