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
// Owns: the queue (FIFO, sync/block_queue.hpp), the receiver's waker, and the FIFO of senders
// waiting for space.
// The two sides do not share a lock on the data path (what made procs=2 slow: the receiver and
// the sender spun for one lock, and its cache line crossed cores on every operation):
//   - senders serialize on `mu`: a send appends and publishes its value, and takes the receiver's
//     waker if the receiver parked. The receiver takes `mu` only to park (so no send can slip
//     between its "queue is empty" and its stored waker) and to notify waiting senders;
//   - the receiver takes values without a lock (everything published is its own), then publishes
//     how far it got in `released` with ONE atomic add, which also tells it whether a sender
//     waits for space (the kSendersWaiting bit, set by a sender under `mu` with an atomic or;
//     both being read-modify-writes of one word, one of them always sees the other).
// Per message: the sender's lock, the receiver's add, and the receiver's lock when it parks — as
// many atomic read-modify-writes as one lock per operation, but nobody waits for the other side.
// The receiver's task waker stays stored between messages: a send that finds the receiver parked
// makes the wake's transition under mu (RawTask::notify_untraced / notify_traced: the task's CAS
// takes the queue's reference) and schedules the task after unlocking (send_finish; traced, it
// first writes the send's event with the TaskUnblock packed in), so the receiver's next park finds
// its waker stored and clones nothing (Waker::clone_if_changed) — one atomic RMW less per message.
// The trace is the same as for a waker woken by value and re-cloned (that pair wrote no
// WakerDrop/WakerClone event either: the live count it shows is unchanged). A traced wake whose
// events depend on the transition (merged, running, another thread's send) moves the waker out
// and wakes it by value as before. So a Receiver holds a reference to the last task that parked on
// it until it is closed or dropped: like any stored waker, drop it before the runtime.
// Back-pressure: a send that finds `capacity` values queued parks its WaitNode; each receive that
// frees a slot notifies the oldest waiting sender. A notified sender that is dropped before it
// used its turn passes the notification to the next one — otherwise that sender would wait
// forever (the "notified-then-cancelled" lost wakeup that the tests pin down).
// Invariants: values leave in the order they entered; queued values <= capacity for bounded
// channels; wakers are woken after unlocking.
// Tracing: a send is stamped before it publishes its value and a receive after it took, so a value
// is never received before it was sent on the timeline; len_after is the queue length as that side
// saw it. The send's stamp is read before its lock (inside, the clock read cost future fanout 25%
// at the same instruction count): a receiver may begin a poll after it and park before the send
// takes its waker — the wake then does not take the send's time (RawTask::wake re-reads the clock
// when a cause time is not after the woken task's latest PollBegin). A send that wakes the parked
// receiver leaves its event to that wake (WakeCause), which writes it with the receiver's
// TaskUnblock packed in: one recorded event for the pair. A receive that its task re-polls first
// thing after PollBegin takes PollBegin's time (no clock read: only the executor ran in between;
// Chan::stamp_leaf); if it emptied the queue and that PollBegin rode in the previous poll's
// PollEnd, it rides in that record too (Chan::emit_recv). A batch receive (recv_many) is one
// operation and one chan.recv event whose len_after says how much it left, which is why draining in
// batches is cheaper than one value at a time.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "core/future/coop.hpp"
#include "core/future/executor/scheduler.hpp"
#include "core/future/result.hpp"
#include "core/future/sync/block_queue.hpp"
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

  // ---- senders' side: guarded by mu ----
  sync::SpinLock mu;
  size_t capacity;  // 0 = unbounded
  size_t senders = 1;
  bool rx_alive = true;
  bool rx_parked = false;  // the receiver found the queue empty and left rx_waker
  Waker rx_waker;
  sync::WaitList send_waiters;
  uint64_t id;
  sync::BlockQueue<T> queue;  // its tail is the senders' (under mu), its head the receiver's
  // ---- the receiver's side ----
  // released = (values taken so far) << 1 | kSendersWaiting. Written by the receiver with one
  // atomic add per receive; senders read it for the free space, and set kSendersWaiting (under mu)
  // before they park, so that the receive that frees a slot knows it must take mu and notify.
  static constexpr uint64_t kSendersWaiting = 1;
  alignas(64) std::atomic<uint64_t> released{0};

  // queued_locked: how many values are queued as the senders see it (mu held).
  uint64_t queued_locked() const {
    return queue.tail() - (released.load(std::memory_order_acquire) >> 1);
  }
  bool has_space_locked() const { return capacity == 0 || queued_locked() < capacity; }
  // wait_for_space_locked: full — announce a waiting sender, then look again: a receive that
  // released a slot before our announcement is in `released` now (same word, both atomic
  // read-modify-writes); one after it sees the bit and notifies. True = still full, park.
  bool wait_for_space_locked() {
    const uint64_t r =
        released.fetch_or(kSendersWaiting, std::memory_order_acq_rel) | kSendersWaiting;
    return queue.tail() - (r >> 1) >= capacity;
  }
  // notify_sender_locked picks the oldest waiting sender (if any) and returns its waker.
  Waker notify_sender_locked() {
    if (sync::WaitNode* n = send_waiters.pop_front()) {
      n->notified = true;
      return std::move(n->waker);
    }
    return {};
  }
  // take_rx_waker_locked: the parked receiver must run (the last sender left): its waker, moved
  // out.
  Waker take_rx_waker_locked() {
    if (!rx_parked) return {};
    rx_parked = false;
    return std::move(rx_waker);
  }
  // wake_rx_locked: a send made the queue non-empty — the parked receiver must run. A task's waker
  // stays stored: its wake's transition is made here, under mu (RawTask::notify_untraced, or on a
  // traced runtime notify_traced for the send stamped at `ts` by the task polling here), and
  // `notified` is the task to schedule after unlocking (send_finish) — the receiver's next park
  // then finds its waker stored and clones nothing. Otherwise (block_on's waker, a traced wake
  // whose events depend on the transition) the waker is moved out, to be woken after unlocking.
  Waker wake_rx_locked(RawTask*& notified, trace::Recorder* rec, int64_t ts) {
    if (!rx_parked) return {};
    if (rx_waker.vtable() == &kTaskWakerVTable) {
      RawTask* t = static_cast<RawTask*>(const_cast<void*>(rx_waker.data()));
      const RawTask::Notify n = rec ? t->notify_traced(rec, ts) : t->notify_untraced();
      if (n != RawTask::Notify::kUseWake) {
        rx_parked = false;
        if (n == RawTask::Notify::kSchedule) notified = t;
        return {};
      }
    }
    rx_parked = false;
    return std::move(rx_waker);
  }

  // Channel events go on the lane of the task being polled (tl_current.recorder is the polling
  // runtime's recorder, null outside a poll or with tracing off). An operation stamps its event
  // (a send before it publishes, a receive after it took) and writes it after any lock.
  // The tests are inline; the recording is not (an untraced runtime pays one load and branch).
  struct Stamp {
    trace::Recorder* rec = nullptr;
    int64_t ts = 0;
    uint64_t len = 0;
    bool fresh = false;  // ts is the task's PollBegin time (stamp_leaf)
  };
  static Stamp stamp() {
    Stamp s;
    if (trace::Recorder* rec = tl_current.recorder) [[unlikely]] {
      s.rec = rec;
      s.ts = rec->now();
    }
    return s;
  }
  // stamp_leaf: the stamp of an operation of leaf future `leaf` — its task's PollBegin time when
  // the executor re-polls that leaf first thing in the poll (tl_current.fresh_leaf: only executor
  // code ran since PollBegin), else a clock read.
  static Stamp stamp_leaf(const void* leaf) {
    Stamp s;
    if (trace::Recorder* rec = tl_current.recorder) [[unlikely]] {
      s.rec = rec;
      s.fresh = tl_current.fresh_leaf == leaf;
      s.ts = s.fresh ? tl_current.fresh_ts : rec->now();
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
  // emit_recv writes a receive's event (ok = 1). One that took PollBegin's time and emptied the
  // queue rides in the record of that PollBegin when it is still open — the previous poll's
  // PollEnd carrying it (Scheduler::run_task, Recorder::emit_at_open): one record for the three.
  void emit_recv(const Stamp& s) {
    if (s.rec) [[unlikely]]
      record_recv(s);
  }
  [[gnu::noinline]] void record_recv(const Stamp& s) {
    if (s.fresh && s.len == 0 && id <= UINT16_MAX &&
        s.rec->add_follow_on(s.ts, trace::FollowOn{trace::EventKind::ChanRecv, tl_current.task,
                                                   static_cast<uint16_t>(id)}))
      return;
    record(s, trace::EventKind::ChanRecv, 1);
  }
  // trace stamps and writes at once (where nothing contends: the channel's creation).
  void trace(trace::EventKind k, uint64_t len) {
    Stamp s = stamp();
    s.len = len;
    emit(s, k);
  }

  // push_locked appends v (mu held, space checked) and returns the parked receiver's waker to
  // wake, or sets `notified` to its task to schedule (wake_rx_locked) — both after unlocking.
  Waker push_locked(T&& v, Stamp& sent, RawTask*& notified) {
    queue.push(std::move(v));
    sent.len = queued_locked();
    return wake_rx_locked(notified, sent.rec, sent.ts);
  }
};

// send_traced traces a send (stamped before it published its value) and wakes the receiver it
// found parked (if any). The wake writes the send's event itself when it can carry its TaskUnblock
// along (WakeCause: one event for the pair) — for a receiver task of the runtime polling here
// directly (RawTask::wake_caused: no thread-local scope, no waker vtable, its arguments in
// registers), any other waker through the general path (send_traced_general); otherwise — no
// wake, or a waker that traced nothing — it is written here.
template <class T>
[[gnu::noinline]] void send_traced_general(Chan<T>& c, const typename Chan<T>::Stamp& sent,
                                           Waker& rx) {
  WakeCause cause{sent.rec, sent.ts, trace::EventKind::ChanSend, c.id, sent.len, 0};
  {
    WakeReasonScope why(trace::Reason::ChanSend, cause);  // the wake takes the send's time
    rx.wake();
  }
  if (!cause.written) c.record(sent, trace::EventKind::ChanSend, 0);
}
template <class T>
[[gnu::noinline]] void send_traced(Chan<T>& c, const typename Chan<T>::Stamp& sent, Waker& rx) {
  if (rx.empty()) {  // no receiver to wake (it is busy): most sends of a busy channel
    c.record(sent, trace::EventKind::ChanSend, 0);
    return;
  }
  // The common wake: a receiver task of the runtime polling here (no thread-local round trip).
  if (RawTask::wake_caused(rx, sent.rec, sent.ts, trace::EventKind::ChanSend, c.id, sent.len,
                           trace::Reason::ChanSend))
    return;
  send_traced_general(c, sent, rx);
}

// send_done: a send published its value; trace it and wake the receiver it found parked.
template <class T>
inline void send_done(Chan<T>& c, const typename Chan<T>::Stamp& sent, Waker& rx) {
  if (sent.rec) [[unlikely]] {
    send_traced(c, sent, rx);
  } else {
    rx.wake();  // untraced: no reason to record (a no-op for an empty waker)
  }
}

// send_finish: after unlocking, schedule the receiver task whose transition the send made under
// mu (wake_rx_locked; traced: its ChanSend + TaskUnblock record first), or trace the send and
// wake the waker it moved out (send_done).
template <class T>
inline void send_finish(Chan<T>& c, const typename Chan<T>::Stamp& sent, Waker& rx,
                        RawTask* notified) {
  if (notified) {
    if (sent.rec) [[unlikely]] {
      notified->schedule_notified_traced(sent.rec, sent.ts, trace::EventKind::ChanSend, c.id,
                                         sent.len, trace::Reason::ChanSend);
    } else {
      notified->schedule_notified();
    }
    return;
  }
  send_done(c, sent, rx);
}

// notify_freed_senders: a receive freed n slots while senders wait for space — notify up to n of
// them (oldest first). Out of line: the receive path stays small enough to inline.
// received_ts: the receive's time (its wakes take it; 0 untraced).
template <class T>
[[gnu::noinline]] void notify_freed_senders(Chan<T>& c, size_t n, int64_t received_ts) {
  Waker first;              // usually the only sender to notify
  std::vector<Waker> more;  // a batch may free slots for several
  {
    std::lock_guard<sync::SpinLock> lk(c.mu);
    for (size_t i = 0; i < n; ++i) {
      Waker w = c.notify_sender_locked();
      if (w.empty()) break;
      if (first.empty()) {
        first = std::move(w);
      } else {
        more.push_back(std::move(w));
      }
    }
    // Nobody left waiting: clear the bit (senders set it only under mu, so it stays clear).
    if (c.send_waiters.empty())
      c.released.fetch_and(~Chan<T>::kSendersWaiting, std::memory_order_acq_rel);
  }
  if (!first.empty()) {
    WakeReasonScope why(trace::Reason::ChanRecv, received_ts);  // stamped with the receive
    first.wake();
    for (Waker& w : more) w.wake();
  }
}

// take_queued moves up to `limit` published values into `sink` as ONE receive, without a lock:
// one chan.recv event, and (only if senders wait for space) one waiting sender notified per freed
// slot — the shared body of recv, try_recv and recv_many. Returns 0 when nothing is queued.
// `leaf`: the receiving leaf future (its re-poll right after PollBegin takes that time), or null.
template <class T, class Sink>
[[gnu::always_inline]] inline size_t take_queued(Chan<T>& c, size_t limit, const void* leaf,
                                                 Sink&& sink) {
  const uint64_t end = c.queue.published();
  const size_t n = static_cast<size_t>(std::min<uint64_t>(end - c.queue.head(), limit));
  if (n == 0) return 0;
  for (size_t i = 0; i < n; ++i) sink(c.queue.pop());
  const uint64_t before =
      c.released.fetch_add(static_cast<uint64_t>(n) << 1, std::memory_order_acq_rel);
  typename Chan<T>::Stamp took = Chan<T>::stamp_leaf(leaf);
  took.len = end - c.queue.head();
  c.emit_recv(took);
  if (before & Chan<T>::kSendersWaiting) [[unlikely]]
    notify_freed_senders(c, n, took.ts);
  return n;
}

// park_receiver: nothing was queued. Under mu (so that no send can publish between our look and
// our stored waker) look once more. Returns true: closed (empty, no sender left); false: parked
// (the waker is stored; the caller returns Pending); nullopt: a value was published meanwhile.
template <class T>
std::optional<bool> park_receiver(Chan<T>& c, const Waker& w) {
  {
    std::lock_guard<sync::SpinLock> lk(c.mu);
    if (c.queue.published() == c.queue.head()) {
      if (c.senders == 0) return true;
      c.rx_waker.clone_if_changed(w);
      c.rx_parked = true;
      return false;
    }
  }
  return std::nullopt;
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
      if (node_.notified && chan_->has_space_locked()) pass_on = chan_->notify_sender_locked();
    }
    pass_on.wake();
  }

  Poll<Result<Unit, SendError<T>>> poll(Context& cx) {
    if (!coop::poll_proceed(cx)) return pending;
    typename detail::Chan<T>::Stamp sent = detail::Chan<T>::stamp();  // before publishing
    Waker rx;
    RawTask* notified = nullptr;
    {
      std::unique_lock<sync::SpinLock> lk(chan_->mu);
      node_.notified = false;
      if (!chan_->rx_alive) {
        chan_->send_waiters.remove(&node_);
        return Result<Unit, SendError<T>>(Err{SendError<T>{std::move(value_)}});
      }
      if (!chan_->has_space_locked() && chan_->wait_for_space_locked()) {
        if (!node_.queued) chan_->send_waiters.push_back(&node_);
        waited_ = true;
        node_.waker.clone_if_changed(cx.waker());
        lk.unlock();
        note_block(trace::Reason::ChanSend, chan_->id);
        return pending;
      }
      if (waited_) chan_->send_waiters.remove(&node_);
      rx = chan_->push_locked(std::move(value_), sent, notified);
    }
    detail::send_finish(*chan_, sent, rx, notified);
    return Result<Unit, SendError<T>>(Unit{});
  }

 private:
  detail::Chan<T>* chan_;
  // The value to send; moved-from once queued. A plain T, not an optional: a SendFuture is moved
  // into its awaiter right after it is built, and an optional<int> is built with narrow stores
  // and moved with one wide load (a store-forwarding stall, see poll.hpp).
  T value_;
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
    typename detail::Chan<T>::Stamp sent = detail::Chan<T>::stamp();  // before publishing
    Waker rx;
    RawTask* notified = nullptr;
    {
      std::lock_guard<sync::SpinLock> lk(chan_->mu);
      if (!chan_->rx_alive || !chan_->has_space_locked()) return Err{SendError<T>{std::move(v)}};
      rx = chan_->push_locked(std::move(v), sent, notified);
    }
    detail::send_finish(*chan_, sent, rx, notified);
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
      if (--chan_->senders == 0) rx = chan_->take_rx_waker_locked();
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
    std::optional<T> v;
    for (;;) {  // one take_queued site: it is inlined
      if (detail::take_queued(*chan_, 1, this, [&](T&& x) { v.emplace(std::move(x)); }) != 0)
        return v;
      std::optional<bool> closed = detail::park_receiver(*chan_, cx.waker());
      if (!closed) continue;  // published while we looked
      if (*closed) return std::optional<T>();
      note_block(trace::Reason::ChanRecv, chan_->id);
      return pending;
    }
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
    for (;;) {  // one take_queued site: it is inlined
      if (size_t n = detail::take_queued(*chan_, limit_, this,
                                         [&](T&& x) { out_->push_back(std::move(x)); }))
        return n;
      std::optional<bool> closed = detail::park_receiver(*chan_, cx.waker());
      if (!closed) continue;  // published while we looked
      if (*closed) return size_t{0};
      note_block(trace::Reason::ChanRecv, chan_->id);
      return pending;
    }
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
    detail::take_queued(*chan_, 1, nullptr, [&](T&& x) { v.emplace(std::move(x)); });
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
      chan_->rx_parked = false;
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
