// core/goroutine/chan.hpp — channels: go::Chan<T> and the type-erased hchan behind it (chan.go).
//
// Owns: channel state and the send/receive/close algorithms.
//
// Invariants (chan.go's, restated):
//   - At least one of sendq and recvq is empty, except for an unbuffered channel with a single
//     goroutine blocked on both sides through select.
//   - Buffered channel: qcount > 0 implies recvq is empty; qcount < cap implies sendq is empty.
//     The buffer holds at most cap values — exactly N for make(chan T, N).
//   - Waiters are FIFO: the longest-waiting sender/receiver is served first.
//   - A value passed directly between two goroutines (a blocked receiver, or a blocked sender on
//     an unbuffered channel) never touches the buffer: the waker copies into the sleeper's slot on
//     its stack, then readies it (chan.go's send/recv with sg.elem).
//   - close: receivers drain the buffer, then get the zero value and ok=false; waiting receivers
//     are woken with ok=false, waiting senders are woken and panic; send on a closed channel
//     panics "send on closed channel"; closing twice panics "close of closed channel".
//   - A nil channel (default-constructed Chan) blocks forever on send and receive.
//   - With several Ps, a buffered channel's values live in a lock-free ring (chan_ring.hpp) and
//     the two invariants on qcount hold whenever nobody holds or waits for the lock: a fast-path
//     operation racing with a parking goroutine may break them for as long as it takes to take
//     the lock and settle (chan.cpp). Values are FIFO, every value is received exactly once.
//
// Why type erasure: the algorithms are the same for every T (Go moves elem bytes with
// typedmemmove); a small table of move/destroy/zero functions keeps one compiled copy of the
// algorithm and lets select mix channels of different element types.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <source_location>
#include <string>
#include <type_traits>
#include <utility>

#include "core/goroutine/chan_ring.hpp"
#include "core/goroutine/elem_ops.hpp"
#include "core/goroutine/g.hpp"
#include "core/goroutine/spinlock.hpp"

namespace as::go {

namespace detail {

// enable_shared_from_this: an operation that must touch the channel after its value may have been
// received pins it (chan.cpp), as Go's GC would keep it alive.
struct HChan : std::enable_shared_from_this<HChan> {
  HChan(const ElemOps* ops, size_t capacity, std::string name, const std::source_location& loc);
  ~HChan();
  HChan(const HChan&) = delete;
  HChan& operator=(const HChan&) = delete;

  void* slot(size_t i) { return buf + i * stride; }

  RuntimeLock lock;  // chan.go's hchan.lock; not taken with one P (spinlock.hpp)
  const ElemOps* ops;
  size_t dataqsiz;  // capacity
  // The buffer of a buffered channel shared between Ps (null otherwise): the values, and the
  // hint word saying whether recvq / sendq may hold waiters (see chan.cpp).
  ChanRing* ring = nullptr;
  // The buffer of a buffered channel in a one-P runtime: a plain ring under the (skipped) lock.
  size_t qcount = 0;
  size_t sendx = 0;
  size_t recvx = 0;
  size_t stride;
  char* buf = nullptr;
  bool closed = false;
  WaitQueue recvq;
  WaitQueue sendq;
  uint64_t id = 0;
  uint32_t name_id = 0;
  std::string name;
};

// chansend sends the element at ep (moved from). block=false: select/non-blocking; returns false
// if it would block. Panics on a closed channel. c may be null (nil channel).
bool chansend(HChan* c, void* ep, bool block, const std::source_location& loc);
// chanrecv receives into raw storage ep. Returns {selected, received}: selected=false only when
// !block and nothing was ready; when selected, *ep holds a value (received=true) or the zero
// value (closed, received=false).
std::pair<bool, bool> chanrecv(HChan* c, void* ep, bool block, const std::source_location& loc);
void closechan(HChan* c, const std::source_location& loc);
size_t chanlen(HChan* c);

// Building blocks shared with select.cpp.
// These run under c->lock and return the goroutine the caller must ready after unlocking.
// m is the current M (current_m(); passed when the caller has already looked it up).
G* send_direct(HChan* c, Sudog* sg, void* ep, M* m);  // value into a parked receiver's slot
G* recv_direct(HChan* c, Sudog* sg, void* ep, M* m);  // value from a parked sender
void buf_send(HChan* c, void* ep, M* m);
void buf_recv(HChan* c, void* ep, M* m);
void trace_chan_send(HChan* c, M* m);
void trace_chan_recv(HChan* c, bool ok, M* m);

// Ring channels (c->ring != null), for select.cpp. All under c->lock.
// RingStep: done=false means the operation would block; ok: a receive got a value (false: the
// channel is closed and drained, the slot holds the zero value); ready: a goroutine to ready after
// unlocking (with reason ChanSend for a send, ChanRecv for a receive).
struct RingStep {
  bool done = false;
  bool ok = false;
  G* ready = nullptr;
};
// ring_send_locked requires an open channel: the caller checks c->closed first (and panics after
// unlocking).
RingStep ring_send_locked(HChan* c, void* ep, M* m);
RingStep ring_recv_locked(HChan* c, void* ep, M* m);
// ring_settle restores chan.go's invariant after fast-path operations raced with parking
// goroutines: values buffered while receivers wait go to the oldest receivers, room while senders
// wait takes the oldest senders' values. It readies the goroutines it served, except self (the
// caller, queued on c while it settles before parking), and says what happened to self.
enum class SelfOutcome : uint8_t { None, Served, Retry };
SelfOutcome ring_settle(HChan* c, M* m, G* self);
// ring_publish_waiters writes c->ring->waiters from recvq/sendq (after any queue change).
void ring_publish_waiters(HChan* c);

}  // namespace detail

// Chan<T> — a handle to a channel, shared like a Go channel value: copies refer to the same
// channel. `Chan<T> ch;` is make(chan T) (unbuffered), `Chan<T> ch(3)` is make(chan T, 3), and
// Chan<T>::nil() is a nil channel (var ch chan T), which blocks forever.
template <class T>
class Chan {
 public:
  Chan(std::source_location loc = std::source_location::current()) : Chan(0, std::string(), loc) {}
  static Chan nil() { return Chan(NilTag{}); }
  explicit Chan(size_t capacity, std::string name = {},
                std::source_location loc = std::source_location::current())
      : c_(std::make_shared<detail::HChan>(detail::elem_ops<T>(), capacity, std::move(name), loc)) {
  }

  // send blocks until a receiver takes v or there is room in the buffer.
  void send(T v, std::source_location loc = std::source_location::current()) {
    detail::chansend(c_.get(), &v, true, loc);
  }
  // try_send is `select { case ch <- v: return true; default: return false }`.
  bool try_send(T v, std::source_location loc = std::source_location::current()) {
    return detail::chansend(c_.get(), &v, false, loc);
  }
  // recv blocks until a value arrives: {value, true}, or the channel is closed: {T{}, false}.
  std::pair<T, bool> recv(std::source_location loc = std::source_location::current()) {
    Slot s;
    auto [selected, ok] = detail::chanrecv(c_.get(), s.ptr(), true, loc);
    (void)selected;
    return {s.take(), ok};
  }
  // try_recv: nullopt if it would block; else like recv.
  std::optional<std::pair<T, bool>> try_recv(
      std::source_location loc = std::source_location::current()) {
    Slot s;
    auto [selected, ok] = detail::chanrecv(c_.get(), s.ptr(), false, loc);
    if (!selected) return std::nullopt;
    return std::pair<T, bool>{s.take(), ok};
  }
  void close(std::source_location loc = std::source_location::current()) {
    detail::closechan(c_.get(), loc);
  }
  size_t len() const { return detail::chanlen(c_.get()); }
  size_t cap() const { return c_ ? c_->dataqsiz : 0; }
  bool is_nil() const { return c_ == nullptr; }
  detail::HChan* raw() const { return c_.get(); }
  bool operator==(const Chan& o) const { return c_ == o.c_; }

  // Range-over-channel: `for (T v : ch)` receives until the channel is closed and drained.
  class iterator {
   public:
    explicit iterator(Chan* ch) : ch_(ch) { advance(); }
    iterator() = default;
    T& operator*() { return *value_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    bool operator==(const iterator& o) const { return ch_ == o.ch_; }

   private:
    void advance() {
      auto [v, ok] = ch_->recv();
      if (ok)
        value_.emplace(std::move(v));
      else
        ch_ = nullptr;
    }
    Chan* ch_ = nullptr;
    std::optional<T> value_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  struct NilTag {};
  explicit Chan(NilTag) {}
  // Raw storage a sender (or close) constructs the received value into.
  struct Slot {
    alignas(T) unsigned char bytes[sizeof(T)];
    void* ptr() { return bytes; }
    T take() {
      T* p = std::launder(reinterpret_cast<T*>(bytes));
      T v = std::move(*p);
      p->~T();
      return v;
    }
  };
  std::shared_ptr<detail::HChan> c_;
};

}  // namespace as::go
