// viz/app/state_colours.cpp — see state_colours.hpp.
#include "viz/app/state_colours.hpp"

#include <vector>

namespace as::viz {

StateColour state_colour(TaskState state, Reason reason) {
  switch (state) {
    case TaskState::Running:
      return StateColour::Running;
    case TaskState::Runnable:
      return StateColour::Runnable;
    case TaskState::Pending:
      return StateColour::Pending;
    case TaskState::Syscall:
      return StateColour::BlockedSyscall;
    case TaskState::Done:
      return StateColour::Done;
    case TaskState::Blocked:
      switch (reason) {
        case Reason::ChanSend:
        case Reason::ChanRecv:
        case Reason::ChanClose:
        case Reason::NilChan:
          return StateColour::BlockedChan;
        case Reason::Select:
          return StateColour::BlockedSelect;
        case Reason::Sleep:
          return StateColour::BlockedTimer;
        case Reason::Io:
          return StateColour::BlockedIo;
        case Reason::Mutex:
        case Reason::WaitGroup:
        case Reason::Cond:
        case Reason::Join:
        case Reason::Forever:
          return StateColour::BlockedSync;
        case Reason::Syscall:
          return StateColour::BlockedSyscall;
        case Reason::Blocking:
          return StateColour::Blocking;
        case Reason::Waker:
          return StateColour::Pending;
        default:
          return StateColour::Unknown;
      }
    case TaskState::kCount:
      break;
  }
  return StateColour::Unknown;
}

MarkerColour marker_colour(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::Spawn:
      return MarkerColour::Spawn;
    case MarkerKind::Steal:
    case MarkerKind::Handoff:
      return MarkerColour::Steal;
    case MarkerKind::Preempt:
    case MarkerKind::Yield:
      return MarkerColour::Preempt;
    case MarkerKind::SyscallEnter:
    case MarkerKind::SyscallExit:
      return MarkerColour::Syscall;
    case MarkerKind::Error:
      return MarkerColour::Error;
    case MarkerKind::Wake:
      return MarkerColour::Wake;
    case MarkerKind::Annotation:
    case MarkerKind::kCount:
      break;
  }
  return MarkerColour::Annotation;
}

std::string state_label(TaskState state, Reason reason) {
  std::string s(task_state_name(state));
  if (state == TaskState::Running && reason == Reason::None) return s;
  if (reason != Reason::None && state != TaskState::Running)
    s += " (" + std::string(trace::reason_name(static_cast<uint64_t>(reason))) + ")";
  return s;
}

const std::vector<LegendEntry>& legend(bool futures) {
  static const std::vector<LegendEntry> go = {
      {StateColour::Running, "running"},      {StateColour::Runnable, "runnable"},
      {StateColour::BlockedChan, "chan"},     {StateColour::BlockedSelect, "select"},
      {StateColour::BlockedTimer, "sleep"},   {StateColour::BlockedIo, "I/O"},
      {StateColour::BlockedSync, "mutex/wg"}, {StateColour::BlockedSyscall, "syscall"}};
  static const std::vector<LegendEntry> fut = {
      {StateColour::Running, "polling"}, {StateColour::Runnable, "scheduled"},
      {StateColour::Pending, "pending"}, {StateColour::Blocking, "blocking"},
      {StateColour::BlockedIo, "I/O"},   {StateColour::BlockedTimer, "timer"}};
  return futures ? fut : go;
}

}  // namespace as::viz
