// core/future/task/waker_slot.hpp — WakerSlot: a stored Waker in one word instead of two.
//
// Owns: what it holds, exactly as a Waker would (a task waker's reference and live count).
// Why: a stored waker sits in every parked future (a Notify or semaphore wait node, a channel's
// waiting sender) and in every task (its JoinHandle's waker), so its size is paid per parked task.
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
    if (word_ != 0) take().reset();
  }

  bool empty() const { return word_ == 0; }
  // clone_if_changed stores a clone of w unless the stored waker wakes the same owner.
  void clone_if_changed(const Waker& w) {
    if (wakes_like(w)) return;
    std::uintptr_t next = 0;
    if (w.vtable() == &kTaskWakerVTable) {
      next = reinterpret_cast<std::uintptr_t>(kTaskWakerVTable.clone(w.data()));
    } else if (!w.empty()) {
      next = reinterpret_cast<std::uintptr_t>(new Waker(w)) | kBoxed;
    }
    Waker old = take();  // the new clone first, then the old one's drop (as Waker's assignment)
    word_ = next;
    old.reset();
  }
  // take moves the stored waker out (the slot is empty afterwards).
  Waker take() {
    const std::uintptr_t w = std::exchange(word_, 0);
    if (w == 0) return Waker();
    if (w & kBoxed) {
      Waker* boxed = reinterpret_cast<Waker*>(w & ~kBoxed);
      Waker out = std::move(*boxed);
      delete boxed;
      return out;
    }
    return Waker(reinterpret_cast<const void*>(w), &kTaskWakerVTable);
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
  std::uintptr_t word_ = 0;
};

}  // namespace as::future
