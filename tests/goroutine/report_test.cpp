// tests/goroutine/report_test.cpp — how programs die: deadlock goldens (Go's checkdead rules:
// a pending timer or netpoll wait is not a deadlock), panics and recover.
#include <string>

#include "tests/goroutine/helpers.hpp"

using namespace std::chrono_literals;
namespace go = as::go;
using gotest::run_go;

namespace {
const std::string kDeadlock = "fatal error: all goroutines are asleep - deadlock!\n";

// first_goroutine_line returns "goroutine 1 [chan receive]:" from a report.
std::string goroutine_line(const std::string& report, int id) {
  const std::string key = "goroutine " + std::to_string(id) + " [";
  auto at = report.find(key);
  if (at == std::string::npos) return {};
  return report.substr(at, report.find('\n', at) - at);
}
}  // namespace

TEST_CASE("deadlock goldens", "[goroutine][deadlock]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  struct Case {
    const char* name;
    std::function<void()> body;
    const char* main_line;
  };
  const std::vector<Case> cases = {
      {"recv", [] { go::Chan<int>().recv(); }, "goroutine 1 [chan receive]:"},
      {"send", [] { go::Chan<int>().send(1); }, "goroutine 1 [chan send]:"},
      {"nil send", [] { go::Chan<int>::nil().send(1); }, "goroutine 1 [chan send (nil chan)]:"},
      {"select",
       [] {
         go::Chan<int> a, b;
         go::select(go::recv(a, [](int, bool) {}), go::send(b, 1, [] {}));
       },
       "goroutine 1 [select]:"},
      {"select{}", [] { go::block_forever(); }, "goroutine 1 [select (no cases)]:"},
      {"waitgroup",
       [] {
         go::WaitGroup wg;
         wg.add(1);
         wg.wait();
       },
       "goroutine 1 [semacquire]:"},
      {"mutex",
       [] {
         go::Mutex mu;
         mu.lock();
         mu.lock();
       },
       "goroutine 1 [sync.Mutex.Lock]:"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto e = run_go(procs, c.body);
    CHECK(e.code == 2);
    CHECK(e.report.rfind(kDeadlock, 0) == 0);
    CHECK(goroutine_line(e.report, 1) == c.main_line);
  }
}

TEST_CASE("deadlock report lists every goroutine with its wait reason", "[goroutine][deadlock]") {
  const int procs = GENERATE(1, 2);
  auto e = run_go(procs, [] {
    go::Chan<int> a, b;
    go::spawn("alice", [&] {
      b.recv();
      a.send(1);
    });
    go::spawn("bob", [&] {
      a.recv();
      b.send(1);
    });
    go::WaitGroup wg;
    wg.add(1);
    wg.wait();
  });
  CHECK(e.code == 2);
  CHECK(goroutine_line(e.report, 1) == "goroutine 1 [semacquire]:");
  CHECK(goroutine_line(e.report, 2) == "goroutine 2 [chan receive]:");
  CHECK(goroutine_line(e.report, 3) == "goroutine 3 [chan receive]:");
  CHECK(e.report.find("alice()") != std::string::npos);
  CHECK(e.report.find("bob()") != std::string::npos);
}

TEST_CASE("not a deadlock: a pending timer or netpoll wait", "[goroutine][deadlock]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  // Everybody is blocked, but a sleeping goroutine will send.
  auto timer = run_go(procs, [] {
    go::Chan<int> c;
    go::spawn("late", [&] {
      go::sleep(5ms);
      c.send(1);
    });
    c.recv();
  });
  CHECK(timer.code == 0);
  CHECK(timer.report.empty());
  // A goroutine parked on a socket, readied once the writer's timer fires.
  auto io = run_go(procs, [] {
    auto [a, b] = go::net::socketpair();
    go::spawn("writer", [a = a] {
      go::sleep(3ms);
      go::net::write(a, std::string_view("x"));
    });
    std::byte buf[4];
    auto r = go::net::read(b, buf);
    if (!r.ok() || r.value != 1) go::panic("read failed");
    go::net::close(a);
    go::net::close(b);
  });
  CHECK(io.code == 0);
  CHECK(io.report.empty());
}

TEST_CASE("panic ends the program like Go; catching it is recover", "[goroutine][panic]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs, gotest::platform_name());
  bool recovered = false;
  auto e = run_go(procs, [&] {
    try {
      go::panic("first");
    } catch (const go::Panic&) {
      recovered = true;
    }
    go::Chan<int> never;
    go::spawn("doomed", [] { throw std::runtime_error("boom"); });
    never.recv();  // main is parked when the other goroutine panics
  });
  CHECK(recovered);
  CHECK(e.code == 2);
  CHECK(e.report.rfind("panic: boom\n\ngoroutine 2 [running]:\ndoomed()\n", 0) == 0);
}

TEST_CASE("a panic in main ends the program", "[goroutine][panic]") {
  auto e = run_go(1, [] {
    go::Chan<int> c(1);
    c.close();
    c.send(1);
  });
  CHECK(e.code == 2);
  CHECK(e.report.rfind("panic: send on closed channel\n\ngoroutine 1 [running]:\nmain()", 0) == 0);
}
