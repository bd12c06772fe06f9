// core/goroutine/elem_ops.hpp — how a channel moves, destroys and zeroes one element of its type.
//
// Owns: ElemOps, the small function table that lets one compiled copy of the channel algorithms
// (chan.cpp, chan_ring.hpp, select.cpp) serve every element type — Go moves element bytes with
// typedmemmove for the same reason — and lets select mix channels of different element types.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

namespace as::go::detail {

// How to move, destroy and zero-construct one element of a channel's type.
struct ElemOps {
  size_t size;
  size_t align;
  void (*move_construct)(void* dst, void* src);  // dst is raw storage
  void (*destroy)(void* p);
  void (*zero_construct)(void* dst);  // the zero value: T{}
};

template <class T>
const ElemOps* elem_ops() {
  static const ElemOps ops{
      sizeof(T), alignof(T),
      [](void* dst, void* src) { ::new (dst) T(std::move(*static_cast<T*>(src))); },
      [](void* p) { static_cast<T*>(p)->~T(); }, [](void* dst) { ::new (dst) T{}; }};
  return &ops;
}

}  // namespace as::go::detail
