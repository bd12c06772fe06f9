// lessons/10-errors/scenario.cpp — lesson 10: errors and panics. Go returns errors as values
// (`if err != nil`) and a panic that nobody recovers ends the whole program; Rust-style futures
// return Result and propagate it with `?`, and a panicking task becomes a JoinError while the
// program goes on.
#include <string>

#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

// Go style: (value, error) — here the error is a string, empty = nil.
struct Parsed {
  int value = 0;
  std::string err;
};
Parsed parse_port(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    return {0, "invalid port \"" + s + "\""};  // [[go-err]]
  return {std::stoi(s), ""};
}

void go_main() {
  go::Chan<std::string> errs(2, "errs");
  for (std::string input : {"8080", "http"}) {
    go::spawn("parser", [&errs, input] {
      Parsed p = parse_port(input);
      errs.send(p.err);  // [[report]] errors travel as values
    });
  }
  for (int i = 0; i < 2; ++i) {
    auto [err, ok] = errs.recv();
    if (!err.empty()) go::work(1us);  // [[if-err]] if err != nil { handle it }
  }
  go::spawn("crasher", [] {
    go::work(5us);
    go::panic("index out of range [5] with length 3");  // [[panic]] ends the program
  });
  go::sleep(1ms);  // never completes: the panic ends everything first
}

using PortResult = future::Result<int, std::string>;

future::Task<PortResult> parse_port_async(std::string s) {
  co_await future::yield_now();
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    co_return future::Err{"invalid port \"" + s + "\""};  // [[rs-err]]
  co_return std::stoi(s);
}

future::Task<PortResult> connect(std::string s) {
  int port = co_await parse_port_async(s);  // [[question-mark]] `?`: Err returns at once
  co_return port + 1;
}

future::Task<int> crasher() {
  co_await future::yield_now();  // (a co_await makes this a coroutine: lazy, run by the executor)
  future::busy_work(5us);
  throw std::runtime_error("index out of range");  // [[fpanic]] caught at the task boundary
}

future::Task<int> future_main() {
  PortResult good = co_await connect("8080");
  PortResult bad = co_await connect("http");
  auto h = future::spawn(crasher(), "crasher");
  auto joined = co_await h;  // [[join-error]] Err(JoinError::Panic): main goes on
  co_return (good.is_ok() ? 1 : 0) + (bad.is_err() ? 1 : 0) + (joined.is_err() ? 1 : 0);
}

}  // namespace

void register_lesson10_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/10-errors/scenario.cpp";
  out.push_back(make_scenario(
      "lesson10-errors", scenario::Model::Goroutine, "errors as values; a panic ends the program",
      file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson10-errors", scenario::Model::Future,
                              "Result and `?`; a panic becomes a JoinError", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
