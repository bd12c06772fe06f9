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
#include "core/goroutine/chan.hpp"

#include <atomic>
#include <mutex>

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
  if (dataqsiz > 0)
    buf = static_cast<char*>(::operator new(stride* dataqsiz, std::align_val_t(ops->align)));
  M* m = current_m();
  // Ids are per runtime (reproducible traces); a channel made outside any runtime gets a global
  // one.
  id = (m && m->sched) ? m->sched->new_object_id()
                       : (uint64_t{1} << 40) + g_chan_ids.fetch_add(1, std::memory_order_relaxed);
  lock.set_shared(!(m && m->sched && m->sched->config().procs == 1));  // see RuntimeLock
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
  for (size_t i = 0; i < qcount; ++i) ops->destroy(slot((recvx + i) % dataqsiz));
  if (buf) ::operator delete(buf, std::align_val_t(ops->align));
}

size_t chanlen(HChan* c) {
  if (!c) return 0;
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
            ok);
}
}  // namespace

// The hot paths of chansend/chanrecv split that in two: stamp_chan_event reads the clock under the
// channel lock (so one channel's events keep the lock's order) and emit_chan_at writes the event
// after the lock is released — on two Ps contending for a channel, the critical section then
// holds no event encoding.
namespace {
int64_t stamp_chan_event(M* m) {
  return m->trace_ts = m->sched->tracer().now();
}
__attribute__((noinline)) void emit_chan_at(EventKind kind, HChan* c, M* m, int64_t ts,
                                            uint64_t qcount, uint64_t ok) {
  Tracer& t = m->sched->tracer();
  t.emit_at(ts, kind, m->sched->worker_of(m), m->curg ? m->curg->id : 0, c->id, qcount, ok);
}

// The value moves of send_direct / recv_direct / buf_send / buf_recv, without their event.
void give_to_receiver(HChan* c, Sudog* sg, void* ep) {
  if (sg->elem) c->ops->move_construct(sg->elem, ep);
  sg->success = true;
  sg->g->param = sg;
}
void take_from_sender(HChan* c, Sudog* sg, void* ep) {
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
void take_from_buffer(HChan* c, void* ep) {
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
    if (traced) emit_chan_at(EventKind::ChanSend, c, m, ts, qcount, 0);
    s.ready(m, g, Reason::ChanSend, true, false, /*same_op=*/true);
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
  mysg.g = g;
  mysg.elem = ep;
  mysg.c = c;
  g->param = nullptr;
  c->sendq.enqueue(&mysg);
  s.park_current(m, Reason::ChanSend, c->id, c->name_id, unlock_chan, c, s.tracer().loc(loc));
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
    if (traced) emit_chan_at(EventKind::ChanRecv, c, m, ts, qcount, 1);
    s.ready(m, g, Reason::ChanRecv, true, false, /*same_op=*/true);
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
  mysg.g = g;
  mysg.elem = ep;
  mysg.c = c;
  g->param = nullptr;
  c->recvq.enqueue(&mysg);
  s.park_current(m, Reason::ChanRecv, c->id, c->name_id, unlock_chan, c, s.tracer().loc(loc));
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
  M* m = current_m();
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
