// core/future/task/task_memory.cpp — the size-class allocator of task_memory.hpp.
#include "core/future/task/task_memory.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AS_TASK_MEMORY_POOLED 0
#else
#define AS_TASK_MEMORY_POOLED 1
#endif

namespace as::future::memory {

#if AS_TASK_MEMORY_POOLED
namespace {

constexpr std::size_t kClasses = kMaxPooled / kGranule;
constexpr std::size_t kSlabBytes = 64 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

std::size_t class_of(std::size_t n) {
  return (n + kGranule - 1) / kGranule - 1;  // n in [1, kMaxPooled]
}

struct ThreadCache;

// The depot: free lists of exited threads (and of frees that happen after a thread's cache died),
// and the registry of live thread caches (for free_bytes()).
struct Depot {
  std::mutex mu;
  FreeBlock* lists[kClasses] = {};
  // Blocks in lists[cls]. Written under mu; read without it by refill() to skip the lock when the
  // depot has nothing of that class (the common case: every fresh block of a spawn burst would
  // otherwise take the mutex once). A stale zero only means carving a new block instead.
  std::atomic<std::size_t> counts[kClasses] = {};
  ThreadCache* caches = nullptr;  // intrusive list of live thread caches
  // Uncarved ends of the slabs of exited threads ([begin, end), at least kMaxPooled bytes).
  std::vector<std::pair<char*, char*>> spares;
};
Depot& depot() {
  static Depot* d = new Depot;  // never destroyed: frees may still arrive during static teardown
  return *d;
}

void push_to_depot(std::size_t cls, FreeBlock* head, FreeBlock* tail, std::size_t count) {
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  tail->next = d.lists[cls];
  d.lists[cls] = head;
  d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) + count,
                      std::memory_order_relaxed);
}

// A thread's caches: the free lists and the slab being carved.
struct ThreadCache {
  FreeBlock* lists[kClasses] = {};
  char* bump = nullptr;
  char* bump_end = nullptr;
  // Bytes in this thread's free lists. Written by the owner only (load + store, no locked
  // instruction), read by free_bytes() from any thread.
  std::atomic<int64_t> free{0};
  ThreadCache* next = nullptr;  // Depot::caches
  ThreadCache* prev = nullptr;

  void add_free(int64_t n) {
    free.store(free.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  ThreadCache();
  ~ThreadCache();

  void* refill(std::size_t cls) {
    if (depot().counts[cls].load(std::memory_order_relaxed) != 0) {
      Depot& d = depot();
      std::lock_guard<std::mutex> lk(d.mu);
      if (FreeBlock* got = d.lists[cls]) {
        const std::size_t count = d.counts[cls].load(std::memory_order_relaxed);
        d.lists[cls] = nullptr;
        d.counts[cls].store(0, std::memory_order_relaxed);
        lists[cls] = got->next;
        add_free(static_cast<int64_t>((count - 1) * (cls + 1) * kGranule));
        return got;
      }
    }
    const std::size_t bytes = (cls + 1) * kGranule;
    if (bump == nullptr || static_cast<std::size_t>(bump_end - bump) < bytes) {
      Depot& d = depot();
      std::unique_lock<std::mutex> lk(d.mu);
      if (!d.spares.empty()) {  // the uncarved rest of an exited thread's slab
        std::tie(bump, bump_end) = d.spares.back();
        d.spares.pop_back();
      } else {
        lk.unlock();
        bump = static_cast<char*>(::operator new(kSlabBytes));  // kept for the process lifetime
        bump_end = bump + kSlabBytes;
      }
    }
    void* p = bump;
    bump += bytes;
    return p;
  }
};

// 0 = this thread has no cache yet, 1 = live, 2 = destroyed (thread exiting). Trivial TLS, so it
// stays readable while the thread's other thread_locals are being destroyed.
thread_local int tl_cache_state = 0;

ThreadCache::ThreadCache() {
  tl_cache_state = 1;
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  next = d.caches;
  if (next) next->prev = this;
  d.caches = this;
}

ThreadCache::~ThreadCache() {
  tl_cache_state = 2;
  for (std::size_t cls = 0; cls < kClasses; ++cls) {
    FreeBlock* head = lists[cls];
    if (!head) continue;
    FreeBlock* tail = head;
    std::size_t count = 1;
    for (; tail->next; tail = tail->next) ++count;
    push_to_depot(cls, head, tail, count);
    lists[cls] = nullptr;
  }
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  if (bump && static_cast<std::size_t>(bump_end - bump) >= kMaxPooled)
    d.spares.emplace_back(bump, bump_end);
  if (prev) {
    prev->next = next;
  } else {
    d.caches = next;
  }
  if (next) next->prev = prev;
}

ThreadCache& cache() {
  thread_local ThreadCache c;
  return c;
}

}  // namespace

void* allocate(std::size_t n) {
  if (n == 0 || n > kMaxPooled) return ::operator new(n);
  const std::size_t cls = class_of(n);
  if (tl_cache_state == 2) {  // the thread is exiting: no cache any more
    {
      Depot& d = depot();
      std::lock_guard<std::mutex> lk(d.mu);
      if (FreeBlock* got = d.lists[cls]) {
        d.lists[cls] = got->next;
        d.counts[cls].store(d.counts[cls].load(std::memory_order_relaxed) - 1,
                            std::memory_order_relaxed);
        return got;
      }
    }
    return ::operator new(kMaxPooled);  // a block of the largest class: any class may own it
  }
  ThreadCache& c = cache();
  if (FreeBlock* b = c.lists[cls]) {
    c.lists[cls] = b->next;
    c.add_free(-static_cast<int64_t>((cls + 1) * kGranule));
    return b;
  }
  return c.refill(cls);
}

void deallocate(void* p, std::size_t n) noexcept {
  if (!p) return;
  if (n == 0 || n > kMaxPooled) {
    ::operator delete(p);
    return;
  }
  const std::size_t cls = class_of(n);
  auto* b = static_cast<FreeBlock*>(p);
  if (tl_cache_state == 2) {
    b->next = nullptr;
    push_to_depot(cls, b, b, 1);
    return;
  }
  ThreadCache& c = cache();
  b->next = c.lists[cls];
  c.lists[cls] = b;
  c.add_free(static_cast<int64_t>((cls + 1) * kGranule));
}

int64_t free_bytes() {
  Depot& d = depot();
  std::lock_guard<std::mutex> lk(d.mu);
  int64_t total = 0;
  for (std::size_t cls = 0; cls < kClasses; ++cls)
    total +=
        static_cast<int64_t>(d.counts[cls].load(std::memory_order_relaxed) * (cls + 1) * kGranule);
  for (ThreadCache* c = d.caches; c; c = c->next) total += c->free.load(std::memory_order_relaxed);
  return total;
}

bool pooled() {
  return true;
}

#else  // sanitizer build: every block is visible to the sanitizer

void* allocate(std::size_t n) {
  return ::operator new(n);
}
void deallocate(void* p, std::size_t) noexcept {
  ::operator delete(p);
}
int64_t free_bytes() {
  return 0;
}
bool pooled() {
  return false;
}

#endif

}  // namespace as::future::memory
