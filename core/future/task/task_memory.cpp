// core/future/task/task_memory.cpp — the slow paths of the size-class allocator of
// task_memory.hpp (the fast paths are inline there).
#include "core/future/task/task_memory.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

namespace as::future::memory {

#if AS_TASK_MEMORY_POOLED
namespace {

using detail::block_bytes;
using detail::class_of_bytes;
using detail::FreeBlock;
using detail::kClasses;
using detail::kClassStep;
using detail::LocalCache;
using detail::tl_cache;

constexpr std::size_t kSlabBytes = 64 * 1024;
// Blocks of an odd-multiple-of-8 class carved at once (even; at most 32 * 504 B of a 64 KiB slab).
constexpr std::size_t kOddBatch = 32;

struct Registration;

// A free list handed to the depot whole: its first block and its length (nobody knows its last).
struct FreeList {
  FreeBlock* head;
  std::size_t count;
};

// The depot: free lists of exited threads (and of frees that happen after a thread's cache died),
// and the registry of live thread caches (for free_bytes()).
struct Depot {
  std::mutex mu;
  // Per class, the lists exited threads left, each as it was (a thread that needs blocks takes
  // one whole list: no list is ever walked).
  std::vector<FreeList> lists[kClasses];
  // Blocks in lists[cls]. Written under mu; read without it by refill() to skip the lock when the
  // depot has nothing of that class (the common case: every fresh block of a spawn burst would
  // otherwise take the mutex once). A stale zero only means carving a new block instead.
  std::atomic<std::size_t> counts[kClasses] = {};
  Registration* caches = nullptr;  // intrusive list of live thread caches
  // Uncarved ends of the slabs of exited threads ([begin, end), at least kMaxPooled bytes).
  std::vector<std::pair<char*, char*>> spares;
};
Depot& depot() {
  static Depot* d = new Depot;  // never destroyed: frees may still arrive during static teardown
  return *d;
}

// push_list_locked hands a thread's whole list of class cls (count blocks) to the depot. Caller
// holds d.mu.
void push_list_locked(Depot& d, std::size_t cls, FreeBlock* head, std::size_t count) {
  d.lists[cls].push_back(FreeList{head, count});
  d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) + count,
                      std::memory_order_relaxed);
}

// push_block_to_depot frees one block into the depot (a thread without a live cache): it goes in
// front of the depot's last list of its class.
void push_block_to_depot(std::size_t cls, FreeBlock* b) {
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  if (d.lists[cls].empty()) {
    b->next = nullptr;
    push_list_locked(d, cls, b, 1);
    return;
  }
  FreeList& l = d.lists[cls].back();
  b->next = l.head;
  l.head = b;
  ++l.count;
  d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// Registration ties a thread's LocalCache to the depot: made at the thread's first block, it
// lists the cache for free_bytes() and, when the thread exits, hands its lists and the rest of
// its slab to the depot.
struct Registration {
  LocalCache* cache;
  Registration* next = nullptr;  // Depot::caches
  Registration* prev = nullptr;

  Registration() : cache(&tl_cache) {
    Depot& d = depot();
    std::lock_guard<std::mutex> lk(d.mu);
    next = d.caches;
    if (next) next->prev = this;
    d.caches = this;
    cache->state = 1;
  }
  ~Registration() {
    LocalCache& c = *cache;
    c.state = 2;
    Depot& d = depot();
    std::lock_guard<std::mutex> lk(d.mu);
    for (std::size_t cls = 0; cls < kClasses; ++cls) {
      if (FreeBlock* head = c.lists[cls])
        push_list_locked(d, cls, head, c.counts[cls].load(std::memory_order_relaxed));
      c.lists[cls] = nullptr;
      c.counts[cls].store(0, std::memory_order_relaxed);
    }
    if (c.bump && static_cast<std::size_t>(c.bump_end - c.bump) >= kMaxPooled)
      d.spares.emplace_back(c.bump, c.bump_end);
    c.bump = c.bump_end = nullptr;
    if (prev) {
      prev->next = next;
    } else {
      d.caches = next;
    }
    if (next) next->prev = prev;
  }
};

// ensure_registered makes the calling thread's registration (once per thread).
void ensure_registered() {
  thread_local Registration registration;
  (void)registration;
}

// refill returns a block of class cls for a live cache whose list for cls is empty: one of the
// depot's lists for the class, else a block carved from the slab (the rest of an exited thread's
// slab or a new slab when it cannot hold one). A class of an odd multiple of 8 bytes is carved
// kOddBatch blocks at a time (an even count: the cursor stays 16-aligned for allocate()'s blocks;
// the others join the free list, so the next kOddBatch - 1 allocations are inline pops).
void* refill(LocalCache& c, std::size_t cls) {
  Depot& d = depot();
  if (d.counts[cls].load(std::memory_order_relaxed) != 0) {
    std::lock_guard<std::mutex> lk(d.mu);
    if (!d.lists[cls].empty()) {
      const FreeList got = d.lists[cls].back();
      d.lists[cls].pop_back();
      d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) - got.count,
                          std::memory_order_relaxed);
      c.lists[cls] = got.head->next;
      c.add_free(cls, got.count - 1);
      return got.head;
    }
  }
  const std::size_t block = (cls + 1) * kClassStep;
  const bool odd = block % kGranule != 0;
  const std::size_t least = odd ? 2 * block : block;  // what one carve needs
  if (c.bump == nullptr || static_cast<std::size_t>(c.bump_end - c.bump) < least) {
    std::unique_lock<std::mutex> lk(d.mu);
    // The uncarved rest of an exited thread's slab, if it holds a carve.
    if (!d.spares.empty() &&
        static_cast<std::size_t>(d.spares.back().second - d.spares.back().first) >= least) {
      std::tie(c.bump, c.bump_end) = d.spares.back();
      d.spares.pop_back();
    } else {
      lk.unlock();
      c.bump = static_cast<char*>(::operator new(kSlabBytes));  // kept for the process lifetime
      c.bump_end = c.bump + kSlabBytes;
    }
  }
  // An odd class takes an even number of blocks (up to kOddBatch, as many as the slab holds).
  const std::size_t room = static_cast<std::size_t>(c.bump_end - c.bump) / block;
  const std::size_t n = odd ? std::min(kOddBatch, room) & ~std::size_t{1} : 1;
  char* const p = c.bump;
  c.bump += n * block;
  if (n > 1) {  // blocks 1..n-1, linked in address order, go in front of the class's list
    for (std::size_t i = 1; i + 1 < n; ++i)
      reinterpret_cast<FreeBlock*>(p + i * block)->next =
          reinterpret_cast<FreeBlock*>(p + (i + 1) * block);
    reinterpret_cast<FreeBlock*>(p + (n - 1) * block)->next = c.lists[cls];
    c.lists[cls] = reinterpret_cast<FreeBlock*>(p + block);
    c.add_free(cls, n - 1);
  }
  return p;
}

}  // namespace

namespace detail {

void* allocate_slow(std::size_t n, std::size_t granule) {
  if (n == 0 || n > kMaxPooled) return ::operator new(n);
  const std::size_t cls = class_of_bytes(block_bytes(n, granule));
  LocalCache& c = tl_cache;
  if (c.state == 0) ensure_registered();
  if (c.state == 2) {  // the thread is exiting: no cache any more
    {
      Depot& d = depot();
      std::lock_guard<std::mutex> lk(d.mu);
      if (!d.lists[cls].empty()) {
        FreeList& l = d.lists[cls].back();
        FreeBlock* got = l.head;
        l.head = got->next;
        if (--l.count == 0) d.lists[cls].pop_back();
        d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) - 1,
                            std::memory_order_relaxed);
        return got;
      }
    }
    return ::operator new(kMaxPooled);  // a block of the largest class: any class may own it
  }
  if (FreeBlock* b = c.lists[cls]) {  // registered just now: the fast path's work
    c.lists[cls] = b->next;
    c.take_free(cls);
    return b;
  }
  return refill(c, cls);
}

void deallocate_slow(void* p, std::size_t n, std::size_t granule) noexcept {
  if (!p) return;
  if (n == 0 || n > kMaxPooled) {
    ::operator delete(p);
    return;
  }
  const std::size_t cls = class_of_bytes(block_bytes(n, granule));
  auto* b = static_cast<FreeBlock*>(p);
  LocalCache& c = tl_cache;
  if (c.state == 0) {
    try {
      ensure_registered();
    } catch (...) {  // cannot register (out of memory): the block goes to the depot
    }
  }
  if (c.state != 1) {
    push_block_to_depot(cls, b);
    return;
  }
  b->next = c.lists[cls];
  c.lists[cls] = b;
  c.add_free(cls, 1);
}

}  // namespace detail

int64_t free_bytes() {
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  int64_t total = 0;
  for (std::size_t cls = 0; cls < kClasses; ++cls)
    total += static_cast<int64_t>(d.counts[cls].load(std::memory_order_relaxed) * (cls + 1) *
                                  kClassStep);
  for (Registration* r = d.caches; r; r = r->next)
    for (std::size_t cls = 0; cls < kClasses; ++cls)
      total += static_cast<int64_t>(r->cache->counts[cls].load(std::memory_order_relaxed) *
                                    (cls + 1) * kClassStep);
  return total;
}

bool pooled() {
  return true;
}

#else  // sanitizer build: every block is visible to the sanitizer

namespace detail {
void* allocate_slow(std::size_t n, std::size_t) {
  return ::operator new(n);
}
void deallocate_slow(void* p, std::size_t, std::size_t) noexcept {
  ::operator delete(p);
}
}  // namespace detail
int64_t free_bytes() {
  return 0;
}
bool pooled() {
  return false;
}

#endif

}  // namespace as::future::memory
