// scenarios/goroutine/select.cpp — select over two producers, a timeout and a default case.
//
// Look at: when both channels are ready the case is chosen uniformly at random (the seed decides
// in the simulation); with nothing ready the goroutine parks on all channels at once, and the first
// one to fire wins; a default case never blocks.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_select() {
  Scenario s;
  s.id = "select";
  s.title = "select: two producers, a timeout and a default case";
  s.summary =
      "Uniform random choice among ready cases, parking on several channels at once, "
      "time.After as a timeout, and a non-blocking select with default.";
  s.source_file = "scenarios/goroutine/select.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::Chan<int> fast(0, "fast"), slow(0, "slow");
      go::Chan<bool> quit(0, "quit");
      go::WaitGroup producers("producers");  // main's channels outlive the producers' use
      producers.add(2);
      go::spawn("fast producer", [&] {
        for (int i = 0;; ++i) {
          bool stop = false;
          go::select(go::send(fast, i, [] {}), go::recv(quit, [&](bool, bool) { stop = true; }));
          if (stop) break;
          go::sleep(100us);
        }
        producers.done();
      });
      go::spawn("slow producer", [&] {
        for (int i = 0; i < 3; ++i) {
          go::sleep(1ms);
          slow.send(100 + i);
        }
        producers.done();
      });
      int from_fast = 0, from_slow = 0, idle = 0;
      // Non-blocking polls first: nothing is ready yet, so default runs.
      go::select(go::recv(fast, [&](int, bool) { ++from_fast; }),
                 go::default_case([&] { ++idle; }));
      bool done = false;
      go::Chan<int64_t> timeout = go::after(5ms);  // one deadline for the whole loop
      while (!done && from_slow < 3) {
        go::select(go::recv(fast, [&](int, bool) { ++from_fast; }),
                   go::recv(slow, [&](int, bool) { ++from_slow; }),
                   go::recv(timeout, [&](int64_t, bool) { done = true; }));
      }
      quit.close();
      while (from_slow < 3) from_slow += slow.recv().second ? 1 : 0;  // let the slow one finish
      producers.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
