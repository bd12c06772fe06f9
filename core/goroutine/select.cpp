// core/goroutine/select.cpp — selectgo (select.go): see select.hpp for the three passes.
#include "core/goroutine/select.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/goroutine/panic.hpp"
#include "core/goroutine/sched.hpp"

namespace as::go::detail {

using trace::EventKind;
using trace::Reason;

namespace {

// Small-buffer scratch arrays: most selects have a handful of cases.
template <class T, size_t N>
struct Scratch {
  explicit Scratch(size_t n) {
    if (n > N) heap.resize(n);
    data = n > N ? heap.data() : local;
  }
  T& operator[](size_t i) { return data[i]; }
  T local[N]{};
  std::vector<T> heap;
  T* data;
};

struct LockSet {
  ScaseRaw* cases;
  const uint16_t* lockorder;
  int n;
  void lock() const {
    HChan* prev = nullptr;
    for (int i = 0; i < n; ++i) {
      HChan* c = cases[lockorder[i]].c;
      if (c != prev) c->lock.lock();
      prev = c;
    }
  }
  void unlock() const {
    // Unlock in reverse order; a channel listed twice is unlocked once.
    for (int i = n - 1; i >= 0; --i) {
      HChan* c = cases[lockorder[i]].c;
      if (i > 0 && cases[lockorder[i - 1]].c == c) continue;
      c->lock.unlock();
    }
  }
};

bool unlock_all(G*, void* arg) {
  static_cast<LockSet*>(arg)->unlock();
  return true;
}

}  // namespace

int selectgo(ScaseRaw* cases, int n, bool has_default, bool* recv_ok,
             const std::source_location& loc) {
  Sched& s = sched();
  if (s.exiting()) throw Unwind{};
  Tracer& t = s.tracer();
  const trace::StringId where = t.loc(loc);
  current_m()->op_loc = where;  // the channel events of the chosen case carry the select's site
  G* gp = current_g();
  t.emit(EventKind::SelectBegin, s.worker_of(current_m()), gp->id, static_cast<uint64_t>(n),
         has_default ? 1 : 0, 0, where);
  s.charge(s.platform().costs().chan_op_ns);
  *recv_ok = false;

  // pollorder: a uniformly random permutation of the non-nil cases (inside-out Fisher–Yates,
  // each choice from the platform's chooser). lockorder: the same cases sorted by channel address.
  Scratch<uint16_t, 16> pollorder(static_cast<size_t>(n));
  Scratch<uint16_t, 16> lockorder(static_cast<size_t>(n));
  int npoll = 0;
  for (int i = 0; i < n; ++i) {
    if (cases[i].c == nullptr) continue;  // nil channel: never ready
    const auto j = static_cast<int>(s.choose(static_cast<uint64_t>(npoll) + 1));
    pollorder[static_cast<size_t>(npoll)] = pollorder[static_cast<size_t>(j)];
    pollorder[static_cast<size_t>(j)] = static_cast<uint16_t>(i);
    ++npoll;
  }
  for (int i = 0; i < npoll; ++i)
    lockorder[static_cast<size_t>(i)] = pollorder[static_cast<size_t>(i)];
  std::sort(lockorder.data, lockorder.data + npoll,
            [&](uint16_t a, uint16_t b) { return std::less<HChan*>()(cases[a].c, cases[b].c); });
  LockSet locks{cases, lockorder.data, npoll};

  auto finish = [&](int chosen) {
    t.emit(EventKind::SelectEnd, s.worker_of(current_m()), gp->id, static_cast<uint64_t>(chosen), 0,
           0, where);
    return chosen;
  };

  // A select woken to poll again (a ring channel could not serve the case that won it, see
  // chan.cpp's give_back) starts over at pass 1.
  for (;;) {
    locks.lock();

    // Pass 1: the first ready case in poll order wins.
    for (int k = 0; k < npoll; ++k) {
      const int i = pollorder[static_cast<size_t>(k)];
      ScaseRaw& cs = cases[i];
      HChan* c = cs.c;
      if (cs.kind == CaseKind::Send) {
        if (c->closed) {
          locks.unlock();
          throw Panic("send on closed channel");
        }
        if (c->ring) {
          const RingStep step = ring_send_locked(c, cs.elem, current_m());
          if (!step.done) continue;
          locks.unlock();
          if (step.ready) s.ready(step.ready, Reason::ChanSend);
          return finish(i);
        }
        if (Sudog* sg = c->recvq.dequeue()) {
          G* g = send_direct(c, sg, cs.elem, current_m());
          locks.unlock();
          s.ready(g, Reason::ChanSend);
          return finish(i);
        }
        if (c->qcount < c->dataqsiz) {
          buf_send(c, cs.elem, current_m());
          locks.unlock();
          return finish(i);
        }
      } else {
        if (c->ring) {
          const RingStep step = ring_recv_locked(c, cs.elem, current_m());
          if (!step.done) continue;
          locks.unlock();
          if (step.ready) s.ready(step.ready, Reason::ChanRecv);
          *recv_ok = step.ok;
          return finish(i);
        }
        if (Sudog* sg = c->sendq.dequeue()) {
          G* g = recv_direct(c, sg, cs.elem, current_m());
          locks.unlock();
          s.ready(g, Reason::ChanRecv);
          *recv_ok = true;
          return finish(i);
        }
        if (c->qcount > 0) {
          buf_recv(c, cs.elem, current_m());
          locks.unlock();
          *recv_ok = true;
          return finish(i);
        }
        if (c->closed) {
          c->ops->zero_construct(cs.elem);
          trace_chan_recv(c, false, current_m());
          locks.unlock();
          return finish(i);
        }
      }
    }
    if (has_default) {
      locks.unlock();
      return finish(-1);
    }

    // Pass 2: wait on every channel at once.
    Scratch<Sudog, 8> sgs(static_cast<size_t>(n));
    gp->select_done.store(0, std::memory_order_release);
    gp->param = nullptr;
    for (int k = 0; k < npoll; ++k) {
      const int i = lockorder[static_cast<size_t>(k)];
      Sudog& sg = sgs[static_cast<size_t>(i)];
      sg.g = gp;
      sg.is_select = true;
      sg.elem = cases[i].elem;
      sg.c = cases[i].c;
      sg.case_index = i;
      if (cases[i].kind == CaseKind::Send)
        cases[i].c->sendq.enqueue(&sg);
      else
        cases[i].c->recvq.enqueue(&sg);
    }
    // Pass 3: leave every other queue.
    auto dequeue_all = [&] {
      for (int k = 0; k < npoll; ++k) {
        const int i = lockorder[static_cast<size_t>(k)];
        Sudog& sg = sgs[static_cast<size_t>(i)];
        HChan* c = cases[i].c;
        if (cases[i].kind == CaseKind::Send)
          c->sendq.remove_if_queued(&sg);
        else
          c->recvq.remove_if_queued(&sg);
        if (c->ring) ring_publish_waiters(c);
      }
    };
    if (npoll == 0) {
      gp->forever = true;
      s.park_current(Reason::Forever, 0, 0, nullptr, nullptr, where);
      throw Unwind{};
    }
    // Ring channels: announce the waiter, then settle (chan.cpp): a fast-path operation that
    // completed before it could see us may have left a value or a free slot that is ours now.
    bool settled = false;
    for (int k = 0; k < npoll; ++k) {
      HChan* c = cases[lockorder[static_cast<size_t>(k)]].c;
      if (c->ring) ring_publish_waiters(c);
    }
    for (int k = 0; k < npoll && !settled; ++k) {
      HChan* c = cases[lockorder[static_cast<size_t>(k)]].c;
      if (c->ring) settled = ring_settle(c, current_m(), gp) != SelfOutcome::None;
    }
    if (!settled) {
      s.park_current(Reason::Select, 0, 0, unlock_all, &locks, where);
      locks.lock();
    }
    Sudog* won = gp->param;
    dequeue_all();
    locks.unlock();
    gp->select_done.store(0, std::memory_order_release);
    const int chosen = won ? won->case_index : -1;
    if (chosen < 0) throw Panic("select: woken without a case");  // runtime invariant broken
    if (won->retry) continue;
    if (cases[chosen].kind == CaseKind::Send) {
      if (!won->success) throw Panic("send on closed channel");
    } else {
      *recv_ok = won->success;
    }
    return finish(chosen);
  }
}

}  // namespace as::go::detail

namespace as::go {

void block_forever(std::source_location loc) {
  detail::Sched& s = detail::sched();
  detail::G* g = detail::current_g();
  g->forever = true;
  s.park_current(trace::Reason::Forever, 0, 0, nullptr, nullptr, s.tracer().loc(loc));
  throw detail::Unwind{};
}

}  // namespace as::go
