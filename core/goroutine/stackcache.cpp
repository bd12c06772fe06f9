// core/goroutine/stackcache.cpp — the spare stack pool between runtimes (see stackcache.hpp).
#include "core/goroutine/stackcache.hpp"

#include <mutex>
#include <utility>

namespace as::go::detail {

namespace {

struct SparePool {
  std::mutex mu;
  std::unique_ptr<fiber::StackPool> pool;
};
// Never destroyed (like gcache's list): a runtime may end while the process shuts down.
SparePool& spare() {
  static SparePool* s = new SparePool();
  return *s;
}

bool same_config(const fiber::StackConfig& a, const fiber::StackConfig& b) {
  return a.reserve_bytes == b.reserve_bytes && a.guard_bytes == b.guard_bytes &&
         a.slab_bytes == b.slab_bytes && a.max_guarded == b.max_guarded &&
         a.max_pooled == b.max_pooled;
}

}  // namespace

std::unique_ptr<fiber::StackPool> take_stack_pool(const fiber::StackConfig& config) {
  // A pool normalises its config (rounding to pages); compare against what this one would become.
  auto fresh_config = fiber::StackPool(config).config();
  std::unique_ptr<fiber::StackPool> pool;
  {
    SparePool& s = spare();
    std::lock_guard lock(s.mu);
    if (s.pool && same_config(s.pool->config(), fresh_config)) pool = std::move(s.pool);
  }
  if (!pool) pool = std::make_unique<fiber::StackPool>(config);
  return pool;
}

void return_stack_pool(std::unique_ptr<fiber::StackPool> pool) {
  if (!pool) return;
  const fiber::StackPool::Stats st = pool->stats();
  if (st.live != 0 || st.pooled > kMaxCachedStacks) return;  // freed here (or kept by ~StackPool)
  std::unique_ptr<fiber::StackPool> old;
  {
    SparePool& s = spare();
    std::lock_guard lock(s.mu);
    old = std::exchange(s.pool, std::move(pool));
  }
  // old (another runtime's spare, if two ended one after the other) is unmapped outside the lock
}

size_t release_stack_cache() {
  std::unique_ptr<fiber::StackPool> old;
  {
    SparePool& s = spare();
    std::lock_guard lock(s.mu);
    old = std::move(s.pool);
  }
  return old ? old->stats().pooled : 0;
}

}  // namespace as::go::detail
