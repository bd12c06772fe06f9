// core/future/waker.hpp — Waker and Context (Rust's std::task::{Waker, RawWaker, Context}).
//
// Owns: the type-erased handle a pending future keeps so that whoever makes progress possible
// (a channel send, a timer, the reactor) can ask the executor to poll it again.
//
// Contract (the one every future in this folder obeys and the tests check):
//   - a future that returns Pending has stored (cloned) the Waker of the Context it was given;
//   - every wake leads to at least one later poll of the task;
//   - wakes that happen before that poll merge into one poll;
//   - only the most recent Waker matters: a future re-polled with a new Context replaces the stored
//     one (Waker::will_wake tells when the clone can be skipped).
//
// A Waker is a (data, vtable) pair exactly like Rust's RawWaker, so the executor's task wakers, the
// block_on thread waker and test wakers share one type. clone/wake/wake_by_ref/drop are vtable
// calls; the task waker traces them (WakerClone/WakerWake/WakerDrop) with its owning task — except
// a clone that only restores the live count the trace already shows (see task/raw_task.hpp).
//
// Context is what poll receives: a borrowed Waker (no reference count taken, like Rust's
// `&Waker`). Futures that need to keep it must clone it.
#pragma once

#include <cstdint>
#include <utility>

namespace as::future {

struct WakerVTable {
  // clone returns the data of a new reference (usually the same pointer with a count taken).
  const void* (*clone)(const void* data);
  // wake consumes the reference and schedules the owner.
  void (*wake)(const void* data);
  // wake_by_ref schedules the owner without consuming the reference.
  void (*wake_by_ref)(const void* data);
  // drop releases the reference.
  void (*drop)(const void* data);
};

class Waker {
 public:
  Waker() = default;  // an empty waker: waking it does nothing (a "noop" waker)
  Waker(const void* data, const WakerVTable* vtable) : data_(data), vtable_(vtable) {}
  Waker(const Waker& o)
      : data_(o.vtable_ ? o.vtable_->clone(o.data_) : nullptr), vtable_(o.vtable_) {}
  Waker(Waker&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), vtable_(std::exchange(o.vtable_, nullptr)) {}
  Waker& operator=(const Waker& o) {
    if (this != &o) *this = Waker(o);
    return *this;
  }
  Waker& operator=(Waker&& o) noexcept {
    if (this != &o) {
      reset();
      data_ = std::exchange(o.data_, nullptr);
      vtable_ = std::exchange(o.vtable_, nullptr);
    }
    return *this;
  }
  ~Waker() { reset(); }

  // wake schedules the owner and gives up this reference (the Waker becomes empty).
  void wake() {
    if (vtable_) {
      auto* vt = std::exchange(vtable_, nullptr);
      vt->wake(std::exchange(data_, nullptr));
    }
  }
  // wake_by_ref schedules the owner and keeps this reference.
  void wake_by_ref() const {
    if (vtable_) vtable_->wake_by_ref(data_);
  }
  // will_wake is true when both wake the same owner (a stored clone may then be kept).
  bool will_wake(const Waker& o) const { return data_ == o.data_ && vtable_ == o.vtable_; }
  bool empty() const { return vtable_ == nullptr; }
  // reset drops the reference (traced WakerDrop for task wakers).
  void reset() {
    if (vtable_) {
      auto* vt = std::exchange(vtable_, nullptr);
      vt->drop(std::exchange(data_, nullptr));
    }
  }
  // clone_if_changed stores a clone of `w` unless this already wakes the same owner: the
  // "only the latest waker matters" rule, without re-cloning on every poll.
  void clone_if_changed(const Waker& w) {
    if (!will_wake(w)) *this = w;
  }

  // into_raw gives up this reference without dropping it and returns its data (the Waker becomes
  // empty): the caller now owns that reference (Rust's Waker::into_raw / mem::forget).
  const void* into_raw() {
    vtable_ = nullptr;
    return std::exchange(data_, nullptr);
  }
  const void* data() const { return data_; }
  const WakerVTable* vtable() const { return vtable_; }

 private:
  const void* data_ = nullptr;
  const WakerVTable* vtable_ = nullptr;
};

// Context is what a future's poll receives: the waker of the task being polled (borrowed).
class Context {
 public:
  explicit Context(const Waker& waker) : waker_(&waker) {}
  const Waker& waker() const { return *waker_; }

 private:
  const Waker* waker_;
};

}  // namespace as::future
