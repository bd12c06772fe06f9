// core/goroutine/chan.cpp — chansend, chanrecv, closechan (chan.go), and the sudog wait queues.
//
// Shutdown: a goroutine still parked when the program ends is unwound at its park point without
// leaving the wait queue — the channel may already be gone (it often lives in main's frame), so
// the runtime does not touch it. A channel that outlives its Runtime must not be reused.
//
// Every blocking path follows gopark's protocol: enqueue a sudog (on this goroutine's stack) while
// holding the channel lock, then park with "unlock the channel" as the after-switch action. A
// waker dequeues the sudog under the same lock, copies the value through sudog.elem, sets
// sudog.success and readies the goroutine (traced: TaskUnblock with reason ChanSend/ChanRecv/
// ChanClose, by = the waking goroutine).
//
// Two buffers, one algorithm. A buffered channel made in a runtime with one P keeps chan.go's
// plain ring (buf, sendx, recvx, qcount) under a lock that is never taken (RuntimeLock): only one
// thread runs goroutine code, so any atomic instruction would be pure cost there. A buffered
// channel shared between Ps keeps its values in a lock-free ring (chan_ring.hpp, crossbeam's
// array channel) so that a send and a receive on two cores do not pass a lock's cache line back
// and forth on every value:
//   - Fast path (no waiter): ring->waiters == 0 -> push/pop without the lock, then re-read
//     waiters. The wait queues, close and every blocking decision stay under the lock, exactly
//     as in chan.go; the fast path is chan.go's "buffer has room / has a value" branch.
//   - A goroutine about to park queues its sudog under the lock, sets waiters (seq_cst) and then
//     settles the ring (ring_settle: serves the oldest waiters from the ring, itself included).
//     A fast-path push or pop is a seq_cst CAS followed by a seq_cst load of waiters. So (Dekker)
//     either the parker's settle sees the new value / free slot, or the fast path sees waiters and
//     takes the lock to settle after it — no lost wake-up, and no value stays buffered while a
//     receiver sleeps (nor room while a sender sleeps) once the lock is free.
//   - Any waiter (waiters != 0) sends every operation down the locked path, which settles first
//     and then runs chan.go's algorithm: hand-off to a parked receiver, a parked sender's value
//     to the buffer's tail as its head is received, FIFO queues.
// Linearisation: an operation is ordered at its CAS on head/tail; close sets the mark bit in tail
// under the lock, so a send is either before close (its value is received before the zeros) or
// sees the mark and panics. Trace events keep the order of the values: a send is stamped before
// its slot is published (release), a receive after its slot is taken (acquire + lfence, so the
// TSC read cannot run ahead of the load), so a receive of v is never stamped before the send of v.
#include "core/goroutine/chan.hpp"

#include <atomic>
#include <mutex>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "core/fiber/fiber.hpp"
#include "core/goroutine/panic.hpp"
#include "core/goroutine/sched.hpp"

namespace as::go::detail {

using trace::EventKind;
using trace::Reason;

namespace {
std::atomic<uint64_t> g_chan_ids{1};

bool unlock_chan(G*, void* arg) {
  static_cast<HChan*>(arg)->lock.unlock();
  return true;
}

}  // namespace

// ---- wait queues ----------------------------------------------------------------------------

void WaitQueue::enqueue(Sudog* s) {
  s->next = nullptr;
  s->prev = last;
  if (last)
    last->next = s;
  else
    first = s;
  last = s;
}

void WaitQueue::push_front(Sudog* s) {
  s->prev = nullptr;
  s->next = first;
  if (first)
    first->prev = s;
  else
    last = s;
  first = s;
}

void WaitQueue::remove_if_queued(Sudog* s) {
  // Not linked and not the only element: a waker already dequeued it.
  if (s->prev == nullptr && s->next == nullptr && first != s) return;
  remove(s);
}

void WaitQueue::remove(Sudog* s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    first = s->next;
  if (s->next)
    s->next->prev = s->prev;
  else
    last = s->prev;
  s->next = s->prev = nullptr;
}

Sudog* WaitQueue::dequeue() {
  for (;;) {
    Sudog* s = first;
    if (!s) return nullptr;
    remove(s);
    // A select goroutine sits on several queues; only the first case to fire may wake it.
    if (s->is_select) {
      uint32_t expected = 0;
      if (!s->g->select_done.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
        continue;
    }
    return s;
  }
}

size_t WaitQueue::size() const {
  size_t n = 0;
  for (Sudog* s = first; s; s = s->next) ++n;
  return n;
}

// ---- hchan ----------------------------------------------------------------------------------

HChan::HChan(const ElemOps* o, size_t capacity, std::string n, const std::source_location& loc)
    : ops(o), dataqsiz(capacity), name(std::move(n)) {
  stride = (ops->size + ops->align - 1) / ops->align * ops->align;
  M* m = current_m();
  // Ids are per runtime (reproducible traces); a channel made outside any runtime gets a global
  // one.
  id = (m && m->sched) ? m->sched->new_object_id()
                       : (uint64_t{1} << 40) + g_chan_ids.fetch_add(1, std::memory_order_relaxed);
  const bool shared = !(m && m->sched && m->sched->config().procs == 1);
  lock.set_shared(shared);  // see RuntimeLock
  if (dataqsiz > 0 && shared) {
    ring = new ChanRing(ops, dataqsiz);
    ring->set_exact_len(!(m && m->sched && !m->sched->simulated()));
  } else if (dataqsiz > 0)
    buf = static_cast<char*>(::operator new(stride* dataqsiz, std::align_val_t(ops->align)));
  if (m && m->sched) {
    Tracer& t = m->sched->tracer();
    if (t.on()) {
      name_id = t.intern(name.empty() ? "chan " + std::to_string(id) : name);
      t.emit(EventKind::ChanMake, m->sched->worker_of(m), m->curg ? m->curg->id : 0, id, dataqsiz,
             name_id, t.loc(loc));
    }
  }
}

HChan::~HChan() {
  delete ring;
  for (size_t i = 0; i < qcount; ++i) ops->destroy(slot((recvx + i) % dataqsiz));
  if (buf) ::operator delete(buf, std::align_val_t(ops->align));
}

size_t chanlen(HChan* c) {
  if (!c) return 0;
  if (c->ring) return c->ring->len();
  std::lock_guard guard(c->lock);
  return c->qcount;
}

// The first event of a channel operation: reads the clock and leaves the time in m->trace_ts for
// the wake-up that may follow (see tracer.hpp). Out of line, so that with tracing off a channel
// operation pays one test, not the register pressure of an inlined emit.
namespace {
__attribute__((noinline)) void emit_chan_event(EventKind kind, HChan* c, M* m, uint64_t ok) {
  Tracer& t = m->sched->tracer();
  m->trace_ts = t.now();
  t.emit_at(m->trace_ts, kind, m->sched->worker_of(m), m->curg ? m->curg->id : 0, c->id, c->qcount,
            ok, m->op_loc);
}
}  // namespace

// The hot paths of chansend/chanrecv split that in two: stamp_chan_event reads the clock under the
// channel lock (so one channel's events keep the lock's order) and emit_chan_at writes the event
// after the lock is released — on two Ps contending for a channel, the critical section then
// holds no event encoding.
// (Both are inlined: a call's prologue and epilogue cost about as much as the clock read's own
// instructions, four times per pingpong round trip.)
namespace {
[[gnu::always_inline]] inline int64_t stamp_chan_event(M* m) {
  return m->trace_ts = m->sched->tracer().now();
}
__attribute__((noinline)) void emit_chan_at(EventKind kind, HChan* c, M* m, int64_t ts,
                                            uint64_t qcount, uint64_t ok) {
  Tracer& t = m->sched->tracer();
  t.emit_at(ts, kind, m->sched->worker_of(m), m->curg ? m->curg->id : 0, c->id, qcount, ok,
            m->op_loc);
}
// emit_chan_waking_at: the channel event of an operation that readies the parked goroutine
// `woken`, with that wake-up's TaskUnblock (by this goroutine, on this worker, at the same
// instant) riding along as a trace::FollowOn; the caller then readies it with unblock_traced.
__attribute__((noinline)) void emit_chan_waking_at(EventKind kind, HChan* c, M* m, int64_t ts,
                                                   uint64_t qcount, uint64_t ok, G* woken,
                                                   Reason reason) {
  Sched& s = *m->sched;
  s.tracer().emit_at(ts, kind, s.worker_of(m), m->curg ? m->curg->id : 0, c->id, qcount, ok,
                     m->op_loc,
                     trace::FollowOn{EventKind::TaskUnblock, static_cast<trace::TaskId>(woken->id),
                                     static_cast<uint16_t>(s.unblock_arg(m, reason))});
}
void emit_chan_id_at(EventKind kind, uint64_t chan_id, M* m, int64_t ts, uint64_t len,
                     uint64_t ok) {
  Tracer& t = m->sched->tracer();
  t.emit_at(ts, kind, m->sched->worker_of(m), m->curg ? m->curg->id : 0, chan_id, len, ok,
            m->op_loc);
}
// stamp_after_take reads the clock for a receive once its value is taken: lfence makes the TSC
// read wait for the load of the slot's stamp (rdtsc is not ordered with loads), so the receive is
// never stamped before the send that published the value.
int64_t stamp_after_take(M* m) {
#if defined(__x86_64__) || defined(__i386__)
  _mm_lfence();
#endif
  return stamp_chan_event(m);
}
// emit_chan_for traces an operation ring_settle completes on behalf of a waiting goroutine (its
// value taken from, or put into, the ring): the event names that goroutine, on this worker.
void emit_chan_for(EventKind kind, HChan* c, M* m, int64_t ts, uint64_t task, uint64_t len,
                   uint64_t ok) {
  m->sched->tracer().emit_at(ts, kind, m->sched->worker_of(m), task, c->id, len, ok);
}

// enqueue_self puts the running goroutine g on wait queue q of c with `sg` (its stack-allocated
// sudog) pointing at ep, the value to send or the slot to receive into (chan.go's acquireSudog +
// enqueue). Caller holds c's lock.
void enqueue_self(WaitQueue& q, Sudog& sg, G* g, HChan* c, void* ep) {
  sg.g = g;
  sg.elem = ep;
  sg.c = c;
  g->param = nullptr;
  q.enqueue(&sg);
}

// The value moves of send_direct / recv_direct / buf_send / buf_recv, without their event.
void give_to_receiver(HChan* c, Sudog* sg, void* ep) {
  if (sg->elem) c->ops->move_construct(sg->elem, ep);
  sg->success = true;
  sg->g->param = sg;
}
// (Inlined: chanrecv's hand-off from a parked sender, twice per pingpong round trip.)
[[gnu::always_inline]] inline void take_from_sender(HChan* c, Sudog* sg, void* ep) {
  if (c->dataqsiz == 0) {
    if (ep) c->ops->move_construct(ep, sg->elem);
  } else {
    void* head = c->slot(c->recvx);
    if (ep) c->ops->move_construct(ep, head);
    c->ops->destroy(head);
    c->ops->move_construct(head, sg->elem);
    c->recvx = (c->recvx + 1) % c->dataqsiz;
    c->sendx = c->recvx;
  }
  sg->success = true;
  sg->g->param = sg;
}
void put_in_buffer(HChan* c, void* ep) {
  c->ops->move_construct(c->slot(c->sendx), ep);
  if (++c->sendx == c->dataqsiz) c->sendx = 0;
  ++c->qcount;
}
// (Inlined: a one-P buffered receive, once per value of a fan-out.)
[[gnu::always_inline]] inline void take_from_buffer(HChan* c, void* ep) {
  void* head = c->slot(c->recvx);
  if (ep) c->ops->move_construct(ep, head);
  c->ops->destroy(head);
  if (++c->recvx == c->dataqsiz) c->recvx = 0;
  --c->qcount;
}
}  // namespace

void trace_chan_send(HChan* c, M* m) {
  if (m && m->sched->tracer().on()) emit_chan_event(EventKind::ChanSend, c, m, 0);
}

void trace_chan_recv(HChan* c, bool ok, M* m) {
  if (m && m->sched->tracer().on()) emit_chan_event(EventKind::ChanRecv, c, m, ok ? 1 : 0);
}

// send_direct: a receiver is parked on c; move the value into its slot. Caller holds c->lock,
// unlocks, then readies the returned goroutine (chan.go's send(), whose unlockf does the same).
G* send_direct(HChan* c, Sudog* sg, void* ep, M* m) {
  give_to_receiver(c, sg, ep);
  trace_chan_send(c, m);
  return sg->g;
}

// recv_direct: a sender is parked on c. Unbuffered: take its value. Buffered (then full): take
// the head of the buffer and put the sender's value at the tail. Caller holds c->lock, unlocks,
// then readies the returned goroutine.
G* recv_direct(HChan* c, Sudog* sg, void* ep, M* m) {
  take_from_sender(c, sg, ep);
  trace_chan_recv(c, true, m);
  return sg->g;
}

// buf_send / buf_recv: the buffer has room / a value. Caller holds c->lock.
void buf_send(HChan* c, void* ep, M* m) {
  put_in_buffer(c, ep);
  trace_chan_send(c, m);
}

void buf_recv(HChan* c, void* ep, M* m) {
  take_from_buffer(c, ep);
  trace_chan_recv(c, true, m);
}

// ---- buffered channels shared between Ps: the ring and its waiters ------------------------------

void ring_publish_waiters(HChan* c) {
  // seq_cst: for a goroutine about to park this store is its half of the Dekker pair (the file
  // comment); it must be ordered before the ring reads of the ring_settle that follows.
  c->ring->waiters.store((c->recvq.empty() ? 0 : ChanRing::kRecvWaiting) |
                             (c->sendq.empty() ? 0 : ChanRing::kSendWaiting),
                         std::memory_order_seq_cst);
}

namespace {
// give_back returns a waiter that ring_settle or ring_recv_locked dequeued but could not serve:
// between the check and the ring operation, a fast-path operation that had read `waiters` before
// it was set took the value or the slot. A plain waiter goes back to the head of its queue,
// untouched. A select waiter cannot: dequeue() won its select for this channel (select_done), so
// its other channels already skip it; it is woken to poll all its cases again (select.cpp), a
// spurious wake-up the program cannot tell from not having been chosen yet.
SelfOutcome give_back(WaitQueue& q, Sudog* sg, M* m, G* self, Reason why) {
  if (!sg->is_select) {
    q.push_front(sg);
    return SelfOutcome::None;
  }
  sg->success = false;
  sg->retry = true;
  sg->g->param = sg;
  if (sg->g == self) return SelfOutcome::Retry;
  sched_of(m).ready(m, sg->g, why);
  return SelfOutcome::None;
}

// serve_self_or_ready: a waiter ring_settle served runs again; the caller itself just does not
// park.
void serve(Sched& s, M* m, Sudog* sg, G* self, Reason why, bool traced, SelfOutcome& out) {
  sg->success = true;
  sg->g->param = sg;
  if (sg->g == self)
    out = SelfOutcome::Served;
  else
    s.ready(m, sg->g, why, true, false, /*same_op=*/traced);
}

// settle_now is ring_settle for a fast-path operation that found waiters after it completed.
// The pin keeps the channel alive: a goroutine served here may run, finish with the channel and
// destroy it before this unlocks.
__attribute__((noinline)) void settle_now(HChan* c, M* m, std::shared_ptr<HChan> pin) {
  c->lock.lock();
  ring_settle(c, m, nullptr);
  c->lock.unlock();
  pin.reset();
}
}  // namespace

SelfOutcome ring_settle(HChan* c, M* m, G* self) {
  ChanRing& r = *c->ring;
  Sched& s = sched_of(m);
  const bool traced = s.tracer().on();
  SelfOutcome out = SelfOutcome::None;
  // Receivers queued while the ring holds values: oldest value to the oldest receiver. (Check
  // before dequeue: dequeue wins a select waiter's select, which must not happen for nothing.)
  while (!c->recvq.empty() && r.len() > 0) {
    Sudog* sg = c->recvq.dequeue();
    if (!sg) break;  // only select waiters already won elsewhere were left
    uint64_t pos = 0;
    if (r.try_pop(sg->elem, &pos) != ChanRing::Result::Ok) {
      if (give_back(c->recvq, sg, m, self, Reason::ChanSend) == SelfOutcome::Retry)
        out = SelfOutcome::Retry;
      break;
    }
    if (traced)
      emit_chan_for(EventKind::ChanRecv, c, m, stamp_after_take(m), sg->g->id, r.len_after_pop(pos),
                    1);
    serve(s, m, sg, self, Reason::ChanSend, traced, out);
  }
  // Senders queued while the ring has room: the oldest sender's value to the tail. (A closed
  // channel's senders are woken by close, to panic.)
  while (!c->closed && !c->sendq.empty() && r.len() < c->dataqsiz) {
    Sudog* sg = c->sendq.dequeue();
    if (!sg) break;
    int64_t ts = 0;
    uint64_t pos = 0;
    const auto res = r.try_push(
        sg->elem, [&] { ts = traced ? stamp_chan_event(m) : 0; }, &pos);
    if (res != ChanRing::Result::Ok) {
      if (give_back(c->sendq, sg, m, self, Reason::ChanRecv) == SelfOutcome::Retry)
        out = SelfOutcome::Retry;
      break;
    }
    if (traced) emit_chan_for(EventKind::ChanSend, c, m, ts, sg->g->id, r.len_after_push(pos), 0);
    serve(s, m, sg, self, Reason::ChanRecv, traced, out);
  }
  ring_publish_waiters(c);
  return out;
}

RingStep ring_send_locked(HChan* c, void* ep, M* m) {
  ChanRing& r = *c->ring;
  const bool traced = sched_of(m).tracer().on();
  ring_settle(c, m, nullptr);
  if (Sudog* sg = c->recvq.dequeue()) {
    // A receiver waits, so the ring is empty: hand the value over (chan.go's send).
    ring_publish_waiters(c);
    give_to_receiver(c, sg, ep);
    trace_chan_send(c, m);
    return {true, false, sg->g};
  }
  int64_t ts = 0;
  uint64_t pos = 0;
  if (r.try_push(
          ep, [&] { ts = traced ? stamp_chan_event(m) : 0; }, &pos) == ChanRing::Result::Ok) {
    if (traced) emit_chan_at(EventKind::ChanSend, c, m, ts, r.len_after_push(pos), 0);
    return {true, false, nullptr};
  }
  return {};  // full (closed is the caller's check, under the lock that close takes)
}

RingStep ring_recv_locked(HChan* c, void* ep, M* m) {
  ChanRing& r = *c->ring;
  const bool traced = sched_of(m).tracer().on();
  ring_settle(c, m, nullptr);
  uint64_t pos = 0;
  if (Sudog* sg = c->sendq.dequeue()) {
    // A sender waits, so the ring was full: take its head and put the sender's value at its tail
    // (chan.go's recv), one receive for the trace as in chan.go.
    ring_publish_waiters(c);
    if (r.try_pop(ep, &pos) != ChanRing::Result::Ok) {
      // Fast-path receivers emptied the ring meanwhile: the sender's value is the oldest.
      if (ep) c->ops->move_construct(ep, sg->elem);
      sg->success = true;
      sg->g->param = sg;
      trace_chan_recv(c, true, m);
      return {true, true, sg->g};
    }
    const int64_t ts = traced ? stamp_after_take(m) : 0;
    uint64_t tail_pos = 0;
    if (r.try_push(
            sg->elem, [] {}, &tail_pos) != ChanRing::Result::Ok) {
      // A fast-path sender took the freed slot: the waiter stays (or polls again).
      give_back(c->sendq, sg, m, nullptr, Reason::ChanRecv);
      ring_publish_waiters(c);
      if (traced) emit_chan_at(EventKind::ChanRecv, c, m, ts, r.len_after_pop(pos), 1);
      return {true, true, nullptr};
    }
    sg->success = true;
    sg->g->param = sg;
    if (traced) emit_chan_at(EventKind::ChanRecv, c, m, ts, r.len_after_push(tail_pos), 1);
    return {true, true, sg->g};
  }
  const auto res = r.try_pop(ep, &pos);
  if (res == ChanRing::Result::Ok) {
    if (traced)
      emit_chan_at(EventKind::ChanRecv, c, m, stamp_after_take(m), r.len_after_pop(pos), 1);
    return {true, true, nullptr};
  }
  if (res == ChanRing::Result::Closed) {
    if (ep) c->ops->zero_construct(ep);
    trace_chan_recv(c, false, m);
    return {true, false, nullptr};
  }
  return {};
}

namespace {
// ring_send / ring_recv are out of line so that a one-P channel's chansend / chanrecv pay one test
// for them, not the register pressure of their inlined bodies.
__attribute__((noinline)) bool ring_send(HChan* c, void* ep, bool block, M* m, Sched& s) {
  ChanRing& r = *c->ring;
  const bool traced = s.tracer().on();
  if (r.waiters.load(std::memory_order_relaxed) == 0) {
    int64_t ts = 0;
    uint64_t pos = 0;
    std::shared_ptr<HChan> pin;
    uint64_t len = 0;
    const uint64_t id = c->id;
    const auto res = r.try_push(
        ep, [&] { ts = traced ? stamp_chan_event(m) : 0; },
        [&](uint64_t claimed) {
          // After the seq_cst CAS of the push and before its value is visible: a receiver that
          // queued before the CAS is seen here, and the channel is certainly still alive.
          if (r.waiters.load(std::memory_order_seq_cst) & ChanRing::kRecvWaiting) [[unlikely]]
            pin = c->shared_from_this();
          if (traced) len = r.len_after_push(claimed);
        },
        &pos);
    if (res == ChanRing::Result::Ok) {
      // The value is published: from here on touch the channel only through the pin.
      if (traced) emit_chan_id_at(EventKind::ChanSend, id, m, ts, len, 0);
      if (pin) [[unlikely]]
        settle_now(c, m, std::move(pin));
      return true;
    }
    // A non-blocking send on a full ring fails without the lock (chan.go's `!block && full`).
    if (res == ChanRing::Result::Full && !block) return false;
    // Full, or closed: the locked path decides (and panics on a closed channel).
  }
  // The locked path readies goroutines while it holds the lock (ring_settle): one of them may
  // finish with the channel and destroy it before the unlock.
  const std::shared_ptr<HChan> pin = c->shared_from_this();
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    throw Panic("send on closed channel");
  }
  const RingStep step = ring_send_locked(c, ep, m);
  if (step.done) {
    c->lock.unlock();
    if (step.ready) s.ready(m, step.ready, Reason::ChanSend, true, false, /*same_op=*/traced);
    return true;
  }
  if (!block) {
    c->lock.unlock();
    return false;
  }
  G* g = m->curg;
  Sudog mysg;
  enqueue_self(c->sendq, mysg, g, c, ep);
  ring_publish_waiters(c);
  // A receive that completed before it could see us may have freed a slot: settle takes it.
  if (ring_settle(c, m, g) == SelfOutcome::Served) {
    c->lock.unlock();
    return true;
  }
  s.park_current(m, Reason::ChanSend, c->id, c->name_id, unlock_chan, c, m->op_loc);
  if (!mysg.success) throw Panic("send on closed channel");  // woken by close
  return true;
}

__attribute__((noinline)) std::pair<bool, bool> ring_recv(HChan* c, void* ep, bool block, M* m,
                                                          Sched& s) {
  ChanRing& r = *c->ring;
  const bool traced = s.tracer().on();
  if (r.waiters.load(std::memory_order_relaxed) == 0) {
    uint64_t pos = 0;
    const auto res = r.try_pop(ep, &pos);
    if (res == ChanRing::Result::Ok) {
      // After the seq_cst CAS of the pop: a sender that queued before it is seen here.
      const uint32_t w = r.waiters.load(std::memory_order_seq_cst);
      if (traced)
        emit_chan_at(EventKind::ChanRecv, c, m, stamp_after_take(m), r.len_after_pop(pos), 1);
      if (w & ChanRing::kSendWaiting) [[unlikely]]
        settle_now(c, m, c->shared_from_this());
      return {true, true};
    }
    if (res == ChanRing::Result::Closed) {
      if (ep) c->ops->zero_construct(ep);
      trace_chan_recv(c, false, m);
      return {true, false};
    }
    // A non-blocking receive on an empty, open ring fails without the lock (chan.go's
    // `!block && empty(c)`): the ring was empty and not closed when tail was read.
    if (!block) return {false, false};
  }
  const std::shared_ptr<HChan> pin = c->shared_from_this();  // see ring_send
  c->lock.lock();
  const RingStep step = ring_recv_locked(c, ep, m);
  if (step.done) {
    c->lock.unlock();
    if (step.ready) s.ready(m, step.ready, Reason::ChanRecv, true, false, /*same_op=*/traced);
    return {true, step.ok};
  }
  if (!block) {
    c->lock.unlock();
    return {false, false};
  }
  G* g = m->curg;
  Sudog mysg;
  enqueue_self(c->recvq, mysg, g, c, ep);
  ring_publish_waiters(c);
  // A send that completed before it could see us may have buffered a value: settle gives it us.
  if (ring_settle(c, m, g) == SelfOutcome::Served) {
    c->lock.unlock();
    return {true, true};
  }
  s.park_current(m, Reason::ChanRecv, c->id, c->name_id, unlock_chan, c, m->op_loc);
  return {true, mysg.success};
}
}  // namespace

// ---- chansend / chanrecv / closechan ------------------------------------------------------------

namespace {
[[noreturn]] void block_forever(Reason why, const std::source_location& loc) {
  Sched& s = sched();
  G* g = current_g();
  g->forever = true;
  s.park_current(why, 0, 0, nullptr, nullptr, s.tracer().loc(loc));
  throw Unwind{};  // unreachable unless the runtime ends
}
}  // namespace

bool chansend(HChan* c, void* ep, bool block, const std::source_location& loc) {
  M* m = current_m();
  Sched& s = sched_of(m);
  if (!c) {
    if (!block) return false;
    m->curg->nil_send = true;
    block_forever(Reason::NilChan, loc);
  }
  if (s.exiting()) throw Unwind{};
  s.charge(s.platform().costs().chan_op_ns);
  // The call site rides on every event of the operation (the lesson's source view follows it).
  if (s.tracer().on()) m->op_loc = s.tracer().loc(loc);
  // (A ring implies a shared lock: with one P this is the lock's own test, taken once.)
  if (c->lock.shared() && c->ring) return ring_send(c, ep, block, m, s);
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    throw Panic("send on closed channel");
  }
  const bool traced = s.tracer().on();
  if (Sudog* sg = c->recvq.dequeue()) {
    give_to_receiver(c, sg, ep);
    G* g = sg->g;
    const int64_t ts = traced ? stamp_chan_event(m) : 0;
    const uint64_t qcount = c->qcount;
    c->lock.unlock();
    if (traced) emit_chan_waking_at(EventKind::ChanSend, c, m, ts, qcount, 0, g, Reason::ChanSend);
    s.ready(m, g, Reason::ChanSend, true, false, /*same_op=*/true, /*unblock_traced=*/traced);
    return true;
  }
  if (c->qcount < c->dataqsiz) {
    put_in_buffer(c, ep);
    const int64_t ts = traced ? stamp_chan_event(m) : 0;
    const uint64_t qcount = c->qcount;
    c->lock.unlock();
    if (traced) emit_chan_at(EventKind::ChanSend, c, m, ts, qcount, 0);
    return true;
  }
  if (!block) {
    c->lock.unlock();
    return false;
  }
  // Block: queue ourselves with a pointer to the value; a receiver takes it from our stack.
  G* g = m->curg;
  Sudog mysg;
  enqueue_self(c->sendq, mysg, g, c, ep);
  s.park_current(m, Reason::ChanSend, c->id, c->name_id, unlock_chan, c, m->op_loc);
  if (!mysg.success) throw Panic("send on closed channel");  // woken by close
  return true;
}

std::pair<bool, bool> chanrecv(HChan* c, void* ep, bool block, const std::source_location& loc) {
  M* m = current_m();
  Sched& s = sched_of(m);
  if (!c) {
    if (!block) return {false, false};
    block_forever(Reason::NilChan, loc);
  }
  if (s.exiting()) throw Unwind{};
  s.charge(s.platform().costs().chan_op_ns);
  if (s.tracer().on()) m->op_loc = s.tracer().loc(loc);  // see chansend
  // (A ring implies a shared lock: with one P this is the lock's own test, taken once.)
  if (c->lock.shared() && c->ring) return ring_recv(c, ep, block, m, s);
  c->lock.lock();
  if (c->closed && c->qcount == 0) {
    c->lock.unlock();
    if (ep) c->ops->zero_construct(ep);
    trace_chan_recv(c, false, m);
    return {true, false};
  }
  const bool traced = s.tracer().on();
  if (Sudog* sg = c->sendq.dequeue()) {
    take_from_sender(c, sg, ep);
    G* g = sg->g;
    const int64_t ts = traced ? stamp_chan_event(m) : 0;
    const uint64_t qcount = c->qcount;
    c->lock.unlock();
    if (traced) emit_chan_waking_at(EventKind::ChanRecv, c, m, ts, qcount, 1, g, Reason::ChanRecv);
    s.ready(m, g, Reason::ChanRecv, true, false, /*same_op=*/true, /*unblock_traced=*/traced);
    return {true, true};
  }
  if (c->qcount > 0) {
    take_from_buffer(c, ep);
    const int64_t ts = traced ? stamp_chan_event(m) : 0;
    const uint64_t qcount = c->qcount;
    c->lock.unlock();
    if (traced) emit_chan_at(EventKind::ChanRecv, c, m, ts, qcount, 1);
    return {true, true};
  }
  if (!block) {
    c->lock.unlock();
    return {false, false};
  }
  G* g = m->curg;
  Sudog mysg;
  enqueue_self(c->recvq, mysg, g, c, ep);
  s.park_current(m, Reason::ChanRecv, c->id, c->name_id, unlock_chan, c, m->op_loc);
  // Woken: a sender filled our slot (success) or close zeroed it.
  return {true, mysg.success};
}

void closechan(HChan* c, const std::source_location& loc) {
  if (!c) throw Panic("close of nil channel");
  Sched& s = sched();
  s.charge(s.platform().costs().chan_op_ns);
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    throw Panic("close of closed channel");
  }
  c->closed = true;
  M* m = current_m();
  std::shared_ptr<HChan> pin;  // see ring_send: ring_settle readies under the lock
  if (c->ring) {
    pin = c->shared_from_this();
    // No push succeeds after the mark. Values pushed before it go to the receivers already
    // waiting (they raced with those receivers' parking), oldest first; the rest get zeros.
    c->ring->close();
    ring_settle(c, m, nullptr);
  }
  // Collect every waiter first, then ready them after unlocking (chan.go's glist).
  G* list = nullptr;
  while (Sudog* sg = c->recvq.dequeue()) {
    if (sg->elem) c->ops->zero_construct(sg->elem);
    sg->success = false;
    sg->g->param = sg;
    sg->g->schedlink = list;
    list = sg->g;
  }
  while (Sudog* sg = c->sendq.dequeue()) {
    sg->success = false;
    sg->g->param = sg;
    sg->g->schedlink = list;
    list = sg->g;
  }
  if (c->ring) ring_publish_waiters(c);
  Tracer& t = s.tracer();
  t.emit(EventKind::ChanClose, s.worker_of(m), m && m->curg ? m->curg->id : 0, c->id, 0, 0,
         t.loc(loc));
  c->lock.unlock();
  // Ready in queue order (the list is reversed).
  G* ordered = nullptr;
  while (list) {
    G* next = list->schedlink;
    list->schedlink = ordered;
    ordered = list;
    list = next;
  }
  while (ordered) {
    G* next = ordered->schedlink;
    ordered->schedlink = nullptr;
    s.ready(ordered, Reason::ChanClose, false);
    ordered = next;
  }
}

}  // namespace as::go::detail
