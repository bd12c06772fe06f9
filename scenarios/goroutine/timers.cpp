// scenarios/goroutine/timers.cpp — sleep, time.After and a Ticker.
//
// Look at: sleeping goroutines park on timers (reason sleep); when every P is idle one M waits in
// the netpoller/timer sleep until the earliest deadline (virtual time jumps in the simulation);
// Ticker drops ticks nobody received.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_timers() {
  Scenario s;
  s.id = "timers";
  s.title = "Timers: sleep, time.After and a Ticker";
  s.summary =
      "Five sleepers with different durations, a Ticker read five times, and a select "
      "with a time.After timeout. Idle Ms sleep until the earliest timer.";
  s.source_file = "scenarios/goroutine/timers.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::WaitGroup wg("sleepers");
      for (int i = 1; i <= 5; ++i) {
        wg.add(1);
        go::spawn("sleeper " + std::to_string(i), [&wg, i] {
          go::sleep(std::chrono::milliseconds(i));
          wg.done();
        });
      }
      go::Ticker ticker(700us);
      for (int tick = 0; tick < 5; ++tick) ticker.chan().recv();
      ticker.stop();
      go::Chan<int> never(0, "never");
      bool timed_out = false;
      go::select(go::recv(never, [](int, bool) {}),
                 go::recv(go::after(2ms), [&](int64_t, bool) { timed_out = true; }));
      wg.wait();
      if (!timed_out) go::panic("timers: time.After did not fire");
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
