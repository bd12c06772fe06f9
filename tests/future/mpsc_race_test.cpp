// tests/future/mpsc_race_test.cpp — the races of the mpsc channel whose receiver takes without a
// lock (sync/mpsc.hpp, sync/block_queue.hpp), on real OS threads with 2 and 4 workers, many
// rounds (the suite runs under TSan too):
//   - several producers on a tiny bounded channel: back-pressure engages all the time (the
//     "senders waiting" bit raced against the receiver's release), each producer's values arrive
//     in order, none lost or duplicated, never more than `capacity` ahead of the receiver;
//   - sends cancelled by a timeout while they wait (the receiver pauses now and then; a notified
//     sender that is dropped passes its turn on): the producer sends the value again, and every
//     value still arrives exactly once;
//   - the receiver parking while OS threads (not workers) publish: no lost wakeup;
//   - the trace: a receive is never stamped before the send it takes (in time order, the
//     receives so far never outnumber the sends so far).
#include <atomic>
#include <thread>

#include "core/trace/trace_data.hpp"
#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;

namespace {

std::vector<Env> race_envs() {
  std::vector<Env> v;
  for (int n : {2, 4})
    v.push_back({true, RuntimeConfig::multi_thread(n), "os/multi" + std::to_string(n)});
  return v;
}

constexpr int kRounds = 12;
std::atomic<int> sends_cancelled{0};  // waiting sends dropped by their timeout, all rounds

// Producers p = 0..kProducers-1 send p * kEach + i, i = 0..kEach-1; `cancelling` producers wrap
// each send in a short timeout and send again after an Elapsed. The receiver alternates recv,
// recv_many and try_recv and counts order violations and wrong totals.
Task<int> producers_and_receiver(bool cancelling) {
  constexpr int kProducers = 3;
  constexpr int kEach = 600;
  constexpr size_t kCap = 2;
  auto [tx, rx] = mpsc::channel<int>(kCap);
  auto sent = std::make_shared<std::atomic<int>>(0);
  std::vector<JoinHandle<int>> hs;
  for (int p = 0; p < kProducers; ++p) {
    hs.push_back(spawn([](mpsc::Sender<int> s, int base, bool cancel,
                          std::shared_ptr<std::atomic<int>> n) -> Task<int> {
      int elapsed = 0;
      for (int i = 0; i < kEach; ++i) {
        if (cancel) {
          for (;;) {
            auto r = co_await timeout(std::chrono::microseconds(20), s.send(base + i));
            if (r.is_ok()) break;
            ++elapsed;  // the waiting send was dropped: its value with it; send it again
            sends_cancelled.fetch_add(1);
          }
        } else {
          (void)co_await s.send(base + i);
        }
        n->fetch_add(1);
      }
      co_return elapsed;
    }(tx, p * kEach, cancelling && p != 0, sent)));
  }
  { auto drop = std::move(tx); }
  int errors = 0;
  std::vector<int> next(kProducers, 0);
  auto check = [&](int v) {
    const int p = v / kEach;
    if (p < 0 || p >= kProducers || v != p * kEach + next[static_cast<size_t>(p)]++) ++errors;
  };
  std::vector<int> batch;
  int got = 0;
  int next_pause = 150;
  for (int k = 0;; ++k) {
    if (k % 3 == 0) {
      auto v = co_await rx.recv();
      if (!v) break;
      check(*v);
      ++got;
    } else if (k % 3 == 1) {
      const size_t n = co_await rx.recv_many(batch, 4);
      if (n == 0) break;
      for (int v : batch) check(v);
      got += static_cast<int>(n);
      batch.clear();
    } else if (auto v = rx.try_recv()) {
      check(*v);
      ++got;
    }
    // Now and then the receiver dawdles, so that waiting sends reach their timeout.
    if (cancelling && got >= next_pause) {
      next_pause += 150;
      co_await sleep(std::chrono::milliseconds(2));
    }
    // Never more than kCap values queued beyond what we took (+1: a sender counts after its send).
    if (sent->load() - got > static_cast<int>(kCap) + kProducers) ++errors;
  }
  for (auto& h : hs) (void)co_await h;
  co_return errors + (got == kProducers * kEach ? 0 : 1000);
}

}  // namespace

TEST_CASE("os race: bounded mpsc with several producers keeps FIFO, bound and every value",
          "[future][os][mpsc][race]") {
  for (const Env& e : race_envs()) {
    SECTION(e.name) {
      for (int round = 0; round < kRounds; ++round)
        CHECK(run_root(e, [] { return producers_and_receiver(false); }) == 0);
    }
  }
}

TEST_CASE("os race: sends cancelled while waiting lose and duplicate nothing",
          "[future][os][mpsc][race][lostwakeup]") {
  for (const Env& e : race_envs()) {
    SECTION(e.name) {
      sends_cancelled = 0;
      for (int round = 0; round < kRounds; ++round)
        CHECK(run_root(e, [] { return producers_and_receiver(true); }) == 0);
      CHECK(sends_cancelled.load() > 0);  // the race under test did happen
    }
  }
}

TEST_CASE("os race: a parked receiver is woken by OS threads that send",
          "[future][os][mpsc][race]") {
  for (const Env& e : race_envs()) {
    SECTION(e.name) {
      for (int round = 0; round < kRounds; ++round) {
        const int bad = run_root(e, [] {
          return []() -> Task<int> {
            constexpr int kThreads = 2;
            constexpr int kEach = 500;
            auto [tx, rx] = mpsc::unbounded_channel<int>();
            // spawn_blocking threads are OS threads outside the workers (and the runtime knows
            // work is pending while they run).
            std::vector<JoinHandle<Unit>> jobs;
            for (int t = 0; t < kThreads; ++t) {
              jobs.push_back(spawn_blocking([s = tx, t]() mutable {
                for (int i = 0; i < kEach; ++i) {
                  (void)s.send_now(t * kEach + i);
                  if (i % 64 == 0) std::this_thread::yield();  // let the receiver park at times
                }
                auto drop = std::move(s);
                return Unit{};
              }));
            }
            { auto drop = std::move(tx); }
            std::vector<int> next(kThreads, 0);
            int errors = 0, got = 0;
            while (auto v = co_await rx.recv()) {
              const int t = *v / kEach;
              if (t < 0 || t >= kThreads || *v != t * kEach + next[static_cast<size_t>(t)]++)
                ++errors;
              ++got;
            }
            for (auto& j : jobs) (void)co_await j;
            co_return errors + (got == kThreads * kEach ? 0 : 1000);
          }();
        });
        CHECK(bad == 0);
      }
    }
  }
}

TEST_CASE("os race: no receive is stamped before the send it takes", "[future][os][mpsc][trace]") {
  for (const Env& e : race_envs()) {
    SECTION(e.name) {
      as::trace::Recorder rec;
      const int bad = run_root(
          e,
          [] {
            return []() -> Task<int> {
              constexpr int kN = 3000;
              auto [tx, rx] = mpsc::channel<int>(3);
              auto h = spawn([](mpsc::Sender<int> s) -> Task<Unit> {
                for (int i = 0; i < kN; ++i) (void)co_await s.send(i);
                co_return Unit{};
              }(std::move(tx)));
              int expect = 0, errors = 0;
              while (auto v = co_await rx.recv())
                if (*v != expect++) ++errors;
              (void)co_await h;
              co_return errors + (expect == kN ? 0 : 1000);
            }();
          },
          &rec);
      CHECK(bad == 0);
      const auto td = as::trace::snapshot(rec);
      long sends = 0, recvs = 0, early = 0;
      // Events are sorted by time; at one timestamp count the sends first (a tie is not "before").
      for (size_t i = 0; i < td.events.size();) {
        size_t j = i;
        while (j < td.events.size() && td.events[j].ts == td.events[i].ts) {
          if (td.events[j].kind == as::trace::EventKind::ChanSend) ++sends;
          ++j;
        }
        for (size_t k = i; k < j; ++k)
          if (td.events[k].kind == as::trace::EventKind::ChanRecv && ++recvs > sends) ++early;
        i = j;
      }
      CHECK(sends == 3000);
      CHECK(recvs == 3000);
      CHECK(early == 0);
    }
  }
}
