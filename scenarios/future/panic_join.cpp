// scenarios/future/panic_join.cpp — a task throws; the panic surfaces in its JoinHandle.
// Look at: TaskStop/TaskDestroy reason panic and RuntimeError Panic on the task's lane — yet the
// program goes on: unlike Go, a panicking task does not end the process; whoever awaits the
// JoinHandle gets a JoinError (is_panic) and decides.
#include <stdexcept>

#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> parse_config() {
  co_await fut::sleep(1ms);
  throw std::runtime_error("config file is corrupt");
}

static fut::Task<int> panic_main() {
  auto h = fut::spawn(parse_config(), "parse_config");
  auto r = co_await h;
  if (r.is_err() && r.error().is_panic()) {
    // recovered: use defaults, keep running
    co_await fut::sleep(1ms);
    co_return 0;
  }
  co_return 1;
}

Scenario panic_join() {
  return make("panic_join", "A panicking task surfaces as JoinError",
              "TaskDestroy(panic); the awaiting task receives JoinError::panic and carries on.",
              "scenarios/future/panic_join.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                return run_future(o, rec, [] { return panic_main(); });
              });
}

}  // namespace as::scenario::future_scn
