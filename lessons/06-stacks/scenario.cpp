// lessons/06-stacks/scenario.cpp — lesson 6: stacks vs state machines. A goroutine's stack grows
// under recursion and shrinks again; a coroutine's frame holds only what lives across an await;
// and many idle tasks show the memory each model needs per task.
#include <array>

#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

// descend recurses with 1 KiB of locals per level, then parks at the bottom (a park point is
// where the runtime samples the stack).
[[gnu::noinline]] int descend(int depth, go::Chan<int>& resume) {
  volatile char locals[1024];  // [[frame]] lives on the goroutine's stack (volatile: kept as is)
  locals[0] = static_cast<char>(depth);
  if (depth == 0) return resume.recv().first;  // [[bottom]] parked 64 levels deep
  return descend(depth - 1, resume) + locals[0];
}

void go_main() {
  go::Chan<int> resume(0, "resume");
  go::Chan<int> idle(0, "idle");
  go::spawn("deep", [&] {
    descend(64, resume);  // [[recurse]] ~64 KiB of stack in use
    idle.recv();          // [[shallow]] parked again, shallow: the stack can shrink
  });
  go::sleep(50us);
  resume.send(1);
  go::sleep(50us);
  // Many idle goroutines: each holds a stack even while it waits.
  const int n = 200;
  go::Chan<int> never(0, "never");
  go::WaitGroup started("started");
  for (int i = 0; i < n; ++i) {
    started.add(1);
    go::spawn("idler", [&] {  // [[idlers]]
      started.done();
      never.recv();
    });
  }
  started.wait();
  go::sleep(50us);
  idle.send(0);
}

future::Task<int> leaf(int depth) {
  std::array<char, 64> scratch{};  // not alive across an await: not in the frame
  scratch[0] = static_cast<char>(depth);
  co_await future::yield_now();  // [[leaf-await]]
  co_return scratch[0];
}

future::Task<int> big_state() {
  std::array<char, 1024> buffer{};  // alive across the await: part of the frame
  buffer[0] = 1;
  co_await future::sleep(10us);  // [[big-await]]
  co_return buffer[0];
}

future::Task<int> idler(std::shared_ptr<future::Notify> never) {
  co_await never->notified();  // [[fidle]]
  co_return 0;
}

future::Task<int> future_main() {
  int a = co_await leaf(1);                                      // [[small]]
  int b = (co_await future::spawn(big_state(), "big")).value();  // [[big]]
  auto never = std::make_shared<future::Notify>();
  std::vector<future::JoinHandle<int>> idlers;
  for (int i = 0; i < 200; ++i) idlers.push_back(future::spawn(idler(never), "idler"));
  co_await future::sleep(50us);
  co_return a + b;  // the idlers are dropped (cancelled) when main ends
}

}  // namespace

void register_lesson06_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/06-stacks/scenario.cpp";
  out.push_back(make_scenario(
      "lesson06-stacks", scenario::Model::Goroutine,
      "a stack grows and shrinks; idle goroutines keep stacks", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson06-stacks", scenario::Model::Future,
                              "coroutine frames hold only what lives across an await", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
