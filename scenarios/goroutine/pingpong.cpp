// scenarios/goroutine/pingpong.cpp — two goroutines bounce a ball over two unbuffered channels.
//
// Look at: every send readies the partner into runnext, so the pair shares one P and one time
// slice (inherit_time) — even with several Ps the ball rarely leaves its P.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_pingpong() {
  Scenario s;
  s.id = "pingpong";
  s.title = "Two goroutines bounce a ball over unbuffered channels";
  s.summary =
      "Each send readies the partner into runnext: the pair stays on one P and shares its "
      "time slice. Look at the wakeup arrows and the runnext counter.";
  s.source_file = "scenarios/goroutine/pingpong.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    const long rounds = param(opt, "n", 20, 1, 10'000'000);
    return run_program(opt, rec, [rounds] {
      go::Chan<int> ping(0, "ping"), pong(0, "pong");
      go::WaitGroup done("ponger done");  // ping and pong live in main: outlive the ponger
      done.add(1);
      go::spawn("ponger", [&] {
        for (int ball : ping) {
          go::work(std::chrono::microseconds(1));  // hit the ball
          pong.send(ball + 1);
        }
        done.done();
      });
      int ball = 0;
      for (long i = 0; i < rounds; ++i) {
        ping.send(ball);
        ball = pong.recv().first;
      }
      ping.close();
      done.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
