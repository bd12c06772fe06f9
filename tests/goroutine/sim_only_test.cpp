// tests/goroutine/sim_only_test.cpp — what only the simulation can promise, and process-ending
// behaviour (run in a forked child):
//   - determinism: the same seed gives the identical trace, event for event and byte for byte;
//   - virtual time: a 10 ms sleep takes exactly 10 ms of virtual time;
//   - stack overflow: a clear report naming the goroutine and exit status 2, not a bare SIGSEGV;
//   - every built-in goroutine scenario runs with the exit code it documents.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/trace/astrace.hpp"
#include "core/trace/trace_data.hpp"
#include "scenarios/scenario.hpp"
#include "tests/goroutine/helpers.hpp"

using namespace std::chrono_literals;
namespace go = as::go;

namespace {

std::vector<as::trace::Event> traced_run(int procs, uint64_t seed) {
  as::trace::Recorder rec;
  gotest::run_go(
      procs,
      [] {
        go::Chan<int> c(2);
        go::WaitGroup wg;
        for (int i = 0; i < 8; ++i) {
          wg.add(1);
          go::spawn("w", [&, i] {
            go::work(std::chrono::microseconds(10 * (i + 1)));
            go::select(go::send(c, i, [] {}), go::default_case());
            wg.done();
          });
        }
        go::spawn("drain", [&] {
          for (;;)
            go::select(go::recv(c, [](int, bool) {}),
                       go::recv(go::after(1ms), [](int64_t, bool) {}));
        });
        wg.wait();
      },
      &rec, seed);
  return rec.collect();
}

bool same_events(const std::vector<as::trace::Event>& a, const std::vector<as::trace::Event>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto &x = a[i], &y = b[i];
    if (x.ts != y.ts || x.kind != y.kind || x.worker != y.worker || x.task != y.task ||
        x.loc != y.loc || x.args[0] != y.args[0] || x.args[1] != y.args[1] ||
        x.args[2] != y.args[2])
      return false;
  }
  return true;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("determinism: same seed, identical trace", "[goroutine][determinism]") {
  const int procs = GENERATE(1, 2, 4);
  CAPTURE(procs);
  const auto a = traced_run(procs, 42);
  const auto b = traced_run(procs, 42);
  CHECK(a.size() > 100);
  CHECK(same_events(a, b));
}

TEST_CASE("determinism: same seed, byte-identical .astrace", "[goroutine][determinism]") {
  auto write = [](const std::string& path) {
    as::trace::Recorder rec;
    gotest::run_go(
        4,
        [] {
          go::Chan<int> c;
          go::spawn("p", [&] {
            for (int i = 0; i < 50; ++i) c.send(i);
            c.close();
          });
          for (int v : c) (void)v;
        },
        &rec, 7);
    as::trace::write_astrace(path, as::trace::snapshot(rec));
  };
  const std::string p1 = std::string(ASYNCSCOPE_BINARY_DIR) + "/go_det_1.astrace";
  const std::string p2 = std::string(ASYNCSCOPE_BINARY_DIR) + "/go_det_2.astrace";
  write(p1);
  write(p2);
  const std::string a = file_bytes(p1), b = file_bytes(p2);
  CHECK(!a.empty());
  CHECK((a == b));  // (no expansion: the bytes are binary)
  std::remove(p1.c_str());
  std::remove(p2.c_str());
}

TEST_CASE("virtual time: sleep takes exactly its duration", "[goroutine][timers]") {
  int64_t elapsed = -1;
  gotest::run_go(2, [&] {
    const int64_t t0 = go::now();
    go::sleep(10ms);
    elapsed = go::now() - t0;
  });
  // The sleep plus the modelled cost of arming the timer and switching back.
  CHECK(elapsed >= 10'000'000);
  CHECK(elapsed < 10'010'000);
}

namespace {
// run_child runs fn in a forked child and returns (exit status, stderr text).
[[maybe_unused]] std::pair<int, std::string> run_child(const std::function<void()>& fn) {
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    fn();
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string err;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n <= 0) break;
    err.append(buf, static_cast<size_t>(n));
  }
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), err};
}

volatile int g_recursion_limit = 1 << 30;  // never reached: the stack overflows first

[[maybe_unused]] int recurse(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth > g_recursion_limit) return frame[0];
  return recurse(depth + 1) + frame[0];
}
}  // namespace

#if !defined(ASYNCSCOPE_ASAN) && !defined(ASYNCSCOPE_TSAN)
TEST_CASE("stack overflow: a clear report naming the goroutine, exit 2", "[goroutine][stack]") {
  auto [status, err] = run_child([] {
    go::Config c;
    c.procs = 1;
    c.stack_size = 64 * 1024;
    go::Runtime rt(c);
    rt.run([] {
      go::spawn("runaway", [] { recurse(0); });
      go::sleep(1ms);
    });
  });
  CHECK(status == 2);
  CHECK(err.find("goroutine 2 stack exceeds") != std::string::npos);
  CHECK(err.find("fatal error: stack overflow") != std::string::npos);
  CHECK(err.find("runaway()") != std::string::npos);
}
#endif

TEST_CASE("stack: deep recursion grows the sampled stack, parking later shrinks it",
          "[goroutine][stack]") {
  as::trace::Recorder rec;
  as::scenario::RunOptions opt;
  opt.procs = 1;
  const auto* s = as::scenario::find("deep_recursion", as::scenario::Model::Goroutine);
  REQUIRE(s != nullptr);
  auto r = s->run(opt, rec);
  CHECK(r.exit_code == 0);
  uint64_t max_used = 0, max_committed = 0, last_committed = 0;
  for (const auto& ev : rec.collect()) {
    if (ev.kind != as::trace::EventKind::StackSample || ev.task != 2) continue;
    max_used = std::max<uint64_t>(max_used, ev.args[0]);
    max_committed = std::max<uint64_t>(max_committed, ev.args[1]);
    last_committed = ev.args[1];
  }
  CHECK(max_used > 100 * 1024);
  CHECK(max_committed > 100 * 1024);
  CHECK(last_committed < max_committed / 2);
}

TEST_CASE("scenarios: every goroutine scenario runs with its documented exit code",
          "[goroutine][scenarios]") {
  const int procs = GENERATE(1, 2, 4);
  for (const auto& s : as::scenario::all()) {
    if (s.model != as::scenario::Model::Goroutine) continue;
    CAPTURE(s.id, procs);
    as::trace::Recorder rec;
    as::scenario::RunOptions opt;
    opt.procs = procs;
    opt.seed = 3;
    auto r = s.run(opt, rec);
    const bool fails = s.id == "deadlock" || s.id == "panic";
    CHECK(r.exit_code == (fails ? 2 : 0));
    CHECK(r.error.empty() == !fails);
    CHECK(rec.event_count() > 0);
  }
}
