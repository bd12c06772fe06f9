// core/goroutine/time.cpp — sleep, after, Ticker (see time.hpp).
#include "core/goroutine/time.hpp"

#include <algorithm>
#include <mutex>

#include "core/goroutine/panic.hpp"
#include "core/goroutine/sched.hpp"

namespace as::go {

using detail::G;
using detail::Timer;
using trace::EventKind;

namespace {
bool unlock_timers(G*, void* arg) {
  static_cast<detail::RuntimeLock*>(arg)->unlock();
  return true;
}

void trace_fire(detail::Sched& s, Timer* t) {
  detail::M* m = detail::current_m();
  s.tracer().emit(EventKind::TimerFire, s.worker_of(m), m && m->curg ? m->curg->id : 0, t->id);
}

// trace_arm records the arming of t. Call it BEFORE TimerHeap::add: once t is in the heap another
// M may fire it (rewriting a Ticker's `when`) or fire and dispose it (After's timer).
void trace_arm(detail::Sched& s, const Timer* t, trace::StringId loc) {
  detail::M* m = detail::current_m();
  s.tracer().emit(EventKind::TimerArm, s.worker_of(m), m && m->curg ? m->curg->id : 0, t->id,
                  static_cast<uint64_t>(t->when), 0, loc);
}

// A channel timer's fire: non-blocking send of the current time (sendTime in time.go).
void send_time(Timer* t, int64_t now) {
  detail::Sched& s = detail::sched();
  trace_fire(s, t);
  auto* c = static_cast<detail::HChan*>(t->arg);
  int64_t v = now;
  detail::chansend(c, &v, false, std::source_location::current());
}

struct AfterTimer {
  Timer timer;
  Chan<int64_t> ch;
};
}  // namespace

int64_t now() {
  return detail::sched().now();
}

void sleep(Duration d, std::source_location loc) {
  detail::M* m = detail::current_m();
  detail::Sched& s = detail::sched_of(m);
  if (s.exiting()) throw detail::Unwind{};
  if (d.count() <= 0) return;
  s.charge(s.platform().costs().timer_ns);
  // One clock read for the whole operation: the deadline, TimerArm and TaskBlock (the trace clock
  // is the platform clock: the Runtime attaches its recorder to its platform).
  const int64_t now = s.now();
  Timer t;
  t.when = now + d.count();
  t.arg = m->curg;
  t.fire = [](Timer* timer, int64_t run_at) {
    detail::M* fm = detail::current_m();
    detail::Sched& sc = *fm->sched;
    auto* sleeper = static_cast<G*>(timer->arg);
    detail::Tracer& tr = sc.tracer();
    if (tr.on()) {
      // On real threads the fire is stamped with the time the heap run found it due (one clock
      // read per run of the heap, not per timer); in sim a platform call (a wakep) during the
      // run may have moved the virtual clock, so it reads it.
      fm->trace_ts = sc.simulated() ? tr.now() : run_at;
      tr.emit_at(fm->trace_ts, EventKind::TimerFire, sc.worker_of(fm), sleeper->id, timer->id);
    }
    sc.ready(fm, sleeper, trace::Reason::Sleep, false, true, /*same_op=*/true);
  };
  const trace::StringId where = s.tracer().loc(loc);
  auto& heap = s.timers_of(m);  // this P's heap: the timer stays there even if we move
  t.id = s.new_timer_id();
  heap.lock().lock();
  const bool earliest = heap.add(&t, true);
  m->trace_ts = now;
  if (s.tracer().on())
    s.tracer().emit_at(now, EventKind::TimerArm, s.worker_of(m), m->curg->id, t.id,
                       static_cast<uint64_t>(t.when), 0, where);
  if (earliest) s.wake_poller();  // the M sleeping in the poller may be sleeping too long
  struct Guard {
    detail::TimerHeap& heap;
    Timer& t;
    bool armed = true;
    ~Guard() {
      if (armed) heap.remove(&t);
    }
  } guard{heap, t};
  s.park_current(m, trace::Reason::Sleep, t.id, 0, unlock_timers, &heap.lock(), where,
                 /*same_op=*/true);
  guard.armed = false;
}

Chan<int64_t> after(Duration d, std::source_location loc) {
  detail::M* m = detail::current_m();
  detail::Sched& s = detail::sched_of(m);
  auto* at = new AfterTimer{Timer{}, Chan<int64_t>(1, "time.After", loc)};
  at->timer.when = s.now() + std::max<int64_t>(d.count(), 0);
  at->timer.id = s.new_timer_id();
  at->timer.arg = at;
  at->timer.fire = [](Timer* t, int64_t now) {
    auto* self = static_cast<AfterTimer*>(t->arg);
    Timer shim = *t;
    shim.arg = self->ch.raw();
    send_time(&shim, now);
  };
  at->timer.dispose = [](Timer* t) { delete static_cast<AfterTimer*>(t->arg); };
  Chan<int64_t> result = at->ch;
  trace_arm(s, &at->timer, s.tracer().loc(loc));
  const bool earliest = s.timers_of(m).add(&at->timer);
  if (earliest) s.wake_poller();
  return result;
}

Ticker::Ticker(Duration period, std::source_location loc) : c_(1, "time.Ticker", loc) {
  if (period.count() <= 0) throw Panic("non-positive interval for NewTicker");
  detail::M* m = detail::current_m();
  detail::Sched& s = detail::sched_of(m);
  timer_.period = period.count();
  timer_.when = s.now() + period.count();
  timer_.id = s.new_timer_id();
  timer_.arg = c_.raw();
  timer_.fire = send_time;
  trace_arm(s, &timer_, s.tracer().loc(loc));
  const bool earliest = s.timers_of(m).add(&timer_);
  if (earliest) s.wake_poller();
}

Ticker::~Ticker() {
  stop();
}

void Ticker::stop() {
  detail::M* m = detail::current_m();
  if (!m || !m->sched) return;  // the runtime is gone; its heap was cleared
  // The heap it was armed on (its P's then), wherever this goroutine runs now.
  if (timer_.heap != nullptr && timer_.heap->remove(&timer_, &m->sched->platform()))
    m->sched->tracer().emit(EventKind::TimerCancel, m->sched->worker_of(m),
                            m->curg ? m->curg->id : 0, timer_.id);
}

}  // namespace as::go
