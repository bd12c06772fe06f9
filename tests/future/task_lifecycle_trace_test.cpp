// tests/future/task_lifecycle_trace_test.cpp — the events of a task's birth and death, where the
// executor packs events into one record (trace::FollowOn; readers see ordinary events):
//   - a spawn writes the spawned coroutine's FrameAlloc (on the spawning task's lane) right before
//     the TaskCreate, at the same instant (one clock read for both);
//   - a FrameAlloc held back until its frame's first use is never lost and never leaves the poll
//     that allocated the frame; a frame awaited later has its FrameAlloc before the child's events;
//     every frame's bytes are freed again (FrameAlloc total == FrameFree total);
//   - a completion's FrameFree, TaskStop and TaskDestroy follow each other at once (same task and
//     lane; on real threads the same instant: one record);
//   - current-thread shutdown cancels the owned tasks of both lists (the worker's own and the
//     shared one a blocking-pool thread spawns onto), and live_tasks() counts both;
//   - on the work-stealing executor, tasks completed by another worker than their spawner are
//     not live any more, and shutdown cancels the tasks left on every worker's list.
// On the simulation and on real threads, every executor.
#include <map>
#include <memory>
#include <vector>

#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;
using as::trace::Event;
using as::trace::EventKind;

namespace {

Task<int> leaf(int i) {
  co_return i & 1;
}

// A child that sends on a channel: its ChanSend must come after its frame's FrameAlloc.
Task<int> sending_child(mpsc::Sender<int> tx) {
  (void)co_await tx.send(7);
  co_return 1;
}

Task<int> lifecycle_root() {
  constexpr int kLeaves = 50;
  std::vector<JoinHandle<int>> hs;
  for (int i = 0; i < kLeaves; ++i) hs.push_back(spawn(leaf(i)));
  // Created and dropped unused: its FrameAlloc still precedes its FrameFree.
  { Task<int> unused = leaf(3); }
  // Awaited at once: its FrameAlloc is written before the child runs (and sends).
  auto [tx, rx] = mpsc::channel<int>(4);
  int sum = co_await sending_child(std::move(tx));
  for (auto& h : hs) sum += (co_await h).value();
  // Allocated in this poll, spawned in a later one: written before this poll's PollEnd.
  Task<int> spawned_late = leaf(1);
  co_await sleep(std::chrono::milliseconds(1));
  sum += (co_await spawn(std::move(spawned_late))).value();
  sum += *(co_await rx.recv());
  co_return sum;
}

void check_lifecycle(const Env& e) {
  as::trace::Recorder rec;
  CHECK(run_root(e, lifecycle_root, &rec) == 25 + 1 + 1 + 7);
  as::trace::Recorder::Cursor cursor;
  std::vector<std::vector<Event>> per_buffer;
  rec.poll_buffers(cursor, per_buffer);
  uint64_t alloc_bytes = 0, free_bytes = 0, root_free = 0;
  size_t creates_from_tasks = 0, paired = 0, stops = 0, sends = 0;
  as::trace::TaskId root = 0;
  for (const auto& events : per_buffer) {
    std::map<as::trace::WorkerId, as::trace::TaskId> open;  // worker -> task in its poll
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& ev = events[i];
      switch (ev.kind) {
        case EventKind::PollBegin:
          open[ev.worker] = ev.task;
          break;
        case EventKind::PollEnd:
          open.erase(ev.worker);
          break;
        case EventKind::TaskCreate:
          if (ev.args[0] == 0) {  // the root, spawned outside any task: its frame is not traced
            root = ev.task;
            break;
          }
          ++creates_from_tasks;
          // A task spawned right after its coroutine was created: the frame's FrameAlloc comes
          // just before the TaskCreate, same time (spawned_late's was written in an earlier poll).
          if (i > 0 && events[i - 1].kind == EventKind::FrameAlloc && events[i - 1].ts == ev.ts) {
            ++paired;
            CHECK(events[i - 1].task == ev.args[0]);  // on the spawning task's lane
            CHECK(events[i - 1].worker == ev.worker);
            CHECK(events[i - 1].args[0] > 0);
            CHECK(events[i - 1].args[0] < ev.args[2]);  // the frame is part of the task's bytes
          }
          break;
        case EventKind::FrameAlloc:
          alloc_bytes += ev.args[0];
          // Inside a poll of the task that allocated it, on this worker.
          REQUIRE(open.count(ev.worker) == 1);
          CHECK(open[ev.worker] == ev.task);
          break;
        case EventKind::FrameFree:
          free_bytes += ev.args[0];
          if (ev.task == root) root_free = ev.args[0];  // the last one is the root's own frame
          break;
        case EventKind::ChanSend:
          // sending_child's send: right after its frame's FrameAlloc (written at the await).
          ++sends;
          REQUIRE(i > 0);
          CHECK(events[i - 1].kind == EventKind::FrameAlloc);
          CHECK(events[i - 1].task == ev.task);
          break;
        case EventKind::TaskStop:
          if (static_cast<as::trace::Reason>(ev.args[0]) != as::trace::Reason::Done) break;
          ++stops;
          // Every task here is a coroutine: its frame is freed right before it stops.
          REQUIRE(i > 0);
          CHECK(events[i - 1].kind == EventKind::FrameFree);
          CHECK(events[i - 1].task == ev.task);
          CHECK(events[i - 1].worker == ev.worker);
          if (e.real) CHECK(events[i - 1].ts == ev.ts);  // one record on real threads
          REQUIRE(i + 1 < events.size());
          CHECK(events[i + 1].kind == EventKind::TaskDestroy);
          CHECK(events[i + 1].task == ev.task);
          CHECK(events[i + 1].worker == ev.worker);
          CHECK(events[i + 1].ts == ev.ts);
          CHECK(events[i + 1].args[0] == ev.args[0]);
          break;
        default:
          break;
      }
    }
  }
  CHECK(creates_from_tasks == 51);
  CHECK(paired == 50);
  CHECK(sends == 1);
  CHECK(stops == 52);  // the 51 spawned tasks and the root
  CHECK(alloc_bytes > 0);
  CHECK(root_free > 0);
  CHECK(alloc_bytes + root_free == free_bytes);  // every traced frame freed, nothing lost
}

}  // namespace

TEST_CASE("task lifecycle events: sim", "[future][trace]") {
  for (const Env& e : envs(false)) {
    SECTION(e.name) {
      check_lifecycle(e);
    }
  }
}

TEST_CASE("task lifecycle events: os", "[future][trace][os]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      check_lifecycle(e);
    }
  }
}

namespace {

// A task that waits forever on `never` and owns a Tracked (destroyed when it is cancelled).
Task<int> parked_forever(std::shared_ptr<Notify> never, Tracked held) {
  co_await never->notified();
  co_return held.value;
}

}  // namespace

// Owned tasks on both of the current-thread executor's lists — spawned by the worker's polls
// (its own list) and by a blocking-pool thread (the shared list) — are counted by live_tasks()
// and all cancelled at shutdown.
TEST_CASE("current-thread shutdown cancels the tasks of both owned lists", "[future][os]") {
  for (bool real : {false, true}) {
    Env e{real, RuntimeConfig::current_thread(), real ? "os/current" : "sim/current"};
    SECTION(e.name) {
      Tracked::reset();
      auto root = []() -> Task<size_t> {
        auto never = std::make_shared<Notify>();
        for (int i = 0; i < 3; ++i) (void)spawn(parked_forever(never, Tracked(i)));
        Scheduler* s = current_scheduler();
        auto b = spawn_blocking([s, never] {
          // Not the worker: this task goes on the shared list.
          auto h = s->spawn(parked_forever(never, Tracked(9)));
          return h.id();
        });
        const as::trace::TaskId from_pool = (co_await b).value();
        CHECK(from_pool != 0);
        co_await yield_now();  // the parked tasks reach their await
        co_return current_scheduler()->live_tasks();
      };
      // The root, three worker-spawned tasks, the one the pool spawned (the blocking task ended).
      CHECK(run_root(e, root) == 5);
      CHECK(Tracked::live == 0);  // every parked task was cancelled and its future dropped
    }
  }
}

namespace {

// A task that spawns one parked task (onto the list of the worker it runs on) and a child it
// joins, yielding in between so that idle workers steal it and its child.
Task<int> spawner(std::shared_ptr<Notify> never, int i) {
  (void)spawn(parked_forever(never, Tracked(i)));
  co_await yield_now();
  auto child = spawn(leaf(i));
  co_await yield_now();
  co_return (co_await child).value();
}

}  // namespace

// On the work-stealing executor every worker keeps the tasks its polls spawn on its own owned
// list, and a task another worker completes is left on its spawner's list until the spawner
// unlinks it (Scheduler::drain_remote_completed). live_tasks() must count such a task as done at
// once, and shutdown must cancel exactly the tasks still alive, on every worker's list.
TEST_CASE("multi-thread: tasks completed away from their spawner, shutdown cancels every list",
          "[future][os]") {
  constexpr int kSpawners = 200;
  for (bool real : {false, true}) {
    for (int workers : {2, 4}) {
      Env e{real, RuntimeConfig::multi_thread(workers),
            std::string(real ? "os/multi" : "sim/multi") + std::to_string(workers)};
      SECTION(e.name) {
        Tracked::reset();
        as::trace::Recorder rec;
        auto root = []() -> Task<size_t> {
          auto never = std::make_shared<Notify>();
          std::vector<JoinHandle<int>> hs;
          for (int i = 0; i < kSpawners; ++i) hs.push_back(spawn(spawner(never, i)));
          int sum = 0;
          for (auto& h : hs) sum += (co_await h).value();
          CHECK(sum == kSpawners / 2);
          co_return current_scheduler()->live_tasks();
        };
        // The root and the parked tasks: every spawner and child completed, wherever it ran.
        CHECK(run_root(e, root, &rec) == 1 + kSpawners);
        CHECK(Tracked::live == 0);  // every parked task was cancelled and its future dropped
        // Which worker spawned each task, and which completed it (TaskStop of a finished task).
        as::trace::Recorder::Cursor cursor;
        std::vector<std::vector<Event>> per_buffer;
        rec.poll_buffers(cursor, per_buffer);
        std::map<as::trace::TaskId, as::trace::WorkerId> spawned_on;
        std::vector<std::pair<as::trace::TaskId, as::trace::WorkerId>> done_on;
        for (const auto& events : per_buffer) {
          for (const Event& ev : events) {
            if (ev.kind == EventKind::TaskCreate && ev.args[0] != 0)
              spawned_on[ev.task] = ev.worker;
            if (ev.kind == EventKind::TaskStop &&
                ev.args[0] == static_cast<uint64_t>(as::trace::Reason::Done))
              done_on.emplace_back(ev.task, ev.worker);
          }
        }
        size_t away = 0;
        for (auto [task, worker] : done_on)
          if (spawned_on.count(task) && spawned_on[task] != worker) ++away;
        // The simulation steals at once: some tasks surely complete away from their spawner
        // (real threads may happen to run every task where it was spawned).
        if (!real) CHECK(away > 0);
      }
    }
  }
}
