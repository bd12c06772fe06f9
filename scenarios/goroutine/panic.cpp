// scenarios/goroutine/panic.cpp — a recovered panic, then one that ends the program.
//
// Look at: the first worker catches its go::Panic (Go's recover in a deferred function) and goes
// on; the second does not, so the program ends with "panic: ..." and "goroutine N [running]:",
// exit status 2, and a runtime.error event — even though main is still waiting.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_panic() {
  Scenario s;
  s.id = "panic";
  s.title = "Panics: one recovered, one that ends the program";
  s.summary =
      "Catching the exception inside the goroutine is recover(); an uncaught one ends the "
      "whole program with Go's report and exit status 2.";
  s.source_file = "scenarios/goroutine/panic.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    return run_program(opt, rec, [] {
      using namespace std::chrono_literals;
      go::Chan<int> results(2, "results");
      go::spawn("careful worker", [&] {
        try {
          go::Chan<int> closed(1, "closed");
          closed.close();
          closed.send(1);  // panic: send on closed channel
        } catch (const go::Panic&) {
          results.send(-1);  // recovered
        }
      });
      results.recv();
      go::spawn("careless worker", [&] {
        go::work(50us);
        std::vector<int> v;
        results.send(v.at(3));  // throws std::out_of_range: nobody recovers it
      });
      results.recv();  // never returns: the panic ends the program first
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
