// core/future/sync/oneshot.hpp — a single-value channel (tokio::sync::oneshot).
//
//   auto [tx, rx] = oneshot::channel<int>();
//   tx.send(5);                       → Result<Unit, int> (Err(value) if the receiver is gone)
//   co_await rx                       → Result<T, RecvError> (Err if the sender was dropped)
// Owns: the value slot and the receiver's waker. Invariant: at most one value ever passes.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "core/future/coop.hpp"
#include "core/future/result.hpp"
#include "core/future/sync/spin_lock.hpp"
#include "core/future/task/current.hpp"

namespace as::future::oneshot {

struct RecvError {};

namespace detail {
template <class T>
struct Slot {
  sync::SpinLock mu;
  std::optional<T> value;
  bool tx_gone = false;
  bool rx_gone = false;
  Waker rx_waker;
};
}  // namespace detail

template <class T>
class Sender {
 public:
  explicit Sender(std::shared_ptr<detail::Slot<T>> s) : slot_(std::move(s)) {}
  Sender(Sender&&) noexcept = default;
  Sender& operator=(Sender&&) noexcept = default;
  ~Sender() {
    if (!slot_) return;
    Waker w;
    {
      std::lock_guard<sync::SpinLock> lk(slot_->mu);
      slot_->tx_gone = true;
      w = std::move(slot_->rx_waker);
    }
    w.wake();
  }
  // send delivers v (consumes the sender).
  Result<Unit, T> send(T v) {
    auto s = std::move(slot_);
    Waker w;
    {
      std::lock_guard<sync::SpinLock> lk(s->mu);
      s->tx_gone = true;
      if (s->rx_gone) return Err{std::move(v)};
      s->value.emplace(std::move(v));
      w = std::move(s->rx_waker);
    }
    WakeReasonScope why(trace::Reason::ChanSend);
    w.wake();
    return Unit{};
  }

 private:
  std::shared_ptr<detail::Slot<T>> slot_;
};

template <class T>
class Receiver {
 public:
  explicit Receiver(std::shared_ptr<detail::Slot<T>> s) : slot_(std::move(s)) {}
  Receiver(Receiver&&) noexcept = default;
  Receiver& operator=(Receiver&&) noexcept = default;
  ~Receiver() {
    if (!slot_) return;
    std::lock_guard<sync::SpinLock> lk(slot_->mu);
    slot_->rx_gone = true;
    slot_->rx_waker.reset();
  }
  Poll<Result<T, RecvError>> poll(Context& cx) {
    if (!coop::poll_proceed(cx)) return pending;
    std::lock_guard<sync::SpinLock> lk(slot_->mu);
    if (slot_->value) {
      T v = std::move(*slot_->value);
      slot_->value.reset();
      return Result<T, RecvError>(std::move(v));
    }
    if (slot_->tx_gone) return Result<T, RecvError>(Err{RecvError{}});
    slot_->rx_waker.clone_if_changed(cx.waker());
    note_block(trace::Reason::ChanRecv, 0);
    return pending;
  }

 private:
  std::shared_ptr<detail::Slot<T>> slot_;
};

template <class T>
std::pair<Sender<T>, Receiver<T>> channel() {
  auto s = std::make_shared<detail::Slot<T>>();
  return {Sender<T>(s), Receiver<T>(s)};
}

}  // namespace as::future::oneshot
