// core/future/task/task_memory.hpp — where task cells and coroutine frames live.
//
// Owns: a size-class allocator for the two objects every spawn creates and every completion
// destroys: the task cell (raw_task.hpp) and coroutine frames (coroutine.hpp). Size classes are
// 8 bytes apart up to 512 bytes, carved from 64 KiB slabs; each thread keeps one free list per
// size class, so allocating or freeing a block is a pointer pop or push: no lock, no atomic, no
// per-block header. allocate(n) hands out 16-aligned blocks (n rounded up to 16: a coroutine
// frame's alignment is not known to its operator new); allocate_packed(n) serves objects that
// need only 8-byte alignment (task cells, whose type is known) in 8-byte steps, so a 120-byte
// cell does not occupy 128 bytes: every byte of a parked task is memory the program pays. (glibc's
// malloc spent about as many instructions on a spawn + join as the whole rest of the runtime, and
// put a 16-byte header in front of both blocks.) Tokio leans on the global allocator instead;
// mimalloc-style thread caches are why that is cheap in Rust.
//
// Invariants:
//   - deallocate gets the size allocate was called with (C++ sized delete provides it), so a
//     block needs no header; deallocate_packed frees what allocate_packed returned;
//   - the slab cursor stays 16-aligned: a class whose size is an odd multiple of 8 (only
//     allocate_packed uses those) is carved an even number of blocks at a time, all but one going
//     to the free list; so every block of an even class (allocate's) is 16-aligned;
//   - a block may be freed on another thread than the one that allocated it: it joins that
//     thread's free list (memory migrates with the work, as in tcmalloc's thread caches);
//   - when a thread exits its free lists move to a global depot under a mutex, each whole, as it
//     is (a list and its length: the thread counts its blocks per class, so the hand-off walks
//     nothing — walking them to find each list's tail touched every free block once more, cache
//     cold: after 100,000 spawns that was a third of a spawn_join run's time, paid by the run
//     that stopped its worker threads); a thread whose list
//     is empty takes one of the depot's lists for that size class before carving a new slab, and
//     the uncarved end of an exited thread's slab is carved by the next thread that needs room (the
//     depot's mutex is taken only when the depot holds blocks of the class, or a slab runs
//     out). Slabs are never returned to the OS: the memory stays for reuse for the process
//     lifetime, like a malloc arena after free();
//   - larger blocks, and every block when built with a sanitizer, go to ::operator new/delete:
//     ASan and TSan must see each frame's lifetime to find use-after-free and races.
// Fast path: a thread's free lists and slab cursor are a trivially constructible and destructible
// thread_local (detail::LocalCache), so allocate/deallocate reach them with one TLS-relative
// address and are inline: a pop or a push, or a bump of the slab cursor (~10 instructions). The
// rest — a thread's first block (it registers its cache with the depot), an empty class list and
// an exhausted slab (refill: the depot's list for the class, else a new slab), blocks larger
// than kMaxPooled, and frees during thread exit — is out of line. The registration's destructor
// moves the lists to the depot when the thread exits and marks the cache dead (state 2), after
// which this thread's blocks go to and come from the depot under its mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AS_TASK_MEMORY_POOLED 0
#else
#define AS_TASK_MEMORY_POOLED 1
#endif

namespace as::future::memory {

inline constexpr std::size_t kGranule = 16;       // alignment of allocate()'s blocks
inline constexpr std::size_t kPackedGranule = 8;  // alignment of allocate_packed()'s blocks
inline constexpr std::size_t kMaxPooled = 512;

namespace detail {

inline constexpr std::size_t kClassStep = 8;
inline constexpr std::size_t kClasses = kMaxPooled / kClassStep;

struct FreeBlock {
  FreeBlock* next;
};

// LocalCache is one thread's free lists and the slab it carves (see the file comment).
struct LocalCache {
  FreeBlock* lists[kClasses] = {};
  char* bump = nullptr;  // next uncarved byte of the slab
  char* bump_end = nullptr;
  // Blocks in each free list. Written by the owner only (load + store, no locked instruction),
  // read by free_bytes() from any thread; the thread's exit hands each list over with its count.
  std::atomic<std::size_t> counts[kClasses] = {};
  int state = 0;  // 0 = not registered yet, 1 = live, 2 = thread exiting (use the depot)

  void add_free(std::size_t cls, std::size_t n) {
    counts[cls].store(counts[cls].load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void take_free(std::size_t cls) {
    counts[cls].store(counts[cls].load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }
};
inline thread_local LocalCache tl_cache;

// block_bytes is the block size for a request of n bytes (n in [1, kMaxPooled]) in steps of
// `granule` (16: allocate, 8: allocate_packed); class_of_bytes its size class (blocks of
// (class + 1) * kClassStep bytes).
inline std::size_t block_bytes(std::size_t n, std::size_t granule) {
  return (n + granule - 1) & ~(granule - 1);
}
inline std::size_t class_of_bytes(std::size_t bytes) {
  return bytes / kClassStep - 1;
}

void* allocate_slow(std::size_t n, std::size_t granule);
void deallocate_slow(void* p, std::size_t n, std::size_t granule) noexcept;

// allocate_in / deallocate_in: the fast paths (see the file comment), for blocks of `granule`.
inline void* allocate_in(std::size_t n, std::size_t granule) {
#if AS_TASK_MEMORY_POOLED
  LocalCache& c = tl_cache;
  if (n - 1 < kMaxPooled && c.state == 1) [[likely]] {  // n in [1, kMaxPooled], cache live
    const std::size_t bytes = block_bytes(n, granule);
    const std::size_t cls = class_of_bytes(bytes);
    if (FreeBlock* b = c.lists[cls]) {
      c.lists[cls] = b->next;
      c.take_free(cls);
      return b;
    }
    // Odd multiples of 8 are carved in batches (allocate_slow), keeping the cursor 16-aligned.
    if (bytes % kGranule == 0 && static_cast<std::size_t>(c.bump_end - c.bump) >= bytes) {
      void* p = c.bump;
      c.bump += bytes;
      return p;
    }
  }
#endif
  return allocate_slow(n, granule);
}

inline void deallocate_in(void* p, std::size_t n, std::size_t granule) noexcept {
#if AS_TASK_MEMORY_POOLED
  LocalCache& c = tl_cache;
  if (p != nullptr && n - 1 < kMaxPooled && c.state == 1) [[likely]] {
    const std::size_t bytes = block_bytes(n, granule);
    auto* b = static_cast<FreeBlock*>(p);
    const std::size_t cls = class_of_bytes(bytes);
    b->next = c.lists[cls];
    c.lists[cls] = b;
    c.add_free(cls, 1);
    return;
  }
#endif
  deallocate_slow(p, n, granule);
}

}  // namespace detail

// allocate returns n bytes aligned to 16 (never null; throws std::bad_alloc).
inline void* allocate(std::size_t n) {
  return detail::allocate_in(n, kGranule);
}
// deallocate frees a block of n bytes from allocate(n).
inline void deallocate(void* p, std::size_t n) noexcept {
  detail::deallocate_in(p, n, kGranule);
}
// allocate_packed returns n bytes aligned to 8 (for types with alignof <= 8), rounded to 8.
inline void* allocate_packed(std::size_t n) {
  return detail::allocate_in(n, kPackedGranule);
}
// deallocate_packed frees a block of n bytes from allocate_packed(n).
inline void deallocate_packed(void* p, std::size_t n) noexcept {
  detail::deallocate_in(p, n, kPackedGranule);
}

// free_bytes is the memory held in free lists (all threads and the depot), ready for reuse. A
// measurement of what new tasks occupy must count what they took from here as well as the growth
// of the resident set (the idle_memory benchmark does).
int64_t free_bytes();
// pooled is false in sanitizer builds (every block goes to ::operator new/delete).
bool pooled();

}  // namespace as::future::memory
