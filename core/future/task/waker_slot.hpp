// core/future/task/waker_slot.hpp — WakerSlot: a stored Waker in one word instead of two.
//
// Owns: what it holds, exactly as a Waker would (a task waker's reference and live count).
// Why: a stored waker sits in every task (its JoinHandle's waker) and in every future parked on a
// Notify (Notified), so its size is paid per parked task. (sync::WaitNode — semaphore and channel
// waiters — keeps a plain Waker: its users are hot message-passing paths that gain nothing here.)
// Nearly every stored waker is a task's, and a task waker's data is its task pointer with the one
// vtable kTaskWakerVTable: the slot keeps just that pointer. Any other waker (block_on's thread
// waker, a test's or a hand-written executor's) is boxed on the heap (bit 0 set: a task is
// 8-aligned); no waker is 0.
// Moving a slot out as an rvalue (`Waker w = std::move(slot)`, as one would move a Waker member)
// takes what it holds and leaves it empty — so code that stored a Waker reads the same.
#pragma once

#include <cstdint>
#include <utility>

#include "core/future/waker.hpp"

namespace as::future {

// The vtable of task wakers (task/raw_task.cpp).
extern const WakerVTable kTaskWakerVTable;

class WakerSlot {
 public:
  WakerSlot() = default;
  WakerSlot(const WakerSlot&) = delete;
  WakerSlot& operator=(const WakerSlot&) = delete;
  ~WakerSlot() {
    if (word_ != 0) drop(word_);
  }

  bool empty() const { return word_ == 0; }
  // clone_if_changed stores a clone of w unless the stored waker wakes the same owner.
  void clone_if_changed(const Waker& w) {
    if (!wakes_like(w)) replace(w);
  }
  // take moves the stored waker out (the slot is empty afterwards).
  Waker take() {
    const std::uintptr_t w = std::exchange(word_, 0);
    if (w & kBoxed) return unbox(w);
    return w == 0 ? Waker() : Waker(reinterpret_cast<const void*>(w), &kTaskWakerVTable);
  }
  // An rvalue slot converts to the Waker it held (take()).
  operator Waker() && { return take(); }

 private:
  static constexpr std::uintptr_t kBoxed = 1;
  bool wakes_like(const Waker& w) const {
    if (word_ == 0) return w.empty();
    if (word_ & kBoxed) return reinterpret_cast<const Waker*>(word_ & ~kBoxed)->will_wake(w);
    return w.vtable() == &kTaskWakerVTable && w.data() == reinterpret_cast<const void*>(word_);
  }
  // Out of line (task/raw_task.cpp), so that the inline part — in every future holding a slot —
  // stays a test and a call: the stored clone's drop, a new clone, a boxed waker.
  void replace(const Waker& w);                 // store a clone of w (then drop the old one)
  static void drop(std::uintptr_t w) noexcept;  // drop what a non-empty word holds
  static Waker unbox(std::uintptr_t w);         // the Waker of a boxed word (frees the box)
  std::uintptr_t word_ = 0;
};

}  // namespace as::future
