// scenarios/future/echo.cpp — a client and an echo server over a socket pair, via the reactor.
// Look at: IoRegister, then each read that would block stores the task's waker in the reactor
// (TaskBlock io + fd); the driver's Poller reports readiness (IoReady) and wakes it.
#include <span>

#include "scenarios/future/common.hpp"

namespace as::scenario::future_scn {

static fut::Task<int> echo_server(platform::Fd fd) {
  fut::AsyncFd s = fut::AsyncFd::adopt(fd);
  std::byte buf[256];
  for (;;) {
    auto r = co_await s.read(std::span<std::byte>(buf));
    if (!r.ok() || r.value == 0) break;  // EOF: the client closed
    size_t off = 0;
    while (off < static_cast<size_t>(r.value)) {
      auto w = co_await s.write(
          std::span<const std::byte>(buf + off, static_cast<size_t>(r.value) - off));
      if (!w.ok()) co_return 1;
      off += static_cast<size_t>(w.value);
    }
  }
  co_return 0;
}

static fut::Task<int> echo_main(int messages) {
  auto& io = fut::current_scheduler()->reactor().io();
  auto [a, b] = io.make_socketpair();
  if (a == platform::kNoFd) throw std::runtime_error("cannot create a socket pair");
  auto server = fut::spawn(echo_server(b), "echo-server");
  int bad = 0;
  {
    fut::AsyncFd client = fut::AsyncFd::adopt(a);
    for (int i = 0; i < messages; ++i) {
      std::byte msg[32];
      for (auto& x : msg) x = std::byte(static_cast<unsigned char>(i));
      auto w = co_await client.write(std::span<const std::byte>(msg));
      if (!w.ok()) co_return 1;
      std::byte back[32];
      size_t got = 0;
      while (got < sizeof back) {
        auto r = co_await client.read(std::span<std::byte>(back + got, sizeof back - got));
        if (!r.ok() || r.value == 0) co_return 1;
        got += static_cast<size_t>(r.value);
      }
      if (back[31] != msg[31]) ++bad;
    }
  }
  int s = (co_await server).value();
  co_return bad + s;
}

Scenario echo() {
  return make("echo", "Echo over a socket pair through the reactor",
              "Reads park the task with its waker in the reactor; readiness (IoReady) wakes it.",
              "scenarios/future/echo.cpp", [](const RunOptions& o, trace::Recorder& rec) {
                const int n = static_cast<int>(param_int(o, "n", 20, 1, 1'000'000));
                return run_future(o, rec, [n] { return echo_main(n); });
              });
}

}  // namespace as::scenario::future_scn
