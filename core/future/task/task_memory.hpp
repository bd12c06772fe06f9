// core/future/task/task_memory.hpp — where task cells and coroutine frames live.
//
// Owns: a size-class allocator for the two objects every spawn creates and every completion
// destroys: the task cell (raw_task.hpp) and coroutine frames (coroutine.hpp). Blocks are
// 16-byte granules up to 512 bytes, carved from 64 KiB slabs; each thread keeps one free list per
// size class, so allocating or freeing a block is a pointer pop or push: no lock, no atomic, no
// per-block header. (glibc's malloc spent about as many instructions on a spawn + join as the
// whole rest of the runtime, and put a 16-byte header in front of both blocks.) Tokio leans on
// the global allocator instead; mimalloc-style thread caches are why that is cheap in Rust.
//
// Invariants:
//   - deallocate gets the size allocate was called with (C++ sized delete provides it), so a
//     block needs no header;
//   - a block may be freed on another thread than the one that allocated it: it joins that
//     thread's free list (memory migrates with the work, as in tcmalloc's thread caches);
//   - when a thread exits its free lists move to a global depot under a mutex; a thread whose list
//     is empty takes the depot's list for that size class before carving a new slab, and the
//     uncarved end of an exited thread's slab is carved by the next thread that needs room (the
//     depot's mutex is taken only when the depot holds blocks of the class, or a slab runs
//     out). Slabs are never returned to the OS: the memory stays for reuse for the process
//     lifetime, like a malloc arena after free();
//   - larger blocks, and every block when built with a sanitizer, go to ::operator new/delete:
//     ASan and TSan must see each frame's lifetime to find use-after-free and races.
#pragma once

#include <cstddef>
#include <cstdint>

namespace as::future::memory {

inline constexpr std::size_t kGranule = 16;
inline constexpr std::size_t kMaxPooled = 512;

// allocate returns n bytes aligned to 16 (never null; throws std::bad_alloc).
void* allocate(std::size_t n);
// deallocate frees a block of n bytes from allocate(n).
void deallocate(void* p, std::size_t n) noexcept;
// free_bytes is the memory held in free lists (all threads and the depot), ready for reuse. A
// measurement of what new tasks occupy must count what they took from here as well as the growth
// of the resident set (the idle_memory benchmark does).
int64_t free_bytes();
// pooled is false in sanitizer builds (every block goes to ::operator new/delete).
bool pooled();

}  // namespace as::future::memory
