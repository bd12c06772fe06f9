// scenarios/goroutine/echo.cpp — an echo server and a client over a socket pair, via the netpoller.
//
// Look at: a read that would block parks the goroutine on the fd (reason io); the M goes on with
// other goroutines; when the poller reports the fd readable the goroutine is readied (io.ready)
// and retries. On the simulation the socket is a simulated device with latency.
#include "scenarios/goroutine/common.hpp"

namespace as::scenario::goroutine {

Scenario make_echo() {
  Scenario s;
  s.id = "echo";
  s.title = "Echo over a socket pair through the netpoller";
  s.summary =
      "Client and server goroutines block in read(); the netpoller readies them when data "
      "arrives. Works on real sockets (--real) and simulated ones.";
  s.source_file = "scenarios/goroutine/echo.cpp";
  s.run = [](const RunOptions& opt, trace::Recorder& rec) {
    const long messages = param(opt, "n", 5, 1, 100'000);
    return run_program(opt, rec, [messages] {
      auto [client_fd, server_fd] = go::net::socketpair();
      if (client_fd < 0) go::panic("echo: socketpair failed");
      go::WaitGroup wg("server done");
      wg.add(1);
      go::spawn("echo server", [&, server_fd = server_fd] {
        std::byte buf[256];
        for (;;) {
          auto r = go::net::read(server_fd, buf);
          if (!r.ok() || r.value == 0) break;  // EOF: the client closed
          go::net::write(server_fd, std::span<const std::byte>(buf, static_cast<size_t>(r.value)));
        }
        go::net::close(server_fd);
        wg.done();
      });
      for (long i = 0; i < messages; ++i) {
        const std::string msg = "hello " + std::to_string(i);
        go::net::write(client_fd, msg);
        std::string got;
        while (got.size() < msg.size()) {
          std::byte buf[256];
          auto r = go::net::read(client_fd, buf);
          if (!r.ok() || r.value == 0) go::panic("echo: connection lost");
          got.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(r.value));
        }
        if (got != msg) go::panic("echo: got '" + got + "', want '" + msg + "'");
      }
      go::net::close(client_fd);
      wg.wait();
    });
  };
  return s;
}

}  // namespace as::scenario::goroutine
