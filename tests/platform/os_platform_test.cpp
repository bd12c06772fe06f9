// tests/platform/os_platform_test.cpp — the real platform: the shared bodies on OS threads, plus
// real descriptors (pipe, socket pair, loopback TCP) through the epoll Poller.
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "platform_bodies.hpp"

using namespace as::platform;
using namespace as::platform::testing;

TEST_CASE("os: shared platform bodies over 1, 2 and 4 workers", "[os]") {
  for (int workers : {1, 2, 4}) {
    DYNAMIC_SECTION("workers=" << workers) {
      auto p = make_os_platform({});
      REQUIRE_FALSE(p->simulated());
      token_ring(*p, workers, 200);
      unpark_before_park(*p, workers);
      park_deadline(*p, workers);
      blocking_call_cost(*p, workers);
      stall_handler(*p, workers);
      exception_propagates(*p, workers);
      spawn_worker_later(*p, workers);
      current_worker_and_choose(*p, workers);
      socket_echo(*p, workers);
      poller_wait_is_a_park(*p, workers);
    }
  }
}

TEST_CASE("os: unpark from a foreign thread wakes a parked worker", "[os]") {
  auto p = make_os_platform({});
  std::atomic<bool> parked{false};
  std::atomic<bool> go{false};
  std::thread waker;
  p->run(1, [&](int) {
    waker = std::thread([&] {
      while (!parked.load()) std::this_thread::yield();
      go.store(true);
      p->unpark(0);
    });
    parked.store(true);
    while (!go.load()) p->park();
  });
  waker.join();
  REQUIRE(go.load());
}

namespace {

std::string drain(Io& io, Fd fd) {
  std::string out;
  std::byte buf[64];
  for (;;) {
    auto r = io.read(fd, buf);
    if (!r.ok() || r.value == 0) break;
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(r.value));
  }
  return out;
}

std::span<const std::byte> bytes(const char* s) {
  return std::as_bytes(std::span(s, std::strlen(s)));
}

}  // namespace

TEST_CASE("os: pipe readiness through the poller (edge-triggered)", "[os][io]") {
  auto p = make_os_platform({});
  Io& io = p->io();
  auto [r, w] = io.make_pipe();
  REQUIRE(r != kNoFd);
  auto poller = io.make_poller();
  REQUIRE(poller->add(r, kReadable, 11));
  std::vector<ReadyEvent> events;
  REQUIRE(poller->wait(0, events) == 0);  // nothing yet, and deadline 0 does not block
  std::byte one[1];
  REQUIRE(io.read(r, one).would_block());
  REQUIRE(io.write(w, bytes("abc")).value == 3);
  REQUIRE(poller->wait(p->now() + 1'000 * kMs, events) == 1);
  REQUIRE(events[0].token == 11);
  REQUIRE((events[0].readiness & kReadable) != 0);
  REQUIRE(drain(io, r) == "abc");
  io.close(w);
  events.clear();
  REQUIRE(poller->wait(p->now() + 1'000 * kMs, events) == 1);
  REQUIRE((events[0].readiness & kHangup) != 0);
  auto eof = io.read(r, one);
  REQUIRE(eof.ok());
  REQUIRE(eof.value == 0);
  REQUIRE(io.close(r));
}

TEST_CASE("os: poller interrupt wakes a wait, or the next one", "[os][io]") {
  auto p = make_os_platform({});
  auto poller = p->io().make_poller();
  std::vector<ReadyEvent> events;
  poller->interrupt();
  const Nanos start = p->now();
  REQUIRE(poller->wait(start + 5'000 * kMs, events) == 0);
  REQUIRE(p->now() - start < 1'000 * kMs);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    poller->interrupt();
  });
  REQUIRE(poller->wait(p->now() + 5'000 * kMs, events) == 0);
  t.join();
  REQUIRE(p->now() - start < 1'000 * kMs);
}

TEST_CASE("os: loopback tcp listen/connect/accept and EPIPE", "[os][io]") {
  auto p = make_os_platform({});
  Io& io = p->io();
  auto l = io.tcp_listen(0);
  REQUIRE(l.ok());
  const Fd lfd = static_cast<Fd>(l.value);
  const uint16_t port = io.local_port(lfd);
  REQUIRE(port != 0);
  auto poller = io.make_poller();
  REQUIRE(poller->add(lfd, kReadable, 1));
  auto c = io.connect(port);
  REQUIRE(c.ok());
  const Fd cfd = static_cast<Fd>(c.value);
  REQUIRE(poller->add(cfd, kReadable | kWritable, 2));
  std::vector<ReadyEvent> events;
  IoResult a;
  const Nanos give_up = p->now() + 5'000 * kMs;
  while ((a = io.accept(lfd)).would_block() && p->now() < give_up) poller->wait(give_up, events);
  REQUIRE(a.ok());
  const Fd sfd = static_cast<Fd>(a.value);
  IoResult fin;
  while ((fin = io.finish_connect(cfd)).would_block() && p->now() < give_up) {
    poller->wait(give_up, events);
  }
  REQUIRE(fin.ok());
  REQUIRE(poller->add(sfd, kReadable, 3));
  REQUIRE(io.write(cfd, bytes("hello")).value == 5);
  std::string got;
  while (got.size() < 5 && p->now() < give_up) {
    events.clear();
    poller->wait(give_up, events);
    got += drain(io, sfd);
  }
  REQUIRE(got == "hello");
  io.close(sfd);
  // The peer is gone: writing eventually fails with EPIPE/ECONNRESET, never SIGPIPE.
  IoResult wr;
  for (int i = 0; i < 100 && (wr = io.write(cfd, bytes("x"))).ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(wr.status == IoStatus::Error);
  REQUIRE((wr.error == EPIPE || wr.error == ECONNRESET));
  io.close(cfd);
  io.close(lfd);
  // Nothing listens any more: connect is refused (immediately or via finish_connect).
  auto refused = io.connect(port);
  if (refused.ok()) {
    const Fd rfd = static_cast<Fd>(refused.value);
    REQUIRE(poller->add(rfd, kWritable, 4));
    IoResult refused_fin;
    while ((refused_fin = io.finish_connect(rfd)).would_block() && p->now() < give_up) {
      poller->wait(give_up, events);
    }
    REQUIRE(refused_fin.error == ECONNREFUSED);
    io.close(rfd);
  } else {
    REQUIRE(refused.error == ECONNREFUSED);
  }
  REQUIRE(io.open_fds() == 0);
}

TEST_CASE("os: many short-lived spawned workers are reaped", "[os]") {
  // A runtime retiring threads (Go Ms after syscalls, blocking pools) must not pile up unjoined
  // threads: spawn_worker joins the exited ones. 1500 sequential spawns stay cheap.
  auto p = make_os_platform({});
  std::atomic<int> ran{0};
  p->run(1, [&](int) {
    for (int i = 0; i < 1500; ++i) {
      std::atomic<bool> done{false};
      p->spawn_worker([&](int) {
        ran.fetch_add(1);
        done.store(true);
        p->unpark(0);
      });
      while (!done.load()) p->park();
    }
  });
  REQUIRE(ran.load() == 1500);
  REQUIRE(p->worker_count() == 1501);
}
