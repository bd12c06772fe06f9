// core/trace/event_kinds.hpp — THE table of every trace event kind.
//
// Owns: the list of event kinds, their names, their argument names and types, and the lane each
// event is drawn on. Every other part of asyncscope (recorder, .astrace reader/writer, Perfetto
// export, the app's trace model, lesson conditions) reads this one table, so adding an event is a
// one-line change here.
//
// Invariants (checked at compile time at the bottom of this file):
//   - kind values are dense 0..kCount-1 and names are unique;
//   - an event has at most kMaxArgs (3) arguments, and only the three arg slots of Event carry them;
//   - argument types are from ArgType, which tells readers how to validate them (String ids must be
//     in the string table, Task ids must have been created...).
//
// Naming follows Go's execution tracer: Begin/End for time ranges; Create, Start, Stop, Block,
// Unblock, Destroy for tasks and workers. Every Unblock and Waker wake names its cause (the task or
// worker that did it, and why) — that cause is the wakeup arrow in the app and the flow in Perfetto.
//
// Why an X-macro: it is the only way in C++20 to get one source of truth that produces an enum, a
// constexpr metadata array and switch-free dispatch without code generation at build time.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace as::trace {

// How an argument slot is interpreted.
enum class ArgType : uint8_t {
  None,     // slot unused
  U64,      // plain number (count, bytes, id of a channel/timer/fd...)
  I64,      // signed number
  Nanos,    // duration or absolute time in ns (same clock as Event::ts)
  Task,     // a task id (goroutine id or future task id); 0 = none
  Worker,   // a worker id (P for goroutines, executor thread for futures); kNoWorker = none
  String,   // an interned string id (0 = empty string)
  Reason,   // a BlockReason / WakeReason / StopReason value
  Enum,     // a small event-specific enum documented at the event
};

// Which timeline an event belongs to.
enum class Lane : uint8_t {
  Runtime,  // whole-runtime events (start/stop, errors, annotations)
  Worker,   // a worker's lane (Event::worker)
  Task,     // a task's lane (Event::task)
  Counter,  // a counter track (queue lengths, stack bytes)
  Object,   // a channel/timer/io object (arg0 is the object id)
};

// Why a task stopped running or blocked. Shared by both models.
enum class Reason : uint8_t {
  None = 0,
  Yield,        // Gosched / yield_now
  Preempted,    // sysmon-style preemption or cooperative budget exhausted
  ChanSend,     // blocked sending on a channel / woken by a receiver
  ChanRecv,     // blocked receiving on a channel / woken by a sender
  ChanClose,    // woken because a channel was closed
  Select,       // blocked in select
  Sleep,        // timer (sleep / After / Ticker / tokio::time)
  Io,           // netpoller / reactor readiness
  Mutex,        // sync.Mutex / async mutex
  WaitGroup,    // WaitGroup.Wait
  Cond,         // sync.Cond
  Syscall,      // blocking syscall (entersyscall/exitsyscall)
  Join,         // awaiting a JoinHandle / join
  Waker,        // future returned Pending / woken by waker.wake()
  Spawn,        // made runnable by being spawned
  NilChan,      // blocked forever on a nil channel
  Blocking,     // spawn_blocking pool
  Done,         // task finished
  Panic,        // task ended by a panic / exception
  Cancelled,    // future dropped / task aborted
  Forever,      // select{} or similar: blocked with no way out
  kCount
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Reason::kCount)> kReasonNames = {
    "none",  "yield",   "preempted", "chan send", "chan recv", "chan close", "select", "sleep",
    "io",    "mutex",   "waitgroup", "cond",      "syscall",   "join",       "waker",  "spawn",
    "nil chan", "blocking", "done",  "panic",     "cancelled", "forever"};

inline constexpr std::string_view reason_name(uint64_t arg) {
  const uint64_t r = arg & 0xff;  // a TaskUnblock's queue bits are not part of the name
  return r < kReasonNames.size() ? kReasonNames[r] : std::string_view("?");
}

// Which model a runtime implements (RuntimeStart arg0).
enum class ModelKind : uint8_t { Goroutine = 0, Future = 1 };
// PollEnd arg0. A poll that returns Pending also says what the task now waits for (arg1 reason,
// arg2 object: a channel, timer or fd id; both 0 when unsaid) — for futures it is the task.block
// of goroutines, folded into the poll's end. A wake that makes a future runnable is a task.unblock
// (cause and reason), as for goroutines; waker.wake marks only a wake that schedules nothing (merged
// with a wake already pending, the task is running, or it has finished).
enum class PollResult : uint8_t { Ready = 0, Pending = 1 };
// QueueLength arg0: which queue.
enum class QueueKind : uint8_t { Local = 0, Global = 1, Runnext = 2, Inject = 3, Lifo = 4, Blocking = 5 };
// TaskStart arg0: where the starting task was taken from — 1 + its QueueKind, or 0 when the
// runtime does not say. A task taken from a one-slot queue (runnext, LIFO) empties that slot, so
// the runtime need not write a QueueLength(…, 0) for it: readers clear the slot from this.
inline constexpr uint64_t start_from(QueueKind q) { return 1 + static_cast<uint64_t>(q); }
// A Reason argument holds the Reason in its low byte. TaskUnblock's may also say, in bits 8..15,
// where the woken task was put: start_from(QueueKind), 0 when unsaid. Go's ready() puts the
// goroutine it readies into the waker's runnext slot; saying so in the unblock spares the runtime
// a QueueLength(Runnext, W, 1) event per wake. Readers take the Reason with reason_of().
inline constexpr uint64_t unblock_reason(Reason r, QueueKind into) {
  return static_cast<uint64_t>(r) | (start_from(into) << 8);
}
inline constexpr Reason reason_of(uint64_t arg) { return static_cast<Reason>(arg & 0xff); }
inline constexpr uint64_t queued_into(uint64_t arg) { return arg >> 8; }  // a start_from() value
// RuntimeError arg0: which error.
enum class ErrorKind : uint8_t {
  Deadlock = 0, Panic = 1, StackOverflow = 2, LostWaker = 3, LongPoll = 4, SelfWake = 5,
  LargeFuture = 6, Other = 7
};

inline constexpr uint16_t kNoWorker = 0xffff;
inline constexpr int kMaxArgs = 3;

// X(Name, lane, "name", a0type, "a0", a1type, "a1", a2type, "a2")
// For task events Event::task is the task concerned; for worker events Event::worker is the worker.
// Event::loc is an interned "file:line function" string where the user code that caused the event
// is known (0 otherwise).
#define AS_TRACE_EVENT_KINDS(X)                                                                  \
  /* runtime */                                                                                  \
  X(RuntimeStart, Runtime, "runtime.start", Enum, "model", U64, "procs", U64, "seed")            \
  X(RuntimeStop, Runtime, "runtime.stop", I64, "exit_code", None, "", None, "")                  \
  X(RuntimeError, Runtime, "runtime.error", Enum, "error", String, "message", Task, "task")      \
  X(Annotation, Runtime, "user.annotation", String, "text", None, "", None, "")                  \
  X(RegionBegin, Task, "user.region.begin", String, "name", None, "", None, "")                  \
  X(RegionEnd, Task, "user.region.end", String, "name", None, "", None, "")                      \
  /* workers (P/M for goroutines, executor threads for futures) */                               \
  X(WorkerStart, Worker, "worker.start", String, "name", U64, "os_thread", None, "")             \
  X(WorkerStop, Worker, "worker.stop", None, "", None, "", None, "")                             \
  X(WorkerIdle, Worker, "worker.idle", None, "", None, "", None, "")                             \
  X(WorkerSpin, Worker, "worker.spin", None, "", None, "", None, "")                             \
  X(WorkerWake, Worker, "worker.wake", Worker, "by_worker", Task, "by_task", None, "")           \
  X(Steal, Worker, "worker.steal", Worker, "from", Worker, "to", U64, "count")                   \
  X(SyscallEnter, Task, "syscall.enter", String, "call", None, "", None, "")                     \
  X(SyscallExit, Task, "syscall.exit", U64, "got_p_back", None, "", None, "")                    \
  X(ProcHandoff, Worker, "proc.handoff", U64, "from_m", U64, "to_m", None, "")                   \
  /* tasks (goroutines and future tasks) */                                                      \
  X(TaskCreate, Task, "task.create", Task, "parent", String, "name", U64, "frame_bytes")         \
  X(TaskStart, Task, "task.start", Enum, "from", None, "", None, "")                             \
  X(TaskStop, Task, "task.stop", Reason, "reason", None, "", None, "")                           \
  X(TaskBlock, Task, "task.block", Reason, "reason", U64, "object", String, "object_name")       \
  X(TaskUnblock, Task, "task.unblock", Task, "by_task", Worker, "by_worker", Reason, "reason")    \
  X(TaskPreempt, Task, "task.preempt", Nanos, "ran_for", None, "", None, "")                     \
  X(TaskDestroy, Task, "task.destroy", Reason, "reason", None, "", None, "")                     \
  /* futures */                                                                                  \
  X(PollBegin, Task, "future.poll.begin", None, "", None, "", None, "")                          \
  X(PollEnd, Task, "future.poll.end", Enum, "result", Reason, "reason", U64, "object")           \
  X(FrameAlloc, Task, "future.frame.alloc", U64, "bytes", String, "coroutine", None, "")         \
  X(FrameFree, Task, "future.frame.free", U64, "bytes", None, "", None, "")                      \
  X(WakerClone, Task, "waker.clone", U64, "waker", None, "", None, "")                           \
  X(WakerWake, Task, "waker.wake", Task, "by_task", Worker, "by_worker", U64, "by_ref")          \
  X(WakerDrop, Task, "waker.drop", U64, "waker", None, "", None, "")                             \
  /* stacks and counters */                                                                      \
  X(StackSample, Task, "stack.sample", U64, "used", U64, "committed", U64, "reserved")           \
  X(QueueLength, Counter, "counter.queue", Enum, "queue", Worker, "owner", U64, "length")        \
  X(StackBytes, Counter, "counter.stack_bytes", U64, "committed", U64, "used", U64, "tasks")     \
  /* timers */                                                                                   \
  X(TimerArm, Object, "timer.arm", U64, "timer", Nanos, "deadline", None, "")                    \
  X(TimerFire, Object, "timer.fire", U64, "timer", None, "", None, "")                           \
  X(TimerCancel, Object, "timer.cancel", U64, "timer", None, "", None, "")                       \
  /* I/O (netpoller / reactor) */                                                                \
  X(IoRegister, Object, "io.register", U64, "fd", U64, "interest", None, "")                     \
  X(IoReady, Object, "io.ready", U64, "fd", U64, "readiness", None, "")                          \
  X(IoDeregister, Object, "io.deregister", U64, "fd", None, "", None, "")                        \
  /* channels */                                                                                 \
  X(ChanMake, Object, "chan.make", U64, "chan", U64, "capacity", String, "name")                 \
  X(ChanSend, Object, "chan.send", U64, "chan", U64, "len_after", None, "")                      \
  X(ChanRecv, Object, "chan.recv", U64, "chan", U64, "len_after", U64, "ok")                     \
  X(ChanClose, Object, "chan.close", U64, "chan", None, "", None, "")                            \
  X(SelectBegin, Task, "select.begin", U64, "cases", U64, "has_default", None, "")               \
  X(SelectEnd, Task, "select.end", I64, "chosen", None, "", None, "")

enum class EventKind : uint16_t {
#define AS_X_ENUM(Name, ...) Name,
  AS_TRACE_EVENT_KINDS(AS_X_ENUM)
#undef AS_X_ENUM
      kCount
};
inline constexpr size_t kEventKindCount = static_cast<size_t>(EventKind::kCount);

struct ArgInfo {
  ArgType type;
  std::string_view name;
};

struct EventKindInfo {
  EventKind kind;
  Lane lane;
  std::string_view name;
  std::array<ArgInfo, kMaxArgs> args;
  constexpr int arg_count() const {
    int n = 0;
    for (const auto& a : args) n += a.type != ArgType::None ? 1 : 0;
    return n;
  }
};

inline constexpr std::array<EventKindInfo, kEventKindCount> kEventKinds = {{
#define AS_X_INFO(Name, lane, str, t0, n0, t1, n1, t2, n2) \
  {EventKind::Name,                                       \
   Lane::lane,                                            \
   str,                                                   \
   {{{ArgType::t0, n0}, {ArgType::t1, n1}, {ArgType::t2, n2}}}},
    AS_TRACE_EVENT_KINDS(AS_X_INFO)
#undef AS_X_INFO
}};

inline constexpr const EventKindInfo& info(EventKind k) { return kEventKinds[static_cast<size_t>(k)]; }

// Compile-time checks of the table.
namespace detail {
constexpr bool kinds_are_dense() {
  for (size_t i = 0; i < kEventKinds.size(); ++i)
    if (static_cast<size_t>(kEventKinds[i].kind) != i) return false;
  return true;
}
constexpr bool names_are_unique() {
  for (size_t i = 0; i < kEventKinds.size(); ++i)
    for (size_t j = i + 1; j < kEventKinds.size(); ++j)
      if (kEventKinds[i].name == kEventKinds[j].name) return false;
  return true;
}
constexpr bool args_are_packed_and_named() {
  for (const auto& k : kEventKinds) {
    bool seen_none = false;
    for (const auto& a : k.args) {
      if (a.type == ArgType::None) {
        seen_none = true;
        if (!a.name.empty()) return false;
      } else if (seen_none || a.name.empty()) {
        return false;  // args must be leading slots, each named
      }
    }
  }
  return true;
}
constexpr bool names_are_dotted_lowercase() {
  for (const auto& k : kEventKinds) {
    if (k.name.empty()) return false;
    for (char c : k.name)
      if (!((c >= 'a' && c <= 'z') || c == '.' || c == '_')) return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::kinds_are_dense(), "event kinds must be dense");
static_assert(detail::names_are_unique(), "event kind names must be unique");
static_assert(detail::args_are_packed_and_named(), "event args must be leading, named slots");
static_assert(detail::names_are_dotted_lowercase(), "event names are lowercase.dotted");
static_assert(kEventKindCount < 256, "kind must fit the .astrace encoding");

}  // namespace as::trace
