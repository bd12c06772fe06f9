// lessons/05-wakers/scenario.cpp — lesson 5: wakers. A hand-written leaf future returns Pending
// after storing the waker it was given; two wakes before the next poll merge into one poll; and a
// buggy future that returns Pending WITHOUT storing its waker is never polled again.
#include <memory>

#include "lessons/lesson_program.hpp"
#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {
namespace {
using namespace std::chrono_literals;

// Flag is the shared state between a waiting future and whoever sets the flag.
struct Flag {
  bool set = false;
  future::Waker waker;  // the waker of the task waiting for the flag
};

// WaitFlag is the state machine a coroutine's `co_await` becomes, written by hand.
struct WaitFlag {
  Flag* flag;
  future::Poll<int> poll(future::Context& cx) {
    if (flag->set) return 1;                   // [[ready]] Ready
    flag->waker.clone_if_changed(cx.waker());  // [[store-waker]] the contract: store it
    return future::pending;                    // [[pending]]
  }
};

// ForgetfulWait has the lost-waker bug: Pending without storing the waker.
struct ForgetfulWait {
  Flag* flag;
  future::Poll<int> poll(future::Context&) {
    if (flag->set) return 1;
    return future::pending;  // [[bug]] nobody can wake this task any more
  }
};

future::Task<int> waiter(std::shared_ptr<Flag> f) {
  co_return co_await WaitFlag{f.get()};
}
future::Task<int> forgetful(std::shared_ptr<Flag> f) {
  co_return co_await ForgetfulWait{f.get()};
}

future::Task<int> future_main() {
  auto good = std::make_shared<Flag>();
  auto h = future::spawn(waiter(good), "waiter");
  co_await future::sleep(10us);  // the waiter has been polled once and is Pending
  good->set = true;
  good->waker.wake_by_ref();  // [[wake]] wake...
  good->waker.wake_by_ref();  // [[wake-again]] ...and wake again: merged, one poll
  (void)co_await h;

  auto lost = std::make_shared<Flag>();
  auto bug = future::spawn(forgetful(lost), "forgetful");
  co_await future::sleep(10us);
  lost->set = true;  // [[set-lost]] the flag is set, but there is no waker to call
  auto r = co_await future::timeout(1ms, std::move(bug));  // [[give-up]] never woken
  co_return r.is_ok() ? 1 : 0;
}

}  // namespace

void register_lesson05_scenarios(std::vector<scenario::Scenario>& out) {
  out.push_back(make_scenario("lesson05-wakers", scenario::Model::Future,
                              "Pending + stored waker, merged wakes, a lost waker",
                              "lessons/05-wakers/scenario.cpp",
                              [](const scenario::RunOptions& o, trace::Recorder& r) {
                                return run_future(o, r, future_main);
                              }));
}

}  // namespace as::lessons
