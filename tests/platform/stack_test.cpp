// tests/platform/stack_test.cpp — pooled stacks: reuse, lazy commit, measurement, shrinking.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/fiber/fiber.hpp"
#include "core/fiber/stack.hpp"

using as::fiber::Fiber;
using as::fiber::StackConfig;
using as::fiber::StackPool;

namespace {

// recurse uses about depth KiB of stack and calls at_bottom at the deepest point.
template <typename Fn>
[[gnu::noinline]] int recurse(int depth, Fn&& at_bottom) {
  volatile char frame[1024];
  std::memset(const_cast<char*>(frame), depth, sizeof frame);
  if (depth == 0) {
    at_bottom();
    return frame[0];
  }
  return recurse(depth - 1, at_bottom) + frame[1];
}

}  // namespace

TEST_CASE("stack pool reuses stacks: no new mmap on the second spawn", "[stack]") {
  StackConfig config;
  config.slab_bytes = 0;  // one stack per slab, so every fresh stack is one mmap
  StackPool pool(config);
  {
    Fiber f(pool, [] {});
    Fiber::switch_to(f);
  }
  const auto first = pool.stats();
  REQUIRE(first.mmaps == 1);
  REQUIRE(first.live == 0);
  REQUIRE(first.pooled == 1);
  for (int i = 0; i < 10; ++i) {
    Fiber f(pool, [] {});
    Fiber::switch_to(f);
  }
  const auto after = pool.stats();
  REQUIRE(after.mmaps == 1);
  REQUIRE(after.reuses == 10);
  REQUIRE(after.live == 0);
}

TEST_CASE("slabs carve many stacks from one mmap", "[stack]") {
  StackConfig config;
  config.reserve_bytes = 64 * 1024;
  config.slab_bytes = 1 << 20;
  StackPool pool(config);
  std::vector<as::fiber::Stack> stacks;
  for (int i = 0; i < 10; ++i) stacks.push_back(pool.acquire());
  REQUIRE(pool.stats().mmaps == 1);
  REQUIRE(pool.stats().live == 10);
  for (auto& s : stacks) {
    REQUIRE(s.guarded());
    REQUIRE(s.usable_bytes() == 64 * 1024);
    REQUIRE(s.committed_bytes() == 0);  // nothing touched yet
  }
  for (auto& s : stacks) pool.release(s);
  REQUIRE(pool.stats().live == 0);
  REQUIRE(pool.stats().pooled == 10);
}

TEST_CASE("max_guarded caps guard pages", "[stack]") {
  StackConfig config;
  config.reserve_bytes = 16 * 1024;
  config.max_guarded = 2;
  StackPool pool(config);
  auto a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
  REQUIRE(a.guarded());
  REQUIRE(b.guarded());
  REQUIRE_FALSE(c.guarded());
  REQUIRE(pool.stats().unguarded == 1);
  pool.release(a);
  pool.release(b);
  pool.release(c);
}

TEST_CASE("committed bytes grow with recursion depth and shrink after madvise", "[stack]") {
  StackConfig config;
  config.reserve_bytes = 1 << 20;
  StackPool pool(config);
  Fiber& main = Fiber::current();
  size_t used_shallow = 0, used_deep = 0, committed_deep = 0;
  Fiber* self = nullptr;
  Fiber f(pool, [&] {
    used_shallow = self->used_bytes();
    recurse(200, [&] {
      used_deep = self->used_bytes();
      committed_deep = self->committed_bytes();
      Fiber::switch_to(main);  // suspended at the deepest point
    });
    Fiber::switch_to(main);  // suspended shallow again
  });
  self = &f;
  const size_t before = f.committed_bytes();
  Fiber::switch_to(f);
  REQUIRE(used_deep >= 200 * 1024);
  REQUIRE(used_deep > used_shallow);
  REQUIRE(committed_deep >= 200 * 1024);
  REQUIRE(committed_deep > before);
  REQUIRE(f.used_bytes() >= 200 * 1024);  // measured at the switch-out point
  REQUIRE(f.high_water_bytes() >= 200 * 1024);
  Fiber::switch_to(f);  // back to shallow
  REQUIRE(f.used_bytes() < 16 * 1024);
  REQUIRE(f.committed_bytes() >= 200 * 1024);  // pages stay committed...
  const size_t released = f.shrink_stack();    // ...until the stack is shrunk
  REQUIRE(released >= 180 * 1024);
  REQUIRE(f.committed_bytes() < 32 * 1024);
  Fiber::switch_to(f);
  REQUIRE(f.finished());
  // The finished fiber's stack is pooled; shrink_idle gives its pages back.
  pool.shrink_idle();
  REQUIRE(pool.pooled_committed_bytes() == 0);
}

#if defined(ASYNCSCOPE_ASAN) || defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>

TEST_CASE("a released stack carries no stale ASan poison", "[stack][asan]") {
  StackPool pool;
  {
    Fiber f(pool, [] {
      volatile char buffer[512];  // a frame with redzones
      buffer[0] = 1;
      (void)buffer[0];
    });
    Fiber::switch_to(f);
  }
  // LIFO pool: this is the stack the fiber just finished on.
  as::fiber::Stack s = pool.acquire();
  REQUIRE(__asan_region_is_poisoned(s.limit(), s.usable_bytes()) == nullptr);
  pool.release(s);
}
#endif
