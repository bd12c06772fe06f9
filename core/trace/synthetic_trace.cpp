// core/trace/synthetic_trace.cpp — see synthetic_trace.hpp. Task states are tracked so that the
// trace obeys the same rules a runtime's does: a task runs on one worker at a time, only blocked
// tasks are unblocked, every Unblock names the running task that caused it.
#include "core/trace/synthetic_trace.hpp"

#include <string>
#include <vector>

namespace as::trace {

namespace {
// splitmix64: small, fast, good enough for a synthetic workload.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
};
enum class State { Runnable, Running, Blocked };
}  // namespace

void emit_synthetic_trace(Recorder& rec, const SyntheticOptions& o) {
  Rng rng{o.seed};
  const int workers = o.workers < 1 ? 1 : o.workers;
  const int ntasks = o.tasks < 2 ? 2 : o.tasks;
  rec.meta().runtime = "synthetic (" + std::to_string(workers) + " workers)";
  rec.meta().model = ModelKind::Goroutine;
  rec.meta().seed = o.seed;
  rec.meta().workers = static_cast<uint32_t>(workers);
  rec.meta().simulated = true;

  int64_t t = 1000;
  size_t emitted = 0;
  const auto emit = [&](EventKind k, WorkerId w, TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
                        uint64_t a2 = 0, StringId loc = 0) {
    t += 1 + static_cast<int64_t>(rng.below(50));
    rec.emit_at(t, k, w, task, a0, a1, a2, loc);
    ++emitted;
  };

  const StringId loc_send = rec.intern("lessons/pingpong.cpp:42 ping");
  const StringId loc_recv = rec.intern("lessons/pingpong.cpp:57 pong");
  emit(EventKind::RuntimeStart, kNoWorker, 0, 0, static_cast<uint64_t>(workers), o.seed);
  for (int w = 0; w < workers; ++w)
    emit(EventKind::WorkerStart, static_cast<WorkerId>(w), 0, rec.intern("P" + std::to_string(w)),
         static_cast<uint64_t>(w));
  std::vector<State> state(static_cast<size_t>(ntasks) + 1, State::Runnable);
  for (int i = 1; i <= ntasks; ++i)
    emit(EventKind::TaskCreate, 0, static_cast<TaskId>(i), i == 1 ? 0 : 1,
         rec.intern("task-" + std::to_string(i)), 8192);
  const StringId chan_name = rec.intern("jobs");
  emit(EventKind::ChanMake, 0, 1, 7, 0, chan_name);

  std::vector<TaskId> running(static_cast<size_t>(workers), 0);
  while (emitted < o.events) {
    const auto w = static_cast<WorkerId>(rng.below(static_cast<uint64_t>(workers)));
    TaskId& cur = running[w];
    if (cur == 0) {
      // Pick a runnable task, else idle.
      const auto start = static_cast<TaskId>(1 + rng.below(static_cast<uint64_t>(ntasks)));
      TaskId pick = 0;
      for (int k = 0; k < ntasks && pick == 0; ++k) {
        const TaskId c = static_cast<TaskId>((start - 1 + static_cast<TaskId>(k)) % ntasks + 1);
        if (state[c] == State::Runnable) pick = c;
      }
      if (pick == 0) {
        // Nothing to run: wake a blocked task from the "timer" so the workload keeps going.
        const auto b = static_cast<TaskId>(1 + rng.below(static_cast<uint64_t>(ntasks)));
        if (state[b] == State::Blocked) {
          emit(EventKind::TimerFire, w, 0, b);
          emit(EventKind::TaskUnblock, w, b, 0, w, static_cast<uint64_t>(Reason::Sleep));
          state[b] = State::Runnable;
        } else {
          emit(EventKind::WorkerIdle, w, 0);
        }
        continue;
      }
      if (rng.below(8) == 0) {
        const auto victim = static_cast<WorkerId>(rng.below(static_cast<uint64_t>(workers)));
        emit(EventKind::Steal, w, 0, victim, w, 1 + rng.below(4));
      }
      emit(EventKind::QueueLength, w, 0, static_cast<uint64_t>(QueueKind::Local), w, rng.below(10));
      emit(EventKind::TaskStart, w, pick);
      state[pick] = State::Running;
      cur = pick;
      continue;
    }
    switch (rng.below(6)) {
      case 0: {  // send: unblock a blocked receiver if any
        emit(EventKind::ChanSend, w, cur, 7, rng.below(3), 0, loc_send);
        const auto b = static_cast<TaskId>(1 + rng.below(static_cast<uint64_t>(ntasks)));
        if (state[b] == State::Blocked)
          emit(EventKind::TaskUnblock, w, b, cur, w, static_cast<uint64_t>(Reason::ChanRecv));
        if (state[b] == State::Blocked) state[b] = State::Runnable;
        break;
      }
      case 1:  // block on receive
        emit(EventKind::TaskBlock, w, cur, static_cast<uint64_t>(Reason::ChanRecv), 7, chan_name,
             loc_recv);
        state[cur] = State::Blocked;
        cur = 0;
        break;
      case 2:  // yield
        emit(EventKind::TaskStop, w, cur, static_cast<uint64_t>(Reason::Yield));
        state[cur] = State::Runnable;
        cur = 0;
        break;
      case 3:
        emit(EventKind::StackSample, w, cur, 1024 + rng.below(4096), 8192, 1 << 20);
        break;
      case 4:
        emit(EventKind::StackBytes, kNoWorker, 0, 8192u * static_cast<uint64_t>(ntasks),
             4096u * static_cast<uint64_t>(ntasks), static_cast<uint64_t>(ntasks));
        break;
      default:
        emit(EventKind::WakerWake, w,
             static_cast<TaskId>(1 + rng.below(static_cast<uint64_t>(ntasks))), cur, w, 0);
        break;
    }
  }
  for (int w = 0; w < workers; ++w) {
    if (running[w] != 0)
      emit(EventKind::TaskStop, static_cast<WorkerId>(w), running[w],
           static_cast<uint64_t>(Reason::Done));
    emit(EventKind::WorkerStop, static_cast<WorkerId>(w), 0);
  }
  emit(EventKind::RuntimeStop, kNoWorker, 0, 0);
}

}  // namespace as::trace
