// tests/platform/fiber_test.cpp — symmetric fiber switching, exceptions, unwinding.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/fiber/fiber.hpp"

using as::fiber::Fiber;
using as::fiber::StackPool;

TEST_CASE("fiber ping-pong with the main fiber", "[fiber]") {
  StackPool pool;
  Fiber& main = Fiber::current();
  REQUIRE(main.is_main());
  std::vector<int> log;
  Fiber pong(pool, [&] {
    for (int i = 0; i < 3; ++i) {
      log.push_back(2 * i + 1);
      Fiber::switch_to(main);
    }
  });
  for (int i = 0; i < 3; ++i) {
    log.push_back(2 * i);
    Fiber::switch_to(pong);
    REQUIRE(&Fiber::current() == &main);
  }
  REQUIRE(pong.state() == Fiber::State::Suspended);
  Fiber::switch_to(pong);  // its loop ends: control returns to us (the last resumer)
  REQUIRE(pong.finished());
  REQUIRE(log == std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("symmetric switches among three fibers without going through main", "[fiber]") {
  StackPool pool;
  Fiber& main = Fiber::current();
  std::string trace;
  Fiber* a = nullptr;
  Fiber* b = nullptr;
  Fiber* c = nullptr;
  Fiber fa(pool, [&] {
    trace += "a1 ";
    Fiber::switch_to(*b);
    trace += "a2 ";
    Fiber::switch_to(*c);
    trace += "a3 ";
  });
  Fiber fb(pool, [&] {
    trace += "b1 ";
    Fiber::switch_to(*c);
    trace += "b2 ";
    Fiber::switch_to(*a);
  });
  Fiber fc(pool, [&] {
    trace += "c1 ";
    Fiber::switch_to(*b);
    trace += "c2 ";
    Fiber::switch_to(*a);
  });
  a = &fa;
  b = &fb;
  c = &fc;
  fa.set_return_to(&main);
  Fiber::switch_to(fa);
  // a1 → b1 → c1 → b2 → a2 → c2 → a3 → main
  REQUIRE(trace == "a1 b1 c1 b2 a2 c2 a3 ");
  REQUIRE(fa.finished());
  REQUIRE(fb.state() == Fiber::State::Suspended);  // b and c are unwound by their destructors
  REQUIRE(fc.state() == Fiber::State::Suspended);
}

TEST_CASE("exceptions inside a fiber and escaping its entry", "[fiber]") {
  StackPool pool;
  bool caught_inside = false;
  Fiber f(pool, [&] {
    try {
      throw std::runtime_error("inside");
    } catch (const std::runtime_error& e) {
      caught_inside = std::string(e.what()) == "inside";
    }
    Fiber::switch_to(*Fiber::current().return_to());
  });
  Fiber& main = Fiber::current();
  f.set_return_to(&main);
  Fiber::switch_to(f);
  REQUIRE(caught_inside);
  Fiber::switch_to(f);
  REQUIRE(f.finished());
  REQUIRE_FALSE(f.exception());

  Fiber thrower(pool, [] { throw std::logic_error("escaped"); });
  Fiber::switch_to(thrower);
  REQUIRE(thrower.finished());
  REQUIRE(thrower.exception());
  REQUIRE_THROWS_WITH(std::rethrow_exception(thrower.exception()), "escaped");
}

namespace {
struct Counted {
  int* alive;
  explicit Counted(int* a) : alive(a) { ++*alive; }
  ~Counted() { --*alive; }
};
}  // namespace

TEST_CASE("destroying a suspended fiber unwinds its stack", "[fiber]") {
  StackPool pool;
  Fiber& main = Fiber::current();
  int alive = 0;
  bool after = false;
  {
    Fiber f(pool, [&] {
      Counted c1(&alive);
      Counted c2(&alive);
      Fiber::switch_to(main);
      after = true;  // never reached
    });
    Fiber::switch_to(f);
    REQUIRE(alive == 2);
    REQUIRE(pool.stats().live == 1);
  }
  REQUIRE(alive == 0);
  REQUIRE_FALSE(after);
  REQUIRE(pool.stats().live == 0);
  {
    Fiber never(pool, [&] { after = true; });  // never started: destroyed without running
  }
  REQUIRE_FALSE(after);
  REQUIRE(pool.stats().live == 0);
}

TEST_CASE("switch_to with an after-switch callback runs on the target", "[fiber]") {
  StackPool pool;
  Fiber& main = Fiber::current();
  struct Ctx {
    Fiber* parked = nullptr;
    Fiber* current_during_callback = nullptr;
    Fiber::State parked_state{};
  } ctx;
  Fiber f(pool, [&] {
    Fiber::switch_to(
        main,
        [](void* arg) {
          auto* c = static_cast<Ctx*>(arg);
          c->current_during_callback = &Fiber::current();
          c->parked_state = c->parked->state();
        },
        &ctx);
  });
  ctx.parked = &f;
  Fiber::switch_to(f);
  REQUIRE(ctx.current_during_callback == &main);
  REQUIRE(ctx.parked_state == Fiber::State::Suspended);
  Fiber::switch_to(f);
  REQUIRE(f.finished());
}

TEST_CASE("fiber names, tags and user pointers", "[fiber]") {
  StackPool pool;
  int user = 0;
  const Fiber* seen = nullptr;
  Fiber f(
      pool, [&] { seen = &Fiber::current(); }, "goroutine 7", 7);
  f.set_user(&user);
  Fiber::switch_to(f);
  REQUIRE(seen == &f);
  REQUIRE(f.name() == "goroutine 7");
  REQUIRE(f.tag() == 7);
  REQUIRE(f.user() == &user);
}

TEST_CASE("switching to a finished or running fiber is an error, not a crash", "[fiber]") {
  StackPool pool;
  Fiber f(pool, [] {});
  Fiber::switch_to(f);
  REQUIRE(f.finished());
  REQUIRE_THROWS_AS(Fiber::switch_to(f), std::logic_error);
  REQUIRE_THROWS_AS(Fiber::switch_to(Fiber::current()), std::logic_error);
}
