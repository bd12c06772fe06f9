// lessons/04-channels/scenario.cpp — lesson 4: channels and wakeups. An unbuffered rendezvous,
// a buffered channel that absorbs a burst, and a select — who wakes whom, in both models.
#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

void go_main() {
  // 1. Unbuffered: a send completes only when a receiver takes the value.
  go::Chan<int> handoff(0, "handoff");
  go::spawn("consumer", [&] {
    for (int i = 0; i < 2; ++i) {
      auto [v, ok] = handoff.recv();  // [[recv]] parks until the producer sends
      (void)v;
      (void)ok;
      go::work(5us);
    }
  });
  go::spawn("producer", [&] {
    go::work(10us);   // the consumer gets to recv first
    handoff.send(1);  // [[send]] readies the parked consumer
    handoff.send(2);
  });

  // 2. Buffered (capacity 3): the burst fits, nobody blocks until the buffer is full.
  go::Chan<int> burst(3, "burst");
  go::sleep(50us);
  for (int i = 0; i < 3; ++i) burst.send(i);  // [[buffered]] no receiver needed yet
  go::spawn("drainer", [&] {
    for (int i = 0; i < 3; ++i) burst.recv();
  });

  // 3. select: wait on two channels; the timer's channel wins.
  go::Chan<int> never(0, "never");
  go::Chan<int64_t> timer = go::after(20us);
  go::select(go::recv(never, [](int, bool) {}),  // [[select]]
             go::recv(timer, [](int64_t, bool) {}));
}

future::Task<int> consumer(future::mpsc::Receiver<int> rx) {
  int n = 0;
  while (auto v = co_await rx.recv()) {  // [[frecv]] Pending until a value (or close)
    future::busy_work(5us);
    ++n;
  }
  co_return n;
}

future::Task<int> producer(future::mpsc::Sender<int> tx) {
  future::busy_work(10us);
  (void)co_await tx.send(1);  // [[fsend]] wakes the consumer's stored waker
  (void)co_await tx.send(2);
  co_return 0;  // dropping tx closes the channel
}

future::Task<int> future_main() {
  auto [tx, rx] = future::mpsc::channel<int>(1);
  auto c = future::spawn(consumer(std::move(rx)), "consumer");
  auto p = future::spawn(producer(std::move(tx)), "producer");
  (void)co_await p;
  co_return (co_await c).value();
}

}  // namespace

void register_lesson04_scenarios(std::vector<scenario::Scenario>& out) {
  const char* file = "lessons/04-channels/scenario.cpp";
  out.push_back(make_scenario(
      "lesson04-channels", scenario::Model::Goroutine, "unbuffered, buffered, select", file,
      [](const scenario::RunOptions& o, trace::Recorder& r) { return run_go(o, r, go_main); }));
  out.push_back(make_scenario("lesson04-channels", scenario::Model::Future,
                              "mpsc channel: Pending, stored waker, wake", file,
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
