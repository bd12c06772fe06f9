// viz/app/event_text.cpp — see event_text.hpp.
#include "viz/app/event_text.hpp"

#include "viz/app/time_axis.hpp"

namespace as::viz {
namespace {

std::string enum_text(trace::EventKind kind, uint64_t v) {
  using trace::EventKind;
  switch (kind) {
    case EventKind::RuntimeStart:
      return v == 0 ? "goroutines" : "futures";
    case EventKind::PollEnd:
      return v == 0 ? "Ready" : "Pending";
    case EventKind::QueueLength: {
      static const char* names[] = {"local", "global", "runnext", "inject", "lifo", "blocking"};
      return v < 6 ? names[v] : std::to_string(v);
    }
    case EventKind::RuntimeError: {
      static const char* names[] = {"deadlock",  "panic",     "stack overflow", "lost waker",
                                    "long poll", "self wake", "large future",   "other"};
      return v < 8 ? names[v] : std::to_string(v);
    }
    default:
      return std::to_string(v);
  }
}

}  // namespace

std::string task_or_none(const TraceModel& model, TaskId t) {
  return t == 0 ? std::string("-") : model.task_label(t);
}

std::string event_args_text(const TraceModel& model, const trace::Event& e) {
  const auto& info = trace::info(e.kind);
  std::string out;
  for (int k = 0; k < trace::kMaxArgs; ++k) {
    const auto& arg = info.args[static_cast<size_t>(k)];
    if (arg.type == trace::ArgType::None) break;
    const uint64_t v = e.args[k];
    std::string value;
    switch (arg.type) {
      case trace::ArgType::Task:
        value = task_or_none(model, static_cast<TaskId>(v));
        break;
      case trace::ArgType::Worker:
        value =
            v == trace::kNoWorker ? std::string("-") : model.worker_label(static_cast<WorkerId>(v));
        break;
      case trace::ArgType::String:
        value = v == 0 ? std::string("\"\"") : model.str(static_cast<StringId>(v));
        break;
      case trace::ArgType::Reason:
        value = std::string(trace::reason_name(v));
        break;
      case trace::ArgType::Nanos:
        value = format_duration(static_cast<double>(static_cast<int64_t>(v)));
        break;
      case trace::ArgType::I64:
        value = std::to_string(static_cast<int64_t>(v));
        break;
      case trace::ArgType::Enum:
        value = enum_text(e.kind, v);
        break;
      case trace::ArgType::U64:
      case trace::ArgType::None:
        value = std::to_string(v);
        break;
    }
    if (!out.empty()) out += "  ";
    out += std::string(arg.name) + "=" + value;
  }
  return out;
}

std::string event_text(const TraceModel& model, const trace::Event& e) {
  std::string s(trace::info(e.kind).name);
  const std::string args = event_args_text(model, e);
  if (!args.empty()) s += "  " + args;
  return s;
}

}  // namespace as::viz
