// scenarios/future/deep_await.cpp — a deep chain of coroutines awaiting each other.
// Look at: one FrameAlloc per level — the chain's "stack" lives on the heap, one frame per
// coroutine; the machine stack stays shallow thanks to symmetric transfer bounded by the
// executor's trampoline (n=1000000 works even in a -O0 build).
#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<long> descend(int depth) {
  if (depth == 0) {
    co_await fut::sleep(1ms);  // the innermost frame really suspends
    co_return 0;
  }
  long below = co_await descend(depth - 1);
  co_return below + 1;
}

static fut::Task<int> deep_main(int depth) {
  long d = co_await descend(depth);
  co_return d == depth ? 0 : 1;
}

Scenario deep_await() {
  return make(
      "deep_await", "A deep await chain (frames on the heap, shallow stack)",
      "FrameAlloc per level; the chain suspends 1 ms at the bottom and unwinds without recursion.",
      "scenarios/future/deep_await.cpp", [](const RunOptions& o, trace::Recorder& rec) {
        const int n = static_cast<int>(param_int(o, "n", 1000, 0, 10'000'000));
        return run_future(o, rec, [n] { return deep_main(n); });
      });
}

}  // namespace as::scenario::future_scn
