// core/future/sync/mpsc.hpp — multi-producer single-consumer channels (tokio::sync::mpsc).
//
//   auto [tx, rx] = mpsc::channel<int>(1);     // bounded: send waits while `capacity` are queued
//   auto [tx, rx] = mpsc::unbounded_channel<int>();
//   co_await tx.send(v)  → Result<Unit, SendError<T>>   (Err when the receiver is gone)
//   tx.send_now(v)       → unbounded send (never waits)
//   co_await rx.recv()   → std::optional<T>              (nullopt once every sender is dropped)
//   co_await rx.recv_many(buf, limit) → size_t            (appends up to `limit` queued values to
//                          buf in one operation — Tokio's recv_many; 0 once closed and empty)
//   rx.try_recv()        → std::optional<T>              (never waits)
//
// Owns: the queue (FIFO), the receiver's waker, and the FIFO of senders waiting for space.
// Back-pressure: a send that finds the queue full parks its WaitNode; each recv that frees a slot
// notifies the oldest waiting sender. A notified sender that is dropped before it used its turn
// passes the notification to the next one — otherwise that sender would wait forever (the
// "notified-then-cancelled" lost wakeup that the tests pin down).
// Invariants: values leave in the order they entered; len <= capacity for bounded channels;
// every operation holds mu for a few stores only; wakers are woken after unlocking.
// The queue is a ring (sync/ring_queue.hpp): a send or receive is an index mask and a move.
// A send or receive reads the clock for its event; the wake it causes reuses that time. A batch
// receive (recv_many) is one operation and one chan.recv event whose len_after says how much it
// took, which is why draining in batches is cheaper than receiving one value at a time.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/future/coop.hpp"
#include "core/future/executor/scheduler.hpp"
#include "core/future/result.hpp"
#include "core/future/sync/ring_queue.hpp"
#include "core/future/sync/spin_lock.hpp"
#include "core/future/sync/wait_list.hpp"

namespace as::future::mpsc {

template <class T>
struct SendError {
  T value;
};

namespace detail {
inline std::atomic<uint64_t> next_channel_id{1};

template <class T>
struct Chan {
  explicit Chan(size_t cap)
      : capacity(cap),
        id(current_scheduler() ? current_scheduler()->next_object_id()
                               : next_channel_id.fetch_add(1)) {}
  sync::SpinLock mu;
  sync::RingQueue<T> queue;
  size_t capacity;  // 0 = unbounded
  size_t senders = 1;
  bool rx_alive = true;
  Waker rx_waker;
  sync::WaitList send_waiters;
  uint64_t id;

  bool has_space() const { return capacity == 0 || queue.size() < capacity; }
  // notify_sender_locked picks the oldest waiting sender (if any) and returns its waker.
  Waker notify_sender_locked() {
    if (sync::WaitNode* n = send_waiters.pop_front()) {
      n->notified = true;
      return std::move(n->waker);
    }
    return {};
  }
  // Channel events go on the lane of the task being polled (tl_current.recorder is the polling
  // runtime's recorder, null outside a poll or with tracing off). An operation stamps its event
  // under mu (so one channel's events keep the lock's order) and writes it after mu is released
  // (the critical section holds no event encoding while a task on another worker spins for it).
  // The tests are inline; the recording is not (an untraced runtime pays one load and branch).
  struct Stamp {
    trace::Recorder* rec = nullptr;
    int64_t ts = 0;
    uint64_t len = 0;
  };
  Stamp stamp(uint64_t len) {
    Stamp s;
    if (trace::Recorder* rec = tl_current.recorder) [[unlikely]] {
      s.rec = rec;
      s.ts = rec->now();
      s.len = len;
    }
    return s;
  }
  void emit(const Stamp& s, trace::EventKind k, uint64_t a2 = 0) {
    if (s.rec) [[unlikely]]
      record(s, k, a2);
  }
  [[gnu::noinline]] void record(const Stamp& s, trace::EventKind k, uint64_t a2) {
    s.rec->emit_at(s.ts, k, tl_current.worker, tl_current.task, id, s.len, a2);
  }
  // trace stamps and writes at once (where nothing contends: the channel's creation).
  void trace(trace::EventKind k, uint64_t len) { emit(stamp(len), k); }
};

// take_queued moves up to `limit` queued values into `sink` as ONE receive (mu held through
// `lk`, released here): one chan.recv event, and one waiting sender notified per freed slot —
// the shared body of recv, try_recv and recv_many.
template <class T, class Sink>
size_t take_queued(Chan<T>& c, std::unique_lock<sync::SpinLock>& lk, size_t limit, Sink&& sink) {
  size_t n = 0;
  Waker first;              // usually the only sender to notify
  std::vector<Waker> more;  // a batch may free slots for several
  while (n < limit && !c.queue.empty()) {
    sink(c.queue.pop_front());
    ++n;
    if (Waker w = c.notify_sender_locked(); !w.empty()) {
      if (first.empty()) {
        first = std::move(w);
      } else {
        more.push_back(std::move(w));
      }
    }
  }
  const typename Chan<T>::Stamp took = c.stamp(c.queue.size());
  lk.unlock();
  c.emit(took, trace::EventKind::ChanRecv, 1);
  if (!first.empty()) {
    WakeReasonScope why(trace::Reason::ChanRecv, kWakeSameTime);  // stamped with the receive
    first.wake();
    for (Waker& w : more) w.wake();
  }
  return n;
}
}  // namespace detail

template <class T>
class Sender;
template <class T>
class Receiver;

// SendFuture — a hand-written state machine: Start → (full) Waiting in send_waiters → Done.
// It borrows the channel (like RecvFuture, and like Rust's `send(&self)`): keep the Sender alive
// while the future is pending. Borrowing spares an atomic reference-count increment and decrement
// per message. A send that never had to wait was never linked into send_waiters, so its destructor
// has nothing to unlink and does not take the lock (`waited_` is written by its own poll only).
template <class T>
class SendFuture {
 public:
  SendFuture(detail::Chan<T>* c, T v) : chan_(c), value_(std::move(v)) {}
  SendFuture(SendFuture&& o) noexcept
      : chan_(std::exchange(o.chan_, nullptr)), value_(std::move(o.value_)), waited_(o.waited_) {}
  ~SendFuture() {
    if (!chan_ || !waited_) return;
    Waker pass_on;
    {
      std::lock_guard<sync::SpinLock> lk(chan_->mu);
      chan_->send_waiters.remove(&node_);
      // We were given a free slot but are cancelled before using it: hand it to the next sender.
      if (node_.notified && chan_->has_space()) pass_on = chan_->notify_sender_locked();
    }
    pass_on.wake();
  }

  Poll<Result<Unit, SendError<T>>> poll(Context& cx) {
    if (!coop::poll_proceed(cx)) return pending;
    Waker rx;
    typename detail::Chan<T>::Stamp sent;
    {
      std::unique_lock<sync::SpinLock> lk(chan_->mu);
      node_.notified = false;
      if (!chan_->rx_alive) {
        chan_->send_waiters.remove(&node_);
        return Result<Unit, SendError<T>>(Err{SendError<T>{std::move(*value_)}});
      }
      if (!chan_->has_space()) {
        if (!node_.queued) chan_->send_waiters.push_back(&node_);
        waited_ = true;
        node_.waker.clone_if_changed(cx.waker());
        lk.unlock();
        note_block(trace::Reason::ChanSend, chan_->id);
        return pending;
      }
      if (waited_) chan_->send_waiters.remove(&node_);
      chan_->queue.push_back(std::move(*value_));
      value_.reset();
      sent = chan_->stamp(chan_->queue.size());
      rx = std::move(chan_->rx_waker);
    }
    chan_->emit(sent, trace::EventKind::ChanSend);
    if (!rx.empty()) {
      WakeReasonScope why(trace::Reason::ChanSend, kWakeSameTime);  // stamped with the send
      rx.wake();
    }
    return Result<Unit, SendError<T>>(Unit{});
  }

 private:
  detail::Chan<T>* chan_;
  std::optional<T> value_;
  bool waited_ = false;  // node_ was linked into send_waiters at least once
  sync::WaitNode node_;
};

template <class T>
class Sender {
 public:
  explicit Sender(std::shared_ptr<detail::Chan<T>> c) : chan_(std::move(c)) {}
  Sender(const Sender& o) : chan_(o.chan_) {
    std::lock_guard<sync::SpinLock> lk(chan_->mu);
    ++chan_->senders;
  }
  Sender(Sender&&) noexcept = default;
  Sender& operator=(Sender&& o) noexcept {
    if (this != &o) {
      drop();
      chan_ = std::move(o.chan_);
    }
    return *this;
  }
  ~Sender() { drop(); }

  // send borrows the channel: keep this sender alive while the future is pending.
  SendFuture<T> send(T v) const { return SendFuture<T>(chan_.get(), std::move(v)); }
  // send_now queues v without waiting (unbounded channels; bounded: Err when full).
  Result<Unit, SendError<T>> send_now(T v) const {
    Waker rx;
    typename detail::Chan<T>::Stamp sent;
    {
      std::lock_guard<sync::SpinLock> lk(chan_->mu);
      if (!chan_->rx_alive || !chan_->has_space()) return Err{SendError<T>{std::move(v)}};
      chan_->queue.push_back(std::move(v));
      sent = chan_->stamp(chan_->queue.size());
      rx = std::move(chan_->rx_waker);
    }
    chan_->emit(sent, trace::EventKind::ChanSend);
    WakeReasonScope why(trace::Reason::ChanSend);
    rx.wake();
    return Unit{};
  }
  bool is_closed() const {
    std::lock_guard<sync::SpinLock> lk(chan_->mu);
    return !chan_->rx_alive;
  }

 private:
  void drop() {
    if (!chan_) return;
    Waker rx;
    {
      std::lock_guard<sync::SpinLock> lk(chan_->mu);
      if (--chan_->senders == 0) rx = std::move(chan_->rx_waker);
    }
    WakeReasonScope why(trace::Reason::ChanClose);
    rx.wake();
    chan_.reset();
  }
  std::shared_ptr<detail::Chan<T>> chan_;
};

// RecvFuture — Ready(value), Ready(nullopt) when closed and empty, else Pending with the waker
// kept.
template <class T>
class RecvFuture {
 public:
  explicit RecvFuture(detail::Chan<T>* c) : chan_(c) {}
  Poll<std::optional<T>> poll(Context& cx) {
    if (!coop::poll_proceed(cx)) return pending;
    std::unique_lock<sync::SpinLock> lk(chan_->mu);
    if (chan_->queue.empty()) {
      if (chan_->senders == 0) return std::optional<T>();
      chan_->rx_waker.clone_if_changed(cx.waker());
      lk.unlock();
      note_block(trace::Reason::ChanRecv, chan_->id);
      return pending;
    }
    std::optional<T> v;
    detail::take_queued(*chan_, lk, 1, [&](T&& x) { v.emplace(std::move(x)); });
    return v;
  }

 private:
  detail::Chan<T>* chan_;
};

// RecvManyFuture — Ready(n): n > 0 values appended to the buffer (at most `limit`), or Ready(0)
// when closed and empty; else Pending with the waker kept. Like tokio's recv_many.
template <class T>
class RecvManyFuture {
 public:
  RecvManyFuture(detail::Chan<T>* c, std::vector<T>* out, size_t limit)
      : chan_(c), out_(out), limit_(limit) {}
  Poll<size_t> poll(Context& cx) {
    if (limit_ == 0) return size_t{0};
    if (!coop::poll_proceed(cx)) return pending;
    std::unique_lock<sync::SpinLock> lk(chan_->mu);
    if (chan_->queue.empty()) {
      if (chan_->senders == 0) return size_t{0};
      chan_->rx_waker.clone_if_changed(cx.waker());
      lk.unlock();
      note_block(trace::Reason::ChanRecv, chan_->id);
      return pending;
    }
    return detail::take_queued(*chan_, lk, limit_, [&](T&& x) { out_->push_back(std::move(x)); });
  }

 private:
  detail::Chan<T>* chan_;
  std::vector<T>* out_;
  size_t limit_;
};

template <class T>
class Receiver {
 public:
  explicit Receiver(std::shared_ptr<detail::Chan<T>> c) : chan_(std::move(c)) {}
  Receiver(Receiver&&) noexcept = default;
  Receiver& operator=(Receiver&&) noexcept = default;
  ~Receiver() { close(); }

  // recv borrows the receiver: keep the receiver alive while the future is pending.
  RecvFuture<T> recv() { return RecvFuture<T>(chan_.get()); }
  // recv_many borrows the receiver and `out`: keep both alive while the future is pending.
  RecvManyFuture<T> recv_many(std::vector<T>& out, size_t limit) {
    return RecvManyFuture<T>(chan_.get(), &out, limit);
  }
  std::optional<T> try_recv() {
    std::optional<T> v;
    std::unique_lock<sync::SpinLock> lk(chan_->mu);
    if (chan_->queue.empty()) return v;
    detail::take_queued(*chan_, lk, 1, [&](T&& x) { v.emplace(std::move(x)); });
    return v;
  }
  // close: senders fail from now on; waiting senders are woken (their send returns Err).
  void close() {
    if (!chan_) return;
    std::vector<Waker> wake;
    {
      std::lock_guard<sync::SpinLock> lk(chan_->mu);
      chan_->rx_alive = false;
      while (sync::WaitNode* n = chan_->send_waiters.pop_front())
        wake.push_back(std::move(n->waker));
      chan_->rx_waker.reset();
    }
    for (auto& w : wake) w.wake();
  }
  uint64_t id() const { return chan_->id; }

 private:
  std::shared_ptr<detail::Chan<T>> chan_;
};

template <class T>
std::pair<Sender<T>, Receiver<T>> channel(size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("mpsc::channel: capacity must be > 0");
  auto c = std::make_shared<detail::Chan<T>>(capacity);
  c->trace(trace::EventKind::ChanMake, capacity);
  return {Sender<T>(c), Receiver<T>(c)};
}
template <class T>
std::pair<Sender<T>, Receiver<T>> unbounded_channel() {
  auto c = std::make_shared<detail::Chan<T>>(0);
  c->trace(trace::EventKind::ChanMake, 0);
  return {Sender<T>(c), Receiver<T>(c)};
}

}  // namespace as::future::mpsc
