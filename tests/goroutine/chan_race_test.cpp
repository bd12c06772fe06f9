// tests/goroutine/chan_race_test.cpp — the races of a buffered channel shared between Ps
// (chan.cpp: lock-free ring fast path, waiters and close under the lock).
//
// Each test runs many short rounds so that fast-path operations keep meeting goroutines that are
// parking, being woken, or closing the channel. Every value carries (sender, sequence number), so
// a lost value, a duplicated value or a value out of its sender's order is counted; a lost
// wake-up leaves every goroutine asleep, which the runtime reports as a deadlock (exit code 2)
// instead of hanging. Same bodies on sim and os (the os build also runs under TSan).
#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <vector>

#include "tests/goroutine/helpers.hpp"

namespace go = as::go;
using gotest::run_go;

namespace {

constexpr int kRounds = gotest::kReal ? 120 / gotest::kSpawnScale : 8;

// A tagged value: who sent it and its place in that sender's sequence.
struct Tagged {
  int sender = -1;
  int seq = -1;
};

// Checks one round's deliveries: per sender, the values received are exactly 0..sent-1, each
// once; per receiver, each sender's values arrive in increasing order (a sender's sends are
// sequential, so Go guarantees that order) — except for (unordered_sender, unordered_receiver),
// a sender and a receiver that both select over two channels. Returns the number of violations.
int check_round(const std::vector<int>& sent, const std::vector<std::vector<Tagged>>& received,
                int unordered_sender = -1, int unordered_receiver = -1) {
  int errors = 0;
  std::vector<std::vector<int>> seen(sent.size());
  for (size_t r = 0; r < received.size(); ++r) {
    const auto& list = received[r];
    std::vector<int> last(sent.size(), -1);
    for (const Tagged& t : list) {
      if (t.sender < 0 || static_cast<size_t>(t.sender) >= sent.size()) {
        ++errors;
        continue;
      }
      const auto s = static_cast<size_t>(t.sender);
      const bool ordered =
          t.sender != unordered_sender || static_cast<int>(r) != unordered_receiver;
      if (ordered && t.seq <= last[s]) ++errors;  // out of order for this receiver
      last[s] = t.seq;
      seen[s].push_back(t.seq);
    }
  }
  for (size_t s = 0; s < sent.size(); ++s) {
    std::sort(seen[s].begin(), seen[s].end());
    if (seen[s].size() != static_cast<size_t>(sent[s])) ++errors;
    for (size_t i = 0; i < seen[s].size(); ++i)
      if (seen[s][i] != static_cast<int>(i)) {
        ++errors;
        break;
      }
  }
  return errors;
}

}  // namespace

TEST_CASE("chan race: close racing sends on a ring", "[goroutine][chan][race]") {
  const int procs = GENERATE(1, 2, 4);
  const int cap = GENERATE(1, 3, 64);
  CAPTURE(procs, cap, gotest::platform_name());
  constexpr int kSenders = 4, kReceivers = 3;
  int errors = 0, panics_wrong = 0, closed_early = 0;
  auto e = run_go(procs, [&] {
    for (int round = 0; round < kRounds; ++round) {
      go::Chan<Tagged> c(static_cast<size_t>(cap));
      std::vector<int> sent(kSenders, 0);
      std::vector<std::vector<Tagged>> received(kReceivers);
      go::WaitGroup senders, receivers;
      senders.add(kSenders);
      receivers.add(kReceivers);
      for (int s = 0; s < kSenders; ++s)
        go::spawn("sender", [&, s] {
          try {
            for (int i = 0;; ++i) {
              c.send(Tagged{s, i});
              sent[static_cast<size_t>(s)] = i + 1;
              if (i % 16 == 15) go::yield();
            }
          } catch (const go::Panic& p) {
            if (std::string(p.what()) != "send on closed channel") ++panics_wrong;
          }
          senders.done();
        });
      for (int r = 0; r < kReceivers; ++r)
        go::spawn("receiver", [&, r] {
          for (Tagged t : c) received[static_cast<size_t>(r)].push_back(t);
          // Closed and drained: from now on every receive is the zero value with ok=false.
          auto [v, ok] = c.recv();
          if (ok || v.sender != -1) ++closed_early;
          receivers.done();
        });
      for (int i = 0; i < 1 + round % 5; ++i) go::yield();
      c.close();
      senders.wait();
      receivers.wait();
      errors += check_round(sent, received);
    }
  });
  CHECK(e.code == 0);
  CHECK(errors == 0);
  CHECK(panics_wrong == 0);
  CHECK(closed_early == 0);
}

TEST_CASE("chan race: receivers parking while fast-path senders push", "[goroutine][chan][race]") {
  const int procs = GENERATE(1, 2, 4);
  const int cap = GENERATE(1, 2, 16);
  CAPTURE(procs, cap, gotest::platform_name());
  constexpr int kSenders = 2, kReceivers = 4, kPerSender = 500;
  int errors = 0;
  auto e = run_go(procs, [&] {
    for (int round = 0; round < kRounds; ++round) {
      go::Chan<Tagged> c(static_cast<size_t>(cap));
      std::vector<int> sent(kSenders, kPerSender);
      std::vector<std::vector<Tagged>> received(kReceivers);
      go::WaitGroup senders, receivers;
      senders.add(kSenders);
      receivers.add(kReceivers);
      // Receivers outnumber the senders: the ring is mostly empty, receivers park and are woken
      // (directly, or by a sender's settle when its fast-path push raced with their parking).
      // No close: each receiver takes a fixed share, so a value left in the ring while its
      // receiver sleeps is never rescued by a later operation — it is a deadlock.
      for (int r = 0; r < kReceivers; ++r)
        go::spawn("receiver", [&, r] {
          for (int i = 0; i < kSenders * kPerSender / kReceivers; ++i)
            received[static_cast<size_t>(r)].push_back(c.recv().first);
          receivers.done();
        });
      for (int s = 0; s < kSenders; ++s)
        go::spawn("sender", [&, s] {
          for (int i = 0; i < kPerSender; ++i) {
            c.send(Tagged{s, i});
            if (i % 64 == 63) go::yield();
          }
          senders.done();
        });
      senders.wait();
      receivers.wait();
      errors += check_round(sent, received);
    }
  });
  CHECK(e.code == 0);
  CHECK(e.report.empty());
  CHECK(errors == 0);
}

TEST_CASE("chan race: full ring, parked senders, fast-path receivers", "[goroutine][chan][race]") {
  const int procs = GENERATE(1, 2, 4);
  const int cap = GENERATE(1, 2, 8);
  CAPTURE(procs, cap, gotest::platform_name());
  constexpr int kSenders = 6, kReceivers = 2, kPerSender = 300;
  int errors = 0;
  auto e = run_go(procs, [&] {
    for (int round = 0; round < kRounds; ++round) {
      go::Chan<Tagged> c(static_cast<size_t>(cap));
      std::vector<int> sent(kSenders, kPerSender);
      std::vector<std::vector<Tagged>> received(kReceivers);
      go::WaitGroup senders, receivers;
      senders.add(kSenders);
      receivers.add(kReceivers);
      // Senders outnumber the receivers: the ring is mostly full, senders park, and each receive
      // frees a slot that a parked sender's value must take (in that sender's order).
      for (int s = 0; s < kSenders; ++s)
        go::spawn("sender", [&, s] {
          for (int i = 0; i < kPerSender; ++i) c.send(Tagged{s, i});
          senders.done();
        });
      // No close: a sender left asleep while its slot is free is a deadlock.
      for (int r = 0; r < kReceivers; ++r)
        go::spawn("receiver", [&, r] {
          for (int i = 0; i < kSenders * kPerSender / kReceivers; ++i) {
            received[static_cast<size_t>(r)].push_back(c.recv().first);
            if (i % 128 == 127) go::yield();
          }
          receivers.done();
        });
      senders.wait();
      receivers.wait();
      errors += check_round(sent, received);
    }
  });
  CHECK(e.code == 0);
  CHECK(e.report.empty());
  CHECK(errors == 0);
}

TEST_CASE("chan race: selects over rings with plain senders and receivers",
          "[goroutine][select][race]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  constexpr int kPerSender = 400;
  int errors = 0, defaults_while_ready = 0;
  auto e = run_go(procs, [&] {
    for (int round = 0; round < kRounds / 2; ++round) {
      std::array<go::Chan<Tagged>, 2> c{go::Chan<Tagged>(1), go::Chan<Tagged>(3)};
      // Senders 0 and 1 send on c[0] and c[1]; sender 2 sends through a select on both.
      std::vector<int> sent(3, kPerSender);
      // Receivers 0 and 1 receive from c[0] and c[1]; receiver 2 selects over both.
      std::vector<std::vector<Tagged>> received(3);
      go::WaitGroup senders, receivers;
      senders.add(3);
      receivers.add(3);
      for (int s = 0; s < 2; ++s)
        go::spawn("sender", [&, s] {
          for (int i = 0; i < kPerSender; ++i) c[static_cast<size_t>(s)].send(Tagged{s, i});
          senders.done();
        });
      go::spawn("select sender", [&] {
        for (int i = 0; i < kPerSender; ++i)
          go::select(go::send(c[0], Tagged{2, i}, [] {}), go::send(c[1], Tagged{2, i}, [] {}));
        senders.done();
      });
      for (int r = 0; r < 2; ++r)
        go::spawn("receiver", [&, r] {
          for (Tagged t : c[static_cast<size_t>(r)]) received[static_cast<size_t>(r)].push_back(t);
          receivers.done();
        });
      go::spawn("select receiver", [&] {
        std::array<bool, 2> open{true, true};
        auto nil = go::Chan<Tagged>::nil();
        while (open[0] || open[1]) {
          auto take = [&](int k) {
            return [&, k](Tagged t, bool ok) {
              if (ok)
                received[2].push_back(t);
              else
                open[static_cast<size_t>(k)] = false;
            };
          };
          go::select(go::recv(open[0] ? c[0] : nil, take(0)),
                     go::recv(open[1] ? c[1] : nil, take(1)));
        }
        receivers.done();
      });
      senders.wait();
      // Non-blocking select on a ring that holds a value never takes default.
      go::Chan<int> ready(2);
      ready.send(1);
      go::select(go::recv(ready, [](int, bool) {}),
                 go::default_case([&] { ++defaults_while_ready; }));
      c[0].close();
      c[1].close();
      receivers.wait();
      // The select receiver may take the select sender's i+1 (on one channel) before its i (on
      // the other): that pair is checked for exactly-once only.
      errors += check_round(sent, received, 2, 2);
    }
  });
  CHECK(e.code == 0);
  CHECK(e.report.empty());
  CHECK(defaults_while_ready == 0);
  CHECK(errors == 0);
}

// The narrowest window, many times: one value per round on a fresh ring, its receiver parking
// while its sender's fast-path push lands (and one slot freed while a sender parks). A wake-up
// lost there has no later operation to rescue it: the round deadlocks.
TEST_CASE("chan race: one value per round, parking against the fast path",
          "[goroutine][chan][race]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  const int rounds = gotest::kReal ? 3000 / gotest::kSpawnScale : 200;
  int wrong = 0;
  auto e = run_go(procs, [&] {
    for (int round = 0; round < rounds; ++round) {
      go::Chan<int> c(1);
      go::WaitGroup wg;
      wg.add(2);
      go::spawn("receiver", [&] {
        if (c.recv().first != round) ++wrong;
        wg.done();
      });
      go::spawn("sender", [&] {
        c.send(round);
        wg.done();
      });
      wg.wait();
      // The full side: the ring holds one value, a sender parks, a receive frees the slot.
      go::Chan<int> f(1);
      f.send(-1);
      wg.add(2);
      go::spawn("sender", [&] {
        f.send(round);
        wg.done();
      });
      go::spawn("receiver", [&] {
        if (f.recv().first != -1) ++wrong;
        wg.done();
      });
      wg.wait();
      if (f.recv().first != round) ++wrong;
    }
  });
  CHECK(e.code == 0);
  CHECK(e.report.empty());
  CHECK(wrong == 0);
}
