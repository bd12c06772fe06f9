// core/goroutine/stackcache.hpp — the stack pool a runtime leaves behind for the next one.
//
// Owns: at most one spare fiber::StackPool per process, with the warm stacks of a runtime that
// ended.
//
// Why: every runtime used to map fresh slabs for its goroutine stacks and unmap them at its end,
// so each run of 10,000 goroutines paid 10,000 guard installs and a page fault for every stack
// page it touched, and the unmapping — a quarter of the CPU cost of a timer-heavy program. A Go
// process keeps freed stacks in its stack pools (stack.go's stackpool/stackcache) for the next
// goroutines; here runtimes that come and go in one process (tests, benchmark repeats, the app's
// re-runs) hand their pool on the same way, as gcache.hpp does for G records.
//
// Invariants: a pool is kept only with no live stack (every goroutine's fiber is gone) and at
// most kMaxCachedStacks pooled stacks — a bigger one (a storm of 100,000 parked goroutines) is
// unmapped as before, so the memory a process keeps between runtimes stays bounded. A pool is
// handed only to a runtime asking for the same StackConfig. free_os_memory() (runtime.hpp)
// unmaps the spare pool.
#pragma once

#include <cstddef>
#include <memory>

#include "core/fiber/stack.hpp"

namespace as::go::detail {

inline constexpr size_t kMaxCachedStacks = 16'384;

// take_stack_pool returns the spare pool if it was made with `config`, else a new pool.
std::unique_ptr<fiber::StackPool> take_stack_pool(const fiber::StackConfig& config);
// return_stack_pool keeps `pool` as the spare one if it qualifies (see the top), else frees it.
void return_stack_pool(std::unique_ptr<fiber::StackPool> pool);
// release_stack_cache unmaps the spare pool; returns the number of stacks it held.
size_t release_stack_cache();

}  // namespace as::go::detail
