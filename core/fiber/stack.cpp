// core/fiber/stack.cpp — slab-allocated, lazily committed, pooled fiber stacks (see stack.hpp).
#include "core/fiber/stack.hpp"

#include <sys/mman.h>
#include <unistd.h>

#if defined(ASYNCSCOPE_ASAN) || defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define AS_STACK_UNPOISON(addr, len) __asan_unpoison_memory_region((addr), (len))
#else
#define AS_STACK_UNPOISON(addr, len) ((void)0)
#endif

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <new>

namespace as::fiber {
namespace {

size_t page_size() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

// Linux 6.13's guard regions; older kernels (and older headers) reject or lack the advice.
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

// try_guard_region installs a guard region, or returns false if it could not; once the kernel
// says it does not know the advice (EINVAL) it is not asked again.
bool try_guard_region(char* addr, size_t len) {
  static std::atomic<bool> unsupported{false};
  if (unsupported.load(std::memory_order_relaxed)) return false;
  if (madvise(addr, len, MADV_GUARD_INSTALL) == 0) return true;
  if (errno == EINVAL) unsupported.store(true, std::memory_order_relaxed);
  return false;
}

// count_resident calls fn(page_address, resident) for every page of [lo, hi), in chunks so a
// 1 GiB reservation needs no big buffer.
template <typename Fn>
void for_each_page(char* lo, char* hi, Fn&& fn) {
  const size_t page = page_size();
  unsigned char vec[1024];
  for (char* chunk = lo; chunk < hi;) {
    const size_t pages = std::min<size_t>(sizeof vec, static_cast<size_t>(hi - chunk) / page);
    if (pages == 0) break;
    if (mincore(chunk, pages * page, vec) != 0) return;  // not mapped: report nothing
    for (size_t i = 0; i < pages; ++i) fn(chunk + i * page, (vec[i] & 1) != 0);
    chunk += pages * page;
  }
}

}  // namespace

bool Stack::in_guard(const void* addr) const {
  const char* p = static_cast<const char*>(addr);
  return p >= base_ && p < limit_;
}

bool Stack::contains(const void* addr) const {
  const char* p = static_cast<const char*>(addr);
  return p >= base_ && p < top_;
}

size_t Stack::committed_bytes() const {
  if (!valid()) return 0;
  size_t resident = 0;
  for_each_page(limit_, top_, [&](char*, bool in) { resident += in ? page_size() : 0; });
  return resident;
}

size_t Stack::high_water_bytes() const {
  if (!valid()) return 0;
  char* lowest = nullptr;
  // Stacks grow down: the first resident page from the bottom is the deepest ever touched.
  for_each_page(limit_, top_, [&](char* page, bool in) {
    if (in && lowest == nullptr) lowest = page;
  });
  return lowest ? static_cast<size_t>(top_ - lowest) : 0;
}

size_t Stack::release_below(const void* keep_from) {
  if (!valid()) return 0;
  const char* keep = std::clamp(static_cast<const char*>(keep_from),
                                static_cast<const char*>(limit_), static_cast<const char*>(top_));
  const uintptr_t end = reinterpret_cast<uintptr_t>(keep) / page_size() * page_size();
  char* hi = reinterpret_cast<char*>(end);
  if (hi <= limit_) return 0;
  committed_sample_ = std::min(committed_sample_, static_cast<size_t>(top_ - hi));
  size_t before = 0;
  for_each_page(limit_, hi, [&](char*, bool in) { before += in ? page_size() : 0; });
  if (before == 0) return 0;
  madvise(limit_, static_cast<size_t>(hi - limit_), MADV_DONTNEED);
  return before;
}

StackPool::StackPool(StackConfig config) : config_(config), page_(page_size()) {
  config_.reserve_bytes = round_up(std::max<size_t>(config_.reserve_bytes, 4 * page_), page_);
  config_.guard_bytes = round_up(config_.guard_bytes, page_);
  stride_ = config_.reserve_bytes + config_.guard_bytes;
  config_.slab_bytes = std::max(round_up(config_.slab_bytes, stride_), stride_);
}

bool StackPool::lightweight_guards() {
  static const bool supported = [] {
    const size_t page = page_size();
    void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return false;
    const bool ok = try_guard_region(static_cast<char*>(mem), page);
    munmap(mem, 2 * page);
    return ok;
  }();
  return supported;
}

StackPool::~StackPool() {
  if (stats_.live != 0) {
    // Fibers still use our stacks (a runtime leaked them). Unmapping would turn that leak into a
    // crash the next time one of them runs or is destroyed: keep the memory and say so.
    std::fprintf(
        stderr, "asyncscope: StackPool destroyed with %zu stacks still in use; leaking %zu bytes\n",
        stats_.live, stats_.reserved_bytes);
    return;
  }
  for (auto [addr, len] : slabs_) {
    AS_STACK_UNPOISON(addr, len);  // see release(): the memory may become heap later
    munmap(addr, len);
  }
}

void StackPool::map_slab() {
  const size_t len = config_.slab_bytes;
  // MAP_NORESERVE: reserve address space only; pages are committed on first touch.
  void* mem = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  madvise(mem, len, MADV_NOHUGEPAGE);  // one touch must commit one page, not 2 MiB
  char* slab = static_cast<char*>(mem);
  slabs_.emplace_back(slab, len);
  ++stats_.mmaps;
  stats_.reserved_bytes += len;
  // Carve from the top so that the LIFO free list hands out the lowest stack first (any order
  // works; this one keeps neighbouring stacks' guard pages between them).
  for (size_t off = len; off >= stride_; off -= stride_) {
    Stack s;
    s.base_ = slab + off - stride_;
    s.top_ = slab + off;
    s.limit_ = s.base_;
    free_.push_back(s);
  }
}

Stack StackPool::acquire() {
  std::lock_guard lock(mu_);
  ++stats_.acquires;
  if (free_.empty()) map_slab();
  Stack s = free_.back();
  free_.pop_back();
  if (!s.fresh_) {
    ++stats_.reuses;  // served from the pool: no system call at all
    --stats_.pooled;
  } else {
    // The guard page is decided the first time a carved stack is handed out: a guard splits the
    // slab's mapping (see max_guarded in stack.hpp).
    s.fresh_ = false;
    if (config_.guard_bytes > 0 && guarded_ < config_.max_guarded &&
        (try_guard_region(s.base_, config_.guard_bytes) ||
         mprotect(s.base_, config_.guard_bytes, PROT_NONE) == 0)) {
      ++guarded_;
      s.limit_ = s.base_ + config_.guard_bytes;
    } else {
      ++stats_.unguarded;
      s.limit_ = s.base_;
    }
  }
  ++stats_.live;
  return s;
}

void StackPool::release(Stack stack) {
  if (!stack.valid()) return;
  std::lock_guard lock(mu_);
  assert(stats_.live > 0);
  --stats_.live;
  ++stats_.pooled;
  // ASan: a finished fiber's last frames never return, so their redzones stay poisoned in the
  // shadow memory. Clear it, or the next fiber on this stack (or whatever reuses the address range
  // after ~StackPool) gets false "stack-buffer" reports.
  AS_STACK_UNPOISON(stack.limit(), stack.usable_bytes());
  if (stats_.pooled > config_.max_pooled) stack.release_below(stack.top());
  free_.push_back(stack);
}

size_t StackPool::shrink_idle() {
  std::lock_guard lock(mu_);
  size_t released = 0;
  for (Stack& s : free_) released += s.release_below(s.top());
  return released;
}

StackPool::Stats StackPool::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t StackPool::pooled_committed_bytes() const {
  std::lock_guard lock(mu_);
  size_t sum = 0;
  for (const Stack& s : free_) sum += s.committed_bytes();
  return sum;
}

}  // namespace as::fiber
