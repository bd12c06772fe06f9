// tests/future/poll_boundary_test.cpp — what the trace says at the boundary between two polls,
// where the executor saves clock reads and packs events (a PollEnd carrying the next task's
// PollBegin, a channel send carrying the TaskUnblock of the receiver it wakes):
//   - every worker's poll spans are well formed: PollBegin and PollEnd alternate and name the same
//     task; on real threads a worker's back-to-back polls share their boundary's instant (one
//     clock read), on both executors;
//   - a send that wakes its receiver is followed at once by that TaskUnblock, same time, same lane;
//   - a poll that begins at its boundary's instant and first receives a value has that receive
//     at the same instant, right after its PollBegin (the three are one record);
//   - no poll begins before the wake that made it runnable — also when that wake came from a
//     thread outside the workers (the inject queue; its PollBegin reads the clock);
//   - a receive re-polled first thing in its task's poll takes PollBegin's time, but not when a
//     hand-written future ran user code before it (it reads the clock);
//   - a fired timer's TimerFire is followed at once by its task's wake (same instant, same lane);
//   - a wake whose cause read its time before the task's latest PollBegin is stamped after it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;
using as::trace::Event;
using as::trace::EventKind;
using as::trace::Reason;

namespace {

bool is_pending_end(const Event& ev) {
  return ev.kind == EventKind::PollEnd &&
         ev.args[0] == static_cast<uint64_t>(as::trace::PollResult::Pending);
}

// check_spans walks each writer's events: per worker, spans alternate and match; returns how
// many back-to-back boundaries (a Pending PollEnd, then at once the next PollBegin) were one
// instant (one clock read for both). `received_at_begin`: how many of those were followed at
// once by the new poll's receive, at that instant too (PollEnd, PollBegin, ChanRecv: one record).
size_t check_spans(const std::vector<std::vector<Event>>& per_buffer,
                   size_t* received_at_begin = nullptr) {
  size_t shared_instant = 0;
  for (const auto& events : per_buffer) {
    std::map<as::trace::WorkerId, as::trace::TaskId> open;  // worker -> task in its poll
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& ev = events[i];
      if (i > 0) REQUIRE(events[i - 1].ts <= ev.ts);
      if (ev.kind == EventKind::PollBegin) {
        REQUIRE(open.count(ev.worker) == 0);  // no poll begins inside another on one worker
        open[ev.worker] = ev.task;
        if (i > 0 && is_pending_end(events[i - 1]) && events[i - 1].worker == ev.worker) {
          if (events[i - 1].ts == ev.ts) {
            ++shared_instant;
            if (received_at_begin && i + 1 < events.size()) {
              const Event& recv = events[i + 1];
              if (recv.kind == EventKind::ChanRecv && recv.task == ev.task && recv.ts == ev.ts &&
                  recv.worker == ev.worker) {
                CHECK(recv.args[0] != 0);  // the channel
                CHECK(recv.args[2] == 1);  // a value taken
                ++*received_at_begin;
              }
            }
          }
        }
      } else if (ev.kind == EventKind::PollEnd) {
        REQUIRE(open.count(ev.worker) == 1);
        CHECK(open[ev.worker] == ev.task);
        open.erase(ev.worker);
      } else if (ev.kind == EventKind::TaskUnblock && ev.args[0] != 0 &&
                 static_cast<Reason>(ev.args[2]) == Reason::ChanSend) {
        // Sent by a task (a send outside any task is not traced): that send just before, at the
        // same time and on the same lane.
        REQUIRE(i > 0);
        CHECK(events[i - 1].kind == EventKind::ChanSend);
        CHECK(events[i - 1].ts == ev.ts);
        CHECK(events[i - 1].task == ev.args[0]);
      }
    }
    CHECK(open.empty());  // every span closed
  }
  return shared_instant;
}

// check_no_poll_before_wake: across all writers, a task's PollBegin never precedes (in time) the
// event that made it runnable — its creation, a TaskUnblock, or its own Pending PollEnd when it
// was re-queued at once (woken while running: reason 0).
void check_no_poll_before_wake(std::vector<Event> events) {
  auto rank = [](const Event& ev) {
    return ev.kind == EventKind::TaskCreate || ev.kind == EventKind::TaskUnblock ? 0 : 1;
  };
  // Same instant: a cause written by another thread may sort after the PollBegin; equal time is
  // allowed, so causes go first within one instant (stable: each writer's order is kept).
  std::stable_sort(events.begin(), events.end(), [&](const Event& a, const Event& b) {
    return a.ts != b.ts ? a.ts < b.ts : rank(a) < rank(b);
  });
  std::map<as::trace::TaskId, bool> runnable;
  size_t begins = 0;
  for (const Event& ev : events) {
    switch (ev.kind) {
      case EventKind::TaskCreate:
      case EventKind::TaskUnblock:
        runnable[ev.task] = true;
        break;
      case EventKind::PollEnd:
        if (is_pending_end(ev) && ev.args[1] == 0) runnable[ev.task] = true;  // re-queued
        break;
      case EventKind::PollBegin:
        ++begins;
        CHECK(runnable[ev.task]);
        runnable[ev.task] = false;
        break;
      default:
        break;
    }
  }
  CHECK(begins > 0);
}

void check_pingpong(const Env& e) {
  as::trace::Recorder rec;
  body_pingpong(e, &rec);
  as::trace::Recorder::Cursor cursor;
  std::vector<std::vector<Event>> per_buffer;
  rec.poll_buffers(cursor, per_buffer);
  size_t received_at_begin = 0;
  const size_t shared_instant = check_spans(per_buffer, &received_at_begin);
  // Real threads, one worker polling both tasks in turn: nearly every boundary between two polls
  // is one instant (not those where the worker first checked its drivers: time passed there) —
  // on the work-stealing executor too (its LIFO slot and local queue). Each such poll of the
  // pingpong begins with the receive it was woken for, at that instant too.
  const bool one_worker =
      e.cfg.flavor == RuntimeConfig::Flavor::CurrentThread || e.cfg.worker_count() == 1;
  if (e.real && one_worker) {
    CHECK(shared_instant >= 1000);
    CHECK(received_at_begin >= 1000);
  }
  check_no_poll_before_wake(rec.collect());
}

}  // namespace

TEST_CASE("poll boundaries: sim", "[future][trace]") {
  for (const Env& e : envs(false)) {
    SECTION(e.name) {
      check_pingpong(e);
    }
  }
}

TEST_CASE("poll boundaries: os", "[future][trace][os]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      check_pingpong(e);
    }
  }
}

TEST_CASE("a poll woken from a thread outside the workers does not begin before its wake",
          "[future][trace][os]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      as::trace::Recorder rec;
      constexpr int kValues = 200;
      // A blocking-pool thread (not an executor worker) sends; its wakes go through the inject
      // queue, so the receiver's PollBegin must read the clock rather than take a carried time.
      auto root = []() -> Task<long> {
        auto [tx, rx] = mpsc::unbounded_channel<int>();
        auto sender = spawn_blocking([tx = std::move(tx)]() mutable {
          for (int i = 1; i <= kValues; ++i) {
            (void)tx.send_now(i);
            if (i % 8 == 0) std::this_thread::sleep_for(std::chrono::microseconds(20));
          }
          auto close = std::move(tx);
        });
        // A task that yields all along keeps the workers polling back to back, so the wakes
        // arrive between two polls (where a carried PollEnd time would be too early).
        auto done = std::make_shared<std::atomic<bool>>(false);
        auto spinner = spawn([](std::shared_ptr<std::atomic<bool>> stop) -> Task<int> {
          int turns = 0;
          while (!stop->load()) {
            co_await yield_now();
            ++turns;
          }
          co_return turns;
        }(done));
        long sum = 0;
        while (auto v = co_await rx.recv()) sum += *v;
        done->store(true);
        (void)co_await sender;
        (void)co_await spinner;
        co_return sum;
      };
      CHECK(run_root(e, root, &rec) == static_cast<long>(kValues) * (kValues + 1) / 2);
      as::trace::Recorder::Cursor cursor;
      std::vector<std::vector<Event>> per_buffer;
      rec.poll_buffers(cursor, per_buffer);
      (void)check_spans(per_buffer);
      check_no_poll_before_wake(rec.collect());
    }
  }
}

namespace {

// ParkOnce is a hand-written future: Pending once (its waker handed out, `parked` set), then Ready.
struct ParkOnce {
  std::shared_ptr<std::pair<std::mutex, std::optional<Waker>>> slot;
  std::shared_ptr<std::atomic<bool>> parked;
  bool first = true;
  Poll<int> poll(Context& cx) {
    if (!first) return 1;
    first = false;
    {
      std::lock_guard<std::mutex> lk(slot->first);
      slot->second = cx.waker();
    }
    parked->store(true);
    return pending;
  }
};

}  // namespace

// A wake's cause may have read its time before the task's latest poll began (a send stamped, then
// the receiver polled and parked, then the send took its waker; or a second wake source woke it in
// between): the wake that makes it runnable again must still come after that PollBegin. Here a
// thread outside the runtime wakes with a cause time taken before the task even existed.
TEST_CASE("a wake whose cause time precedes the task's last poll is stamped after that poll",
          "[future][trace][os]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      as::trace::Recorder rec;
      auto slot = std::make_shared<std::pair<std::mutex, std::optional<Waker>>>();
      auto parked = std::make_shared<std::atomic<bool>>(false);
      const int64_t early = rec.now();  // before the task's first PollBegin
      // A blocking-pool thread (outside the workers; one the runtime knows is still busy) wakes.
      auto root = [slot, parked, early]() -> Task<int> {
        JoinHandle<int> task = spawn(ParkOnce{slot, parked});
        JoinHandle<Unit> waker = spawn_blocking([slot, parked, early] {
          while (!parked->load()) std::this_thread::yield();
          std::optional<Waker> w;
          {
            std::lock_guard<std::mutex> lk(slot->first);
            w = std::move(slot->second);
          }
          // The task is idle once its poll ended; give its worker time to get there.
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          WakeReasonScope why(Reason::ChanSend, early);
          w->wake();
          return Unit{};
        });
        (void)co_await waker;
        co_return (co_await task).value();
      };
      CHECK(run_root(e, root, &rec) == 1);
      std::vector<Event> events = rec.collect();
      size_t unblocks = 0;
      for (const Event& ev : events)
        if (ev.kind == EventKind::TaskUnblock && ev.task == 2) {
          ++unblocks;
          CHECK(ev.ts > early);
        }
      CHECK(unblocks == 1);
      check_no_poll_before_wake(std::move(events));
    }
  }
}

namespace {

// BusyThenPoll is a hand-written future that works for a while (user code) before it polls the
// Task it wraps: that Task's leaf is not re-polled "right after PollBegin", so its receive must
// read the clock rather than take PollBegin's time.
struct BusyThenPoll {
  Task<int> inner;
  Poll<int> poll(Context& cx) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(300);
    while (std::chrono::steady_clock::now() < until) {
    }
    return inner.poll(cx);
  }
};

Task<int> receive_one(mpsc::Receiver<int> rx) {
  co_return (co_await rx.recv()).value_or(-1);
}

}  // namespace

TEST_CASE("a receive re-polled first takes PollBegin's time, unless user code ran before it",
          "[future][trace][os]") {
  Env e{true, RuntimeConfig::current_thread(), "os/current"};
  for (const bool wrapped : {false, true}) {
    SECTION(wrapped ? "inside a hand-written future" : "a Task's own leaf") {
      as::trace::Recorder rec;
      auto root = [wrapped]() -> Task<int> {
        auto [tx, rx] = mpsc::channel<int>(1);
        auto h = wrapped ? spawn(BusyThenPoll{receive_one(std::move(rx))})
                         : spawn(receive_one(std::move(rx)));
        co_await yield_now();  // the receiver polls first and parks
        (void)co_await tx.send(7);
        co_return (co_await h).value();
      };
      CHECK(run_root(e, root, &rec) == 7);
      // The receiver's last poll: its PollBegin, then (same task) its ChanRecv.
      std::vector<Event> events = rec.collect();
      const as::trace::TaskId receiver = 2;  // main is 1
      int64_t begin = -1, recv = -1;
      for (const Event& ev : events) {
        if (ev.task != receiver) continue;
        if (ev.kind == EventKind::PollBegin) begin = ev.ts;
        if (ev.kind == EventKind::ChanRecv) recv = ev.ts;
      }
      REQUIRE(begin >= 0);
      REQUIRE(recv >= begin);
      if (wrapped) {
        CHECK(recv - begin >= 250'000);  // the busy user code is between them
      } else {
        CHECK(recv == begin);  // nothing but the executor ran: PollBegin's time, no clock read
      }
    }
  }
}

namespace {

// check_timers: every armed timer fired exactly once (none is cancelled here), its task's wake
// follows its fire, and (real threads) a fire is written with its wake: the TaskUnblock(Sleep)
// right after its TimerFire in the writer's buffer, same instant, naming the task that armed it.
// (Fails with the fires traced all first and the wakes after.)
void check_timers(const Env& e, const as::trace::Recorder& rec, size_t expected) {
  std::vector<Event> events = rec.collect();
  std::map<uint64_t, as::trace::TaskId> armed_by;  // timer id -> task
  std::map<uint64_t, int> fires;
  for (const Event& ev : events) {
    if (ev.kind == EventKind::TimerArm) armed_by[ev.args[0]] = ev.task;
    if (ev.kind == EventKind::TimerFire) ++fires[ev.args[0]];
    CHECK(ev.kind != EventKind::TimerCancel);
  }
  // A sleep first polled after its deadline (a slow machine) is Ready without a timer.
  CHECK(armed_by.size() <= expected);
  CHECK(armed_by.size() >= expected / 2);
  CHECK(fires.size() == armed_by.size());
  for (const auto& [id, n] : fires) {
    CHECK(n == 1);
    CHECK(armed_by.count(id) == 1);
  }
  if (!e.real) return;
  as::trace::Recorder::Cursor cursor;
  std::vector<std::vector<Event>> per_buffer;
  rec.poll_buffers(cursor, per_buffer);
  size_t fired = 0, unblocked = 0;
  for (const auto& buf : per_buffer) {
    for (size_t i = 0; i < buf.size(); ++i) {
      if (buf[i].kind != EventKind::TimerFire) continue;
      ++fired;
      // Its wake: a TaskUnblock(Sleep) of the task that armed it — or, if that task was still in
      // the poll that armed it (another worker fired it overdue), a WakerWake.
      REQUIRE(i + 1 < buf.size());
      const Event& wake = buf[i + 1];
      CHECK(wake.ts == buf[i].ts);
      CHECK(wake.task == armed_by[buf[i].args[0]]);
      if (wake.kind == EventKind::TaskUnblock) {
        CHECK(static_cast<Reason>(wake.args[2]) == Reason::Sleep);
        ++unblocked;
      } else {
        CHECK(wake.kind == EventKind::WakerWake);
      }
    }
  }
  CHECK(fired == armed_by.size());
  CHECK(unblocked > 0);
}

}  // namespace

TEST_CASE("each fired timer wakes its task right after its TimerFire", "[future][trace][os]") {
  for (bool real : {false, true}) {
    for (const Env& e : envs(real)) {
      SECTION(e.name) {
        as::trace::Recorder rec;
        constexpr int kTasks = 300;
        constexpr int kSleeps = 3;
        auto root = []() -> Task<int> {
          std::vector<JoinHandle<int>> hs;
          for (int i = 0; i < kTasks; ++i)
            hs.push_back(spawn([]() -> Task<int> {
              for (int k = 0; k < kSleeps; ++k) co_await sleep(std::chrono::milliseconds(1));
              co_return 1;
            }()));
          int n = 0;
          for (auto& h : hs) n += (co_await h).value();
          co_return n;
        };
        CHECK(run_root(e, root, &rec) == kTasks);
        check_timers(e, rec, static_cast<size_t>(kTasks) * kSleeps);
        as::trace::Recorder::Cursor cursor;
        std::vector<std::vector<Event>> per_buffer;
        rec.poll_buffers(cursor, per_buffer);
        (void)check_spans(per_buffer);
        check_no_poll_before_wake(rec.collect());
      }
    }
  }
}
