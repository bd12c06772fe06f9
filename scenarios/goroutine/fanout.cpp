// scenarios/goroutine/fanout.cpp — one producer, a buffered channel, four workers summing.
//
// Look at: the buffer holds exactly 8 values; the producer blocks when it is full and a worker
// blocks when it is empty. Idle Ps wake up (wakep) and steal work as the workers get readied.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_fanout() {
  Scenario s;
  s.id = "fanout";
  s.title = "Fan-out: one producer, a buffered channel, four workers";
  s.summary =
      "A cap-8 channel feeds 4 workers; watch the buffer fill and drain, workers block and "
      "get readied, and idle Ps steal the readied workers.";
  s.source_file = "scenarios/goroutine/fanout.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    const long items = param(opt, "n", 200, 1, 10'000'000);
    return run_program(opt, rec, [items] {
      go::Chan<long> jobs(8, "jobs");
      go::Chan<long> sums(4, "sums");
      for (int w = 0; w < 4; ++w) {
        go::spawn("worker " + std::to_string(w), [&] {
          long sum = 0;
          for (long v : jobs) {
            go::work(std::chrono::microseconds(5));  // process one item
            sum += v;
          }
          sums.send(sum);
        });
      }
      go::spawn("producer", [&] {
        for (long i = 1; i <= items; ++i) jobs.send(i);
        jobs.close();
      });
      long total = 0;
      for (int w = 0; w < 4; ++w) total += sums.recv().first;
      if (total != items * (items + 1) / 2) go::panic("fanout: wrong total");
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
