// tests/platform/stack_overflow_test.cpp — a guard-page hit becomes a clear report (in a child).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>

#include "core/fiber/fiber.hpp"
#include "core/fiber/stack_overflow.hpp"

using as::fiber::Fiber;
using as::fiber::StackConfig;
using as::fiber::StackOverflowInfo;
using as::fiber::StackPool;

namespace {

struct ChildResult {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
  std::string stderr_text;
};

// run_in_child runs body in a forked child whose stderr is captured.
ChildResult run_in_child(const std::function<void()>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    // The child inherits the test framework; silence its stdout (it may report the crash).
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    body();
    _exit(0);
  }
  close(fds[1]);
  ChildResult r;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.stderr_text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exited = WIFEXITED(status);
  r.exit_code = r.exited ? WEXITSTATUS(status) : -1;
  r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return r;
}

// bottomless recurses until `limit` (never reached before the stack ends).
[[gnu::noinline]] int bottomless(int n, int limit) {
  volatile char frame[512];
  std::memset(const_cast<char*>(frame), n, sizeof frame);
  if (n >= limit) return frame[0];
  return bottomless(n + 1, limit) + frame[n % 512];
}

// report_like_go is what a runtime's handler does: async-signal-safe writes, then _exit.
void write_all(const char* s) {
  ssize_t ignored = write(STDERR_FILENO, s, std::strlen(s));
  (void)ignored;
}

void report_like_go(const StackOverflowInfo& info) {
  char tag[24];
  int i = sizeof tag - 1;
  tag[i] = '\0';
  uint64_t v = info.tag;
  do {
    tag[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  write_all("runtime: goroutine ");
  write_all(tag + i);
  write_all(" stack overflow (");
  write_all(info.fiber_name);
  write_all(")\n");
  _exit(3);
}

void overflow_in_fiber() {
  StackConfig config;
  config.reserve_bytes = 64 * 1024;
  StackPool pool(config);
  Fiber f(
      pool, [] { bottomless(0, 1 << 30); }, "goroutine 42", 42);
  Fiber::switch_to(f);
}

}  // namespace

TEST_CASE("guard page overflow calls the registered handler", "[stack][overflow]") {
  auto r = run_in_child([] {
    as::fiber::set_stack_overflow_handler(report_like_go);
    overflow_in_fiber();
  });
  INFO(r.stderr_text);
  REQUIRE(r.exited);
  REQUIRE(r.exit_code == 3);
  REQUIRE(r.stderr_text.find("runtime: goroutine 42 stack overflow (goroutine 42)") !=
          std::string::npos);
}

TEST_CASE("guard page overflow without handler gives the default report", "[stack][overflow]") {
  auto r = run_in_child([] {
    as::fiber::set_stack_overflow_handler(nullptr);
    overflow_in_fiber();
  });
  INFO(r.stderr_text);
  REQUIRE(r.exited);
  REQUIRE(r.exit_code == 2);
  REQUIRE(r.stderr_text.find("fatal error: stack overflow in fiber 'goroutine 42' (tag 42") !=
          std::string::npos);
}

TEST_CASE("a fault that is not an overflow is not reported as one", "[stack][overflow]") {
  auto r = run_in_child([] {
    as::fiber::set_stack_overflow_handler(report_like_go);
    StackPool pool;
    Fiber f(pool, [] {
      volatile int* null_pointer = nullptr;
      *null_pointer = 1;
    });
    Fiber::switch_to(f);
  });
  INFO(r.stderr_text);
  REQUIRE(r.stderr_text.find("stack overflow") == std::string::npos);
  // Killed by SIGSEGV, or (under ASan) its report and a non-zero exit.
  REQUIRE((r.signal == SIGSEGV || (r.exited && r.exit_code != 0)));
}
