// tests/future/scenario_test.cpp — every built-in future scenario, current and multi executors:
// the expected exit code, and the diagnostic each pathology scenario exists to show.
// Compiled twice: AS_SCENARIO_REAL=0 (simulation) and AS_SCENARIO_REAL=1 (real threads, TSan).
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
          if (s.id == "blocking_in_async") CHECK(errs[ErrorKind::LongPoll] >= 1);
          if (s.id == "spawn_blocking") CHECK(errs[ErrorKind::LongPoll] == 0);
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
