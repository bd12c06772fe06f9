// core/goroutine/stack_report.cpp — the stack-overflow report (see stack_report.hpp).
#include "core/goroutine/stack_report.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/fiber/fiber.hpp"
#include "core/fiber/stack_overflow.hpp"
#include "core/goroutine/report.hpp"
#include "core/goroutine/sched.hpp"
#include "core/trace/astrace.hpp"
#include "core/trace/trace_data.hpp"

namespace as::go::detail {

namespace {
std::atomic<Sched*> g_active{nullptr};

void write_all(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(2, s.data() + done, s.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

void on_overflow(const fiber::StackOverflowInfo& info) {
  Sched* s = g_active.load();
  auto* g = static_cast<G*>(info.user);
  std::string text = "runtime: goroutine " + std::to_string(info.tag) + " stack exceeds " +
                     std::to_string(info.reserved_bytes) +
                     "-byte limit\nfatal error: stack overflow\n\n";
  if (g && s) {
    text += "goroutine " + std::to_string(g->id) + " [running]:\n" +
            (g->name.empty() ? std::string("goroutine") : g->name) + "()\n";
    if (g->created_at.file_name()[0] != '\0')
      text += std::string("\tcreated at ") + g->created_at.file_name() + ":" +
              std::to_string(g->created_at.line()) + "\n";
  }
  write_all(text);
  if (s && s->tracer().on()) {
    trace::Recorder* rec = s->tracer().recorder();
    rec->emit(trace::EventKind::RuntimeError, trace::kNoWorker,
              static_cast<trace::TaskId>(info.tag),
              static_cast<uint64_t>(trace::ErrorKind::StackOverflow), rec->intern(text), info.tag);
    rec->emit(trace::EventKind::RuntimeStop, trace::kNoWorker, 0, 2);
    if (const char* path = std::getenv("ASYNCSCOPE_CRASH_TRACE")) {
      try {
        trace::write_astrace(path, trace::snapshot(*rec));
        write_all(std::string("trace so far saved to ") + path + "\n");
      } catch (...) {
        write_all("could not save the trace\n");
      }
    }
  }
  ::_exit(2);
}
}  // namespace

StackOverflowScope::StackOverflowScope(Sched& sched) {
  g_active.store(&sched);
  fiber::set_stack_overflow_handler(on_overflow);
}

StackOverflowScope::~StackOverflowScope() {
  g_active.store(nullptr);
}

}  // namespace as::go::detail
