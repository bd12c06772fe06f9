// core/goroutine/gcache.hpp — recycled goroutine records (proc.go's gfget/gfput, sched.gFree).
//
// Owns: the memory of dead Gs, kept for the next spawn instead of going back to the C heap.
//
// Why: a spawn storm makes 100,000 G records at once. Taken from the C heap that is ~50 MB of
// fresh memory per run, and the kernel's page faults and page zeroing were a third of the cost of
// spawning; glibc gives the memory back to the kernel when the storm is over, so the next storm
// faults it in again. Go never frees a g either: dead ones wait on per-P and global free lists for
// the next `go` statement. Here dead records wait on the freeing thread's own list (no lock: a G
// is made and freed on an M's thread), which spills half to, and refills from, one process-wide
// list under a mutex — so runtimes that come and go in one process reuse each other's records.
//
// Invariants: a cached block is raw memory of sizeof(G) (its G was destroyed). A thread's blocks
// move to the process-wide list when the thread exits. free_os_memory() (runtime.hpp) hands the
// process-wide list and the calling thread's list back to the C heap.
#pragma once

#include "core/goroutine/g.hpp"

namespace as::go::detail {

// new_g returns a freshly constructed G, in recycled memory when there is some.
G* new_g();
// free_g destroys g and keeps its memory for a later new_g.
void free_g(G* g);
// release_g_cache returns the cached blocks of the process-wide list and of the calling thread to
// the C heap (other threads' lists are returned as they exit); returns how many.
size_t release_g_cache();

}  // namespace as::go::detail
