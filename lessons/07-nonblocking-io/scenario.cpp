// lessons/07-nonblocking-io/scenario.cpp — lesson 7: non-blocking I/O. In Go the netpoller hides
// it: read() looks blocking, the goroutine parks, the M runs others. With futures the reactor and
// the waker are in plain sight: read returns Pending, readiness wakes the stored waker.
#include <cstddef>
#include <span>

#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  auto [client, server] = go::net::socketpair();
  go::WaitGroup done("done");
  done.add(1);
  go::spawn("reader", [&, server = server] {
    std::array<std::byte, 64> buf{};
    auto r = go::net::read(server, buf);  // [[read]] no data yet: parks on the netpoller
    (void)r;
    done.done();
  });
  go::spawn("writer", [&, client = client] {
    go::sleep(100us);                 // [[later]]
    go::net::write(client, "hello");  // [[write]] data arrives: the poller readies reader
  });
  done.wait();
  go::net::close(client);
  go::net::close(server);
}

future::Task<int> reader(future::AsyncFd fd) {
  std::array<std::byte, 64> buf{};
  auto r = co_await fd.read(
      std::span<std::byte>(buf));  // [[fread]] Pending: waker stored in the reactor
  co_return r.ok() ? static_cast<int>(r.value) : -1;
}

future::Task<int> writer(future::AsyncFd fd) {
  co_await future::sleep(100us);
  const char msg[] = "hello";
  auto bytes = std::as_bytes(std::span<const char>(msg, 5));
  auto r = co_await fd.write(bytes);  // [[fwrite]]
  co_return r.ok() ? 0 : -1;
}

future::Task<int> future_main() {
  auto [a, b] = future::current_scheduler()->reactor().io().make_socketpair();
  auto rh = future::spawn(reader(future::AsyncFd::adopt(a)), "reader");
  auto wh = future::spawn(writer(future::AsyncFd::adopt(b)), "writer");
  (void)co_await wh;
  co_return (co_await rh).value();
}

}  // namespace

void register_lesson07_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/07-nonblocking-io/scenario.cpp";
  out.push_back(make_scenario(
      "lesson07-io", scenario::Model::Goroutine, "the netpoller hides non-blocking I/O", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson07-io", scenario::Model::Future,
                              "reactor + wakers make non-blocking I/O explicit", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
