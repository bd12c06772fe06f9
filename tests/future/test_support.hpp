// tests/future/test_support.hpp — helpers shared by the future suites: tracked objects (count
// constructions and destructions), test wakers that count their vtable calls, and the matrix of
// platforms × executors every runtime test body runs on.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/future/future_all.hpp"
#include "core/platform/platform.hpp"

namespace as::future::test {

// Tracked counts live instances; every test that checks "destroyed exactly once" uses it.
struct Tracked {
  static inline std::atomic<int> live{0};
  static inline std::atomic<int> destroyed{0};
  int value = 0;
  explicit Tracked(int v = 0) : value(v) { live.fetch_add(1); }
  Tracked(const Tracked& o) : value(o.value) { live.fetch_add(1); }
  Tracked(Tracked&& o) noexcept : value(o.value) { live.fetch_add(1); }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) = default;
  ~Tracked() {
    live.fetch_sub(1);
    destroyed.fetch_add(1);
  }
  static void reset() {
    live = 0;
    destroyed = 0;
  }
};

// CountingWaker: a Waker whose vtable counts clone/wake/drop (no executor needed).
struct WakeCounts {
  std::atomic<int> clones{0}, wakes{0}, drops{0}, live{0};
};
inline const WakerVTable kCountingVTable{
    [](const void* d) -> const void* {
      auto* c = static_cast<WakeCounts*>(const_cast<void*>(d));
      c->clones++;
      c->live++;
      return d;
    },
    [](const void* d) {
      auto* c = static_cast<WakeCounts*>(const_cast<void*>(d));
      c->wakes++;
      c->live--;
    },
    [](const void* d) { static_cast<WakeCounts*>(const_cast<void*>(d))->wakes++; },
    [](const void* d) {
      auto* c = static_cast<WakeCounts*>(const_cast<void*>(d));
      c->drops++;
      c->live--;
    }};
// BorrowedWaker is a Waker that owns no count (like the executor's Context waker): never dropped.
struct BorrowedWaker {
  union {
    Waker waker;
  };
  explicit BorrowedWaker(WakeCounts& c) : waker(&c, &kCountingVTable) {}
  ~BorrowedWaker() {}
  BorrowedWaker(const BorrowedWaker&) = delete;
  BorrowedWaker& operator=(const BorrowedWaker&) = delete;
};

// Env is one cell of the platform × executor matrix.
struct Env {
  bool real = false;
  RuntimeConfig cfg;
  std::string name;
};

inline std::vector<Env> envs(bool real) {
  std::vector<Env> v;
  const std::string p = real ? "os/" : "sim/";
  v.push_back({real, RuntimeConfig::current_thread(), p + "current"});
  for (int n : {1, 2, 4})
    v.push_back({real, RuntimeConfig::multi_thread(n), p + "multi" + std::to_string(n)});
  return v;
}

inline std::unique_ptr<platform::Platform> make_platform_for(const Env& e, uint64_t seed = 1) {
  if (e.real) return platform::make_os_platform(platform::OsConfig{seed, true});
  platform::SimConfig c;
  c.seed = seed;
  return platform::make_sim_platform(c);
}

// run_root runs make_root() as the root task on a fresh platform + runtime of env e.
template <class MakeRoot>
auto run_root(const Env& e, MakeRoot make_root, trace::Recorder* rec = nullptr, uint64_t seed = 1) {
  auto plat = make_platform_for(e, seed);
  Runtime rt(*plat, e.cfg, rec);
  return rt.block_on(make_root());
}

}  // namespace as::future::test
