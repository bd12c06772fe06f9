// core/future/runtime.cpp — clock and blocking helpers of the runtime (see runtime.hpp).
#include "core/future/runtime.hpp"

namespace as::future {

int64_t now_ns() {
  Scheduler* s = current_scheduler();
  if (!s) throw std::logic_error("now_ns called outside a runtime");
  return s->platform().now();
}

void blocking_work(std::chrono::nanoseconds d) {
  Scheduler* s = current_scheduler();
  if (!s) throw std::logic_error("blocking_work called outside a runtime");
  PlatformCallScope keep;  // sim: other workers run meanwhile on this OS thread
  s->platform().blocking_call(d.count(), {});
}

void busy_work(std::chrono::nanoseconds d) {
  Scheduler* s = current_scheduler();
  if (!s) throw std::logic_error("busy_work called outside a runtime");
  PlatformCallScope keep;
  s->platform().consume(d.count());
}

}  // namespace as::future
