// core/fiber/stack.hpp — fiber stacks: reserved virtual memory, committed lazily, pooled.
//
// Owns: the memory a fiber runs on, and its measurement.
//
// How a stack is laid out (addresses grow upward; the stack grows DOWN from top()):
//
//      base()                 limit()                                            top()
//        | guard (PROT_NONE)  | usable: committed page by page on first touch ... |
//
// - The usable part is mapped MAP_NORESERVE and never touched by us, so the kernel commits a page
//   only when the fiber first writes it — a 256 KiB (or 1 GiB, like Go's max) reservation costs
//   one or two pages of RAM for a shallow fiber. Transparent huge pages are disabled on stacks
//   (MADV_NOHUGEPAGE) so one touch cannot commit 2 MiB.
// - The guard page below limit() turns an overflow into a SIGSEGV that stack_overflow.hpp turns
//   into a clear report instead of silent corruption of the neighbour. Where the kernel has guard
//   regions (Linux 6.13+, madvise MADV_GUARD_INSTALL) a guard is a page-table marker: no new
//   mapping, about a quarter of the cost of mprotect. Otherwise it is an mprotect(PROT_NONE) page.
// - Stacks are carved out of slabs (one mmap per StackConfig::slab_bytes): Linux limits a process
//   to vm.max_map_count (often 65530) mappings, and every guard page splits a mapping in two, so
//   100,000 stacks with one mmap and one guard each would not fit. StackConfig::max_guarded caps
//   how many stacks get a guard page; stacks beyond it are unguarded (counted in Stats) — a
//   documented trade-off for benchmarks that park 100k tasks at once. Guard regions split no
//   mapping, so a runtime can lift the cap where lightweight_guards() says they exist.
// - StackPool keeps released stacks for reuse, so spawning a fiber costs no system call.
//   shrink_idle() gives the pooled stacks' pages back (madvise MADV_DONTNEED), which is what Go
//   does to idle goroutine stacks at GC time.
//
// Measurement (all cheap enough for sampling at park points, O(reserved pages) for mincore):
//   used depth      top() - stack pointer (the caller passes the saved SP; see Fiber::used_bytes)
//   committed       pages resident in RAM (mincore)
//   high water      top() - lowest resident page: the deepest the stack has ever been since the
//                   last shrink
//   reserved        top() - base(), guard included
//
// Thread safety: a Stack is owned by one fiber; StackPool is thread-safe (one mutex; fibers of the
// os platform are created and finished on many threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace as::fiber {

struct StackConfig {
  size_t reserve_bytes = 256 * 1024;  // usable size of each stack (rounded up to pages)
  size_t guard_bytes = 4096;          // PROT_NONE guard below each stack (rounded up to pages)
  size_t slab_bytes = 16u << 20;  // stacks are carved from mmaps of about this size (>= 1 stack)
  size_t max_guarded = 24'000;    // stacks with a guard page (2 mappings each); 0 = no guards
  // Released stacks beyond this many pooled ones have their pages given back at release (one
  // madvise each). The default never does: a madvise per release would dominate spawn costs, so
  // memory is returned in bulk by shrink_idle(), which a runtime calls when it is idle — the way
  // Go frees stack memory at GC, not at goroutine exit. Slabs are unmapped only by ~StackPool.
  size_t max_pooled = SIZE_MAX;
};

// Stack — one fiber stack (a view into a slab; the pool owns the memory).
class Stack {
 public:
  Stack() = default;

  bool valid() const { return top_ != nullptr; }
  char* base() const { return base_; }    // lowest address, guard included
  char* limit() const { return limit_; }  // lowest usable address
  char* top() const { return top_; }      // one past the highest usable address (initial SP)
  size_t usable_bytes() const { return static_cast<size_t>(top_ - limit_); }
  size_t reserved_bytes() const { return static_cast<size_t>(top_ - base_); }
  bool guarded() const { return limit_ != base_; }

  // in_guard is true if addr lies in the guard page(s). Async-signal-safe.
  bool in_guard(const void* addr) const;
  // contains is true if addr lies in [base, top). Async-signal-safe.
  bool contains(const void* addr) const;

  // committed_bytes counts resident pages of the usable part (mincore).
  size_t committed_bytes() const;
  // high_water_bytes is top() minus the lowest resident page (0 if none is resident).
  size_t high_water_bytes() const;
  // release_below gives back (MADV_DONTNEED) every whole page below `keep_from` (clamped to the
  // usable part). Pass the fiber's saved SP minus a margin to shrink a suspended fiber, or top()
  // to empty an idle stack. Returns the bytes released (as measured by committed_bytes()).
  size_t release_below(const void* keep_from);

  // committed_sample is the committed figure its users last measured or modelled for this stack —
  // a sample, not a measurement: pages touched since are not in it. It travels with the stack
  // through the pool, so the next fiber on a reused stack starts from it without a mincore call
  // (release_below lowers it to what can still be resident).
  size_t committed_sample() const { return committed_sample_; }
  void set_committed_sample(size_t bytes) { committed_sample_ = bytes; }

 private:
  friend class StackPool;
  char* base_ = nullptr;
  char* limit_ = nullptr;
  char* top_ = nullptr;
  size_t committed_sample_ = 0;
  bool fresh_ = true;  // carved from a slab, never handed out (guard not decided yet)
};

// StackPool — allocates stacks from slabs and reuses released ones.
class StackPool {
 public:
  struct Stats {
    uint64_t mmaps = 0;         // slabs mapped so far (each one mmap system call)
    uint64_t acquires = 0;      // acquire() calls
    uint64_t reuses = 0;        // acquire() calls served from the pool (no new memory)
    size_t live = 0;            // stacks acquired and not yet released
    size_t pooled = 0;          // released stacks waiting for reuse
    size_t unguarded = 0;       // stacks handed out without a guard page (see max_guarded)
    size_t reserved_bytes = 0;  // total virtual memory mapped by this pool
  };

  explicit StackPool(StackConfig config = {});
  // ~StackPool unmaps all slabs. If stacks are still in use (leaked fibers), it reports that on
  // stderr and keeps the memory mapped instead, so the leak cannot become a crash.
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  const StackConfig& config() const { return config_; }
  // lightweight_guards: guard pages are guard regions here (no mapping each; see the top).
  static bool lightweight_guards();

  // acquire returns a stack (from the pool if possible). Throws std::bad_alloc if mmap fails.
  Stack acquire();
  // release returns a stack for reuse; its pages stay committed until shrink_idle().
  void release(Stack stack);
  // shrink_idle releases the memory of every pooled stack; returns bytes given back.
  size_t shrink_idle();

  Stats stats() const;
  // committed_bytes sums committed_bytes() over pooled stacks (live ones belong to their fibers).
  size_t pooled_committed_bytes() const;

 private:
  void map_slab();  // requires mu_

  StackConfig config_;
  size_t page_ = 4096;
  size_t stride_ = 0;  // guard + usable, page aligned
  mutable std::mutex mu_;
  std::vector<std::pair<char*, size_t>> slabs_;  // (address, length)
  std::vector<Stack> free_;                      // fresh carved stacks and released ones (LIFO)
  Stats stats_;
  size_t guarded_ = 0;
};

}  // namespace as::fiber
