// core/goroutine/gcache.cpp — recycled goroutine records (see gcache.hpp).
#include "core/goroutine/gcache.hpp"

#include <algorithm>
#include <mutex>
#include <new>
#include <vector>

namespace as::go::detail {

namespace {

constexpr size_t kLocalMax = 256;  // a thread's list spills half of itself beyond this
constexpr size_t kBatch = kLocalMax / 2;

// The process-wide list (Go's sched.gFree). Never destroyed: threads may still return their
// blocks while the process shuts down; the blocks stay reachable, so leak checkers are quiet.
struct GlobalList {
  std::mutex mu;
  std::vector<void*> blocks;
};
GlobalList& global_list() {
  static GlobalList* list = new GlobalList();
  return *list;
}

// A thread's own list (Go's p.gFree). Its blocks go to the global list when the thread exits.
struct LocalList {
  std::vector<void*> blocks;
  ~LocalList() {
    if (blocks.empty()) return;
    GlobalList& g = global_list();
    std::lock_guard lock(g.mu);
    g.blocks.insert(g.blocks.end(), blocks.begin(), blocks.end());
  }
};
thread_local LocalList t_local;

// Reached only through these out-of-line functions, and never across a fiber switch: a goroutine
// may resume on another thread, so no thread-local address may be kept over a switch.
// Under AddressSanitizer every G comes from the heap and goes back to it, so a use of a dead G
// is still reported.
#if defined(__SANITIZE_ADDRESS__) || defined(ASYNCSCOPE_ASAN)
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif

[[gnu::noinline]] void* take_block() {
  if (!kRecycle) return ::operator new(sizeof(G), std::align_val_t(alignof(G)));
  std::vector<void*>& local = t_local.blocks;
  if (local.empty()) {
    GlobalList& g = global_list();
    std::lock_guard lock(g.mu);
    const size_t n = std::min(kBatch, g.blocks.size());
    local.insert(local.end(), g.blocks.end() - static_cast<ptrdiff_t>(n), g.blocks.end());
    g.blocks.resize(g.blocks.size() - n);
  }
  if (local.empty()) return ::operator new(sizeof(G), std::align_val_t(alignof(G)));
  void* block = local.back();
  local.pop_back();
  return block;
}

[[gnu::noinline]] void put_block(void* block) {
  if (!kRecycle) {
    ::operator delete(block, std::align_val_t(alignof(G)));
    return;
  }
  std::vector<void*>& local = t_local.blocks;
  local.push_back(block);
  if (local.size() <= kLocalMax) return;
  GlobalList& g = global_list();
  std::lock_guard lock(g.mu);
  g.blocks.insert(g.blocks.end(), local.end() - static_cast<ptrdiff_t>(kBatch), local.end());
  local.resize(local.size() - kBatch);
}

void free_blocks(std::vector<void*>& blocks) {
  for (void* b : blocks) ::operator delete(b, std::align_val_t(alignof(G)));
  blocks.clear();
  blocks.shrink_to_fit();
}

}  // namespace

G* new_g() {
  return new (take_block()) G();
}

void free_g(G* g) {
  g->~G();
  put_block(g);
}

size_t release_g_cache() {
  size_t n = t_local.blocks.size();
  free_blocks(t_local.blocks);
  GlobalList& g = global_list();
  std::lock_guard lock(g.mu);
  n += g.blocks.size();
  free_blocks(g.blocks);
  return n;
}

}  // namespace as::go::detail
