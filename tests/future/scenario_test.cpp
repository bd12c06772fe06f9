// tests/future/scenario_test.cpp — every built-in future scenario, current and multi executors:
// the expected exit code, and the diagnostic each pathology scenario exists to show.
// Compiled twice: AS_SCENARIO_REAL=0 (simulation) and AS_SCENARIO_REAL=1 (real threads, TSan).
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "core/trace/trace_data.hpp"
#include "scenarios/scenario.hpp"

using as::trace::ErrorKind;
using as::trace::EventKind;

namespace {
std::map<ErrorKind, int> errors_of(const as::trace::Recorder& rec) {
  std::map<ErrorKind, int> m;
  for (const auto& e : rec.collect())
    if (e.kind == EventKind::RuntimeError) m[static_cast<ErrorKind>(e.args[0])]++;
  return m;
}

// longest_executor_poll: the longest poll span on an executor worker's lane (WorkerStart named
// "worker-N"; blocking-pool lanes, named "blocking-N", are left out), in ns.
int64_t longest_executor_poll(const as::trace::Recorder& rec) {
  std::map<as::trace::WorkerId, bool> executor_lane;
  std::map<as::trace::WorkerId, int64_t> begun;
  int64_t longest = 0;
  for (const auto& e : rec.collect()) {
    if (e.kind == EventKind::WorkerStart)
      executor_lane[e.worker] =
          rec.string(static_cast<as::trace::StringId>(e.args[0])).rfind("worker-", 0) == 0;
    if (!executor_lane[e.worker]) continue;
    if (e.kind == EventKind::PollBegin) begun[e.worker] = e.ts;
    if (e.kind == EventKind::PollEnd && begun.count(e.worker))
      longest = std::max(longest, e.ts - begun[e.worker]);
  }
  return longest;
}
}  // namespace

TEST_CASE("future scenarios run to their expected end", "[future][scenario]") {
  std::vector<as::scenario::Scenario> all;
  as::scenario::register_future_scenarios(all);
  REQUIRE(all.size() == 12);
  for (const auto& s : all) {
    for (bool real : {AS_SCENARIO_REAL != 0}) {
      for (const char* ex : {"current", "multi"}) {
        SECTION(s.id + (real ? "/os/" : "/sim/") + ex) {
          as::scenario::RunOptions o;
          o.real = real;
          o.executor = ex;
          o.procs = 2;
          as::trace::Recorder rec;
          auto r = s.run(o, rec);
          auto errs = errors_of(rec);
          if (s.id == "lost_waker") {
            CHECK(r.exit_code == 2);
            CHECK(errs[ErrorKind::LostWaker] >= 1);
            CHECK(errs[ErrorKind::Deadlock] == 1);
          } else {
            INFO(r.error);
            CHECK(r.exit_code == 0);
            CHECK(errs[ErrorKind::Deadlock] == 0);
          }
          if (s.id == "blocking_in_async") {
            CHECK(errs[ErrorKind::LongPoll] >= 1);
            CHECK(longest_executor_poll(rec) >= 50'000'000);  // the blocking call, in a poll
          }
          if (s.id == "spawn_blocking") {
            // The scenario's point: its 50 ms blocking call runs in no executor poll. In the
            // simulation no poll is long at all; on real threads the OS may also stop a worker
            // mid-poll for a while (a loaded 2-core machine, TSan), which the LongPoll lint
            // reports truthfully — but never for as long as the blocking call.
            if (!real) CHECK(errs[ErrorKind::LongPoll] == 0);
            const int64_t longest = longest_executor_poll(rec);
            CHECK(longest > 0);
            CHECK(longest < 50'000'000);
          }
          if (s.id == "panic_join") CHECK(errs[ErrorKind::Panic] == 1);
        }
      }
    }
  }
}

#if AS_SCENARIO_REAL == 0
TEST_CASE("future scenarios reject bad parameters with a clear error", "[future][scenario]") {
  std::vector<as::scenario::Scenario> all;
  as::scenario::register_future_scenarios(all);
  as::scenario::RunOptions o;
  o.params["n"] = "lots";
  as::trace::Recorder rec;
  auto r = all.front().run(o, rec);
  CHECK(r.exit_code == 2);
  CHECK(r.error.find("parameter n=lots") != std::string::npos);
}
#endif
