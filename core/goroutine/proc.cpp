// core/goroutine/proc.cpp — the scheduler: schedule, findrunnable, park/ready, wakep, spinning
// Ms, work stealing, Gosched, preemption at safe points, syscall hand-off (proc.go).
//
// Owns: every transition of a G (Runnable -> Running -> Waiting/Runnable/Dead) and of a P
// (owned by an M <-> idle), and the M lifecycle (running, spinning, idle, polling, in syscall).
//
// How a switch works (proc.go's mcall/gogo with fibers): the M's own stack is g0. execute()
// switches from g0 into the G's fiber. When the G blocks it records what must happen next in
// M::after (Park + unlock function, Yield, Preempt, Exit) and switches back to g0; g0 does it
// (after_switch) and schedules again. Doing that work on g0 is what makes park race-free: the
// lock protecting the wait queue is released only once the G is completely off its stack, so a
// waker on another M can never resume a G that is still running.
// The park fast path (handoff, real threads only): when schedule() would find the next G straight
// in this P's queue (no timer due, no global-queue turn), the parking G switches directly to it
// and the after-switch work runs on the next G's stack before it continues — still only once the
// parked G is off its stack, so the guarantee is the same, with one stack switch instead of two.
// Go itself always goes through g0 (mcall); here the skipped switch and scheduler loop were about
// a fifth of an untraced channel round trip.
//
// The scheduling order of schedule() is Go's: every 61st tick take one G from the global queue
// (fairness: a pair of goroutines readying each other via runnext cannot starve it), then the
// local runnext/ring, then findrunnable: this P's timers, local, global, netpoll (non-blocking),
// steal from other Ps (4 rounds over a random order, runnext only in the last round), the other
// Ps' due timers, and only then give the P back and sleep — as the netpoller/timer waiter (until
// the earliest deadline of all Ps) if nobody else is, else parked on the M's note. One departure,
// on real threads only: a spinner that saw a busy P's runnext occupied within the last
// millisecond searches again after a back-off instead of stopping (lingers(): it spares a
// hand-off chain one futex wake per wakep).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>

#include "core/goroutine/gcache.hpp"
#include "core/goroutine/netpoll.hpp"
#include "core/goroutine/panic.hpp"
#include "core/goroutine/report.hpp"
#include "core/goroutine/sched.hpp"
#include "core/goroutine/stackcache.hpp"
#include "core/goroutine/timers.hpp"

namespace as::go::detail {

using trace::EventKind;
using trace::Reason;

namespace {
thread_local M* tls_m = nullptr;
}  // namespace

__attribute__((noinline)) M* current_m() {
  asm volatile("" ::: "memory");
  return tls_m;
}
__attribute__((noinline)) void set_current_m(M* m) {
  asm volatile("" ::: "memory");
  tls_m = m;
}
G* current_g() {
  M* m = current_m();
  return m ? m->curg : nullptr;
}

Sched& sched() {
  M* m = current_m();
  if (!m || !m->sched)
    throw std::logic_error("asyncscope go: called outside a goroutine (use go::Runtime::run)");
  return *m->sched;
}

// A platform call may switch simulated workers; the thread-local M must be restored after it.
namespace {
struct RestoreM {
  M* m;
  explicit RestoreM(M* mm) : m(mm) {}
  ~RestoreM() { set_current_m(m); }
};
}  // namespace

Sched::Sched(platform::Platform& platform, trace::Recorder* recorder, SchedConfig config)
    : platform_(platform), tracer_(recorder), config_(config), simulated_(platform.simulated()) {
  if (config_.procs < 1) config_.procs = 1;
  fiber::StackConfig sc;
  sc.reserve_bytes = config_.stack_size;
  // Keep every released stack warm for reuse while the runtime lives (a spawn storm releases
  // 100k stacks at once; shrinking each one costs an madvise + mincore). When the runtime ends the
  // pool goes to the next runtime or is unmapped (stackcache.hpp), and a parked goroutine's own
  // stack is still shrunk at park points.
  sc.max_pooled = size_t{1} << 20;
  // Guard regions cost no mapping each: then every stack gets a guard, not just the first 24,000.
  if (fiber::StackPool::lightweight_guards()) sc.max_guarded = SIZE_MAX;
  stacks_ = take_stack_pool(sc);  // warm stacks of the previous runtime (stackcache.hpp)
  netpoll_ = std::make_unique<NetPoller>(*this);
  for (int i = 0; i < config_.procs; ++i) {
    auto p = std::make_unique<P>();
    p->id = i;
    // One P: nobody steals. Real threads: the owner claims runnext without a locked instruction
    // (runq.hpp); the simulation keeps proc.go's CAS.
    using Claim = LocalRunQueue::Claim;
    p->runq.set_claim(config_.procs == 1                                     ? Claim::Private
                      : !simulated_ && LocalRunQueue::asymmetric_available() ? Claim::Asymmetric
                                                                             : Claim::Locked);
    p->timers.set_shared(config_.procs > 1);  // one P: no lock (RuntimeLock)
    allp_.push_back(std::move(p));
    p_names_.push_back(tracer_.intern("P" + std::to_string(i)));
  }
  platform_.set_stall_handler([this] { on_stall(); });
}

Sched::~Sched() {
  platform_.set_stall_handler({});
  return_stack_pool(std::move(stacks_));
}

// ---------------------------------------------------------------------------------------------
// Program start and end
// ---------------------------------------------------------------------------------------------

void Sched::run(std::function<void()> main_fn, std::source_location loc) {
  tracer_.emit(EventKind::RuntimeStart, trace::kNoWorker, 0,
               static_cast<uint64_t>(trace::ModelKind::Goroutine), config_.procs, platform_.seed());
  main_g_ = spawn("main", std::move(main_fn), loc);
  main_g_->is_main = true;
  // P0 goes to M0; the other Ps start idle and get Ms on demand (wakep -> startm).
  for (int i = config_.procs - 1; i >= 1; --i) pidleput(allp_[static_cast<size_t>(i)].get());
  auto m0 = std::make_unique<M>();
  m0->sched = this;
  m0->nextp = allp_[0].get();
  M* m0p = m0.get();
  allm_.push_back(std::move(m0));
  try {
    platform_.run(1, [this, m0p](int worker) {
      {
        std::lock_guard guard(lock_);
        m0p->id = worker;
      }
      m_main(m0p);
    });
  } catch (const platform::RunCancelled&) {
    std::lock_guard guard(lock_);
    if (!exiting_) {
      exiting_ = true;
      exit_code_ = 2;
      report_ = "fatal error: run cancelled";
    }
  } catch (const platform::Stalled& e) {
    std::lock_guard guard(lock_);
    if (!exiting_) {
      exiting_ = true;
      exit_code_ = 2;
      report_ = std::string("fatal error: ") + e.what();
    }
  }
  // Everything below runs on the caller's thread with no M: the program is over.
  for (auto& p : allp_) p->timers.clear();
  netpoll_->shutdown();
  // Forget the run queues first (the goroutines in them are unwound below with all others).
  for (auto& p : allp_) {
    bool inherit = false;
    while (p->runq.get(inherit)) {
    }
  }
  while (runq_.pop()) {
  }
  // Unwind goroutines that never finished (parked or runnable): destroying a suspended fiber
  // throws FiberUnwind at its park point, so its destructors run (like Goexit's deferred calls).
  // Newest first, main last: children usually borrow main's locals ([&] captures), so they must
  // be gone before main's frame is. (If main returned, its frame is already gone: goroutines that
  // still hold references into it must not touch them from destructors.)
  for (;;) {
    G* g;
    {
      std::lock_guard guard(glock_);
      g = allg_;
      if (g) {
        allg_ = g->alllink_next;
        if (allg_) allg_->alllink_prev = nullptr;
      }
    }
    if (!g) break;
    g->unwinding = true;
    g->fiber = nullptr;
    g->fiber_slot.reset();
    tracer_.emit(EventKind::TaskDestroy, trace::kNoWorker, g->id,
                 static_cast<uint64_t>(Reason::Cancelled));
    add_count(live_gs_, -1);
    free_g(g);
  }
  for (auto& p : allp_) tracer_.emit(EventKind::WorkerStop, static_cast<uint16_t>(p->id), 0);
  tracer_.emit(EventKind::RuntimeStop, trace::kNoWorker, 0, static_cast<uint64_t>(exit_code_));
}

void Sched::exit_program_locked() {
  exiting_.store(true, std::memory_order_release);
}

void Sched::wake_all_ms() {
  std::vector<int> ids;
  {
    std::lock_guard guard(lock_);
    for (auto& m : allm_)
      if (!m->exited) ids.push_back(m->id);
  }
  for (int id : ids) platform_.unpark(id);
}

void Sched::fatal(trace::ErrorKind kind, const std::string& report, G* g) {
  {
    std::lock_guard guard(lock_);
    if (exiting_) return;  // the first fatal error wins, like Go's
    exit_code_ = 2;
    report_ = report;
    exit_program_locked();
  }
  tracer_.emit(EventKind::RuntimeError, worker_of(current_m()), g ? g->id : 0,
               static_cast<uint64_t>(kind), tracer_.intern(report), g ? g->id : 0);
  wake_all_ms();
}

void Sched::on_stall() {
  // The platform saw every worker parked for good. Our own checkdead normally reports first;
  // this is the backstop (e.g. the simulation: a netpoll wait that no device can ever satisfy).
  std::string report;
  {
    std::lock_guard guard(lock_);
    if (!exiting_) {
      std::lock_guard gguard(glock_);
      report = deadlock_report(allg_);
    }
  }
  if (!report.empty()) fatal(trace::ErrorKind::Deadlock, report, nullptr);
  wake_all_ms();
}

// ---------------------------------------------------------------------------------------------
// Goroutine creation and exit
// ---------------------------------------------------------------------------------------------

struct GEntry {
  static void run(Sched* s, G* g) {
    try {
      g->fn();
    } catch (const fiber::FiberUnwind&) {
      throw;
    } catch (const platform::RunCancelled&) {
      throw;
    } catch (const Unwind&) {
      // the program is ending: this goroutine just stops
    } catch (const std::exception& e) {
      g->panicked = true;
      s->fatal(trace::ErrorKind::Panic, panic_report(g, e.what()), g);
    } catch (...) {
      g->panicked = true;
      s->fatal(trace::ErrorKind::Panic, panic_report(g, "non-standard exception"), g);
    }
    g->fn = nullptr;  // captured state is destroyed on the goroutine, while it still runs
    M* m = current_m();
    m->after = AfterSwitch::Exit;
    g->fiber->set_return_to(m->g0);  // the fiber returns into this M's scheduler loop
  }
};

G* Sched::spawn(std::string name, std::function<void()> fn, const std::source_location& loc) {
  G* g = new_g();  // gfget: a recycled record when there is one (gcache.hpp)
  g->id = add_count(next_goid_, 1);
  g->name = std::move(name);
  g->fn = std::move(fn);
  g->create_loc = tracer_.loc(loc);
  g->created_at = loc;
  M* m = current_m();
  G* parent = m ? m->curg : nullptr;
  g->parent = parent ? parent->id : 0;
  g->fiber = &g->fiber_slot.emplace(
      *stacks_, [this, g] { GEntry::run(this, g); }, std::string(), g->id);
  g->fiber->set_user(g);
  {
    std::lock_guard guard(glock_);
    g->alllink_next = allg_;
    if (allg_) allg_->alllink_prev = g;
    allg_ = g;
  }
  add_count(live_gs_, 1);
  add_count(stats_.goroutines, 1);
  const uint16_t w = main_g_ ? worker_of(m) : 0;  // main is queued on P0
  int64_t ts = 0;
  if (tracer_.on()) {
    ts = tracer_.now();
    tracer_.emit_at(ts, EventKind::TaskCreate, w, g->id, g->parent, intern_name(m, g->name),
                    stacks_->config().reserve_bytes, g->create_loc);
  }
  g->status = GStatus::Runnable;
  if (m && m->p) {
    charge(platform_.costs().task_spawn_ns);
    if (simulated_) ts = tracer_.now();  // the charge moved the virtual clock
    runqput(m->p, g, true, ts);          // newproc: the new goroutine goes to runnext
    wakep(parent);
  } else if (main_g_ != nullptr) {
    inject_global(g);
  }
  // else: the main goroutine, queued by run() on P0 below
  if (!main_g_) {
    G* kicked = nullptr;
    allp_[0]->runq.put(g, false, kicked);
  }
  return g;
}

trace::StringId Sched::intern_name(M* m, const std::string& name) {
  if (m == nullptr) return tracer_.intern(name);
  if (m->last_name_id == 0 || m->last_name != name) {
    m->last_name = name;
    m->last_name_id = tracer_.intern(name);
  }
  return m->last_name_id;
}

void Sched::destroy_g(G* g) {
  if (tracer_.on()) {
    const int64_t ts = tracer_.now();  // one operation: stop and destroy share a time
    const uint16_t w = worker_of(current_m());
    const auto why = static_cast<uint64_t>(g->panicked ? Reason::Panic : Reason::Done);
    tracer_.emit_at(ts, EventKind::TaskStop, w, g->id, why);
    tracer_.emit_at(ts, EventKind::TaskDestroy, w, g->id, why);
  }
  g->status = GStatus::Dead;
  {
    std::lock_guard guard(glock_);
    if (g->alllink_prev)
      g->alllink_prev->alllink_next = g->alllink_next;
    else
      allg_ = g->alllink_next;
    if (g->alllink_next) g->alllink_next->alllink_prev = g->alllink_prev;
  }
  add_count(live_gs_, -1);
  const bool was_main = g->is_main;
  free_g(g);  // and its fiber; gfput: the record is kept for the next spawn
  if (was_main) {
    // main returned: the program ends, whatever other goroutines are doing (Go semantics).
    {
      std::lock_guard guard(lock_);
      exit_program_locked();
    }
    wake_all_ms();
  }
}

// ---------------------------------------------------------------------------------------------
// M lifecycle
// ---------------------------------------------------------------------------------------------

M* Sched::new_m(P* nextp) {
  auto m = std::make_unique<M>();
  m->sched = this;
  m->nextp = nextp;
  M* raw = m.get();
  {
    std::lock_guard guard(lock_);
    allm_.push_back(std::move(m));
  }
  return raw;
}

void Sched::m_main(M* m) {
  set_current_m(m);
  m->g0 = &fiber::Fiber::current();
  try {
    P* p = nullptr;
    {
      std::lock_guard guard(lock_);
      p = m->nextp;
      m->nextp = nullptr;
    }
    if (p) acquirep(m, p);
    schedule(m);
  } catch (const platform::RunCancelled&) {
    // the run is being torn down; fall through
  }
  if (m->p) {
    std::lock_guard guard(lock_);
    P* p = m->p;
    p->m = nullptr;
    m->p = nullptr;
    pidleput(p);
  }
  {
    std::lock_guard guard(lock_);
    m->exited = true;
  }
  set_current_m(nullptr);
}

void Sched::acquirep(M* m, P* p) {
  m->p = p;
  p->m = m;
  tracer_.emit(EventKind::WorkerStart, static_cast<uint16_t>(p->id), 0,
               p_names_[static_cast<size_t>(p->id)], static_cast<uint64_t>(m->id));
}

P* Sched::releasep(M* m) {
  P* p = m->p;
  m->p = nullptr;
  if (p) {
    p->m = nullptr;
    tracer_.emit(EventKind::WorkerIdle, static_cast<uint16_t>(p->id), 0);
  }
  return p;
}

void Sched::pidleput(P* p) {
  p->link = pidle_;
  pidle_ = p;
  npidle_.fetch_add(1, std::memory_order_acq_rel);
}

P* Sched::pidleget() {
  P* p = pidle_;
  if (p) {
    pidle_ = p->link;
    p->link = nullptr;
    npidle_.fetch_sub(1, std::memory_order_acq_rel);
  }
  return p;
}

// stopm parks an M with no P until startm gives it one (or the program ends).
void Sched::stopm(M* m) {
  bool dead = false;
  {
    std::lock_guard guard(lock_);
    if (exiting_) return;
    m->idle = true;
    m->link = midle_;
    midle_ = m;
    ++nmidle_;
    dead = check_dead_locked();
  }
  if (dead) {
    tracer_.emit(EventKind::RuntimeError, trace::kNoWorker, 1 /* main */,
                 static_cast<uint64_t>(trace::ErrorKind::Deadlock), tracer_.intern(report_), 0);
    wake_all_ms();
  }
  for (;;) {
    {
      std::lock_guard guard(lock_);
      if (m->nextp || exiting_) {
        if (m->idle) {  // woken by exit: take ourselves off the idle list
          M** pp = &midle_;
          while (*pp && *pp != m) pp = &(*pp)->link;
          if (*pp) *pp = m->link;
          m->idle = false;
          --nmidle_;
        }
        break;
      }
    }
    RestoreM restore(m);
    platform_.park();
  }
  P* p;
  {
    std::lock_guard guard(lock_);
    p = m->nextp;
    m->nextp = nullptr;
    if (p && exiting_) {
      pidleput(p);
      p = nullptr;
    }
  }
  if (p) acquirep(m, p);
}

// startm gives P p (or an idle P) to an idle M, or to a new M, and wakes it.
void Sched::startm(P* p, bool spinning, G* by, int handoff_from_m) {
  M* nm = nullptr;
  {
    std::lock_guard guard(lock_);
    if (exiting_) {
      if (p) pidleput(p);
      if (spinning) nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
    if (!p) p = pidleget();
    if (!p) {
      if (spinning) nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
    nm = midle_;
    if (nm) {
      midle_ = nm->link;
      nm->idle = false;
      --nmidle_;
      nm->spinning = spinning;
      nm->nextp = p;
    }
  }
  M* self = current_m();
  const uint16_t waker = worker_of(self);
  const auto pid = static_cast<uint16_t>(p->id);
  if (nm) {
    tracer_.emit(EventKind::WorkerWake, pid, 0, waker, by ? by->id : 0);
    if (handoff_from_m >= 0)
      tracer_.emit(EventKind::ProcHandoff, pid, 0, static_cast<uint64_t>(handoff_from_m),
                   static_cast<uint64_t>(nm->id));
    RestoreM restore(self);
    platform_.unpark(nm->id);
    return;
  }
  nm = new_m(p);
  nm->spinning = spinning;
  tracer_.emit(EventKind::WorkerWake, pid, 0, waker, by ? by->id : 0);
  RestoreM restore(self);
  const int id = platform_.spawn_worker(
      [this, nm](int worker) {
        {
          std::lock_guard guard(lock_);  // readers (wake_all_ms, startm) take lock_ too
          nm->id = worker;
        }
        m_main(nm);
      },
      "go-M");
  if (handoff_from_m >= 0)
    tracer_.emit(EventKind::ProcHandoff, pid, 0, static_cast<uint64_t>(handoff_from_m),
                 static_cast<uint64_t>(id));
}

// wakep_slow: there was an idle P (wakep's test); start a spinning M unless one spins already.
void Sched::wakep_slow(G* by) {
  int expected = 0;
  if (nmspinning_.load(std::memory_order_acquire) != 0 ||
      !nmspinning_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
    return;
  stats_.wakeps.fetch_add(1, std::memory_order_relaxed);
  startm(nullptr, true, by);
}

void Sched::reset_spinning(M* m) {
  m->spinning = false;
  const int left = nmspinning_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  // The last spinner found work: there may be more, so start another searcher (proc.go).
  if (left == 0 && npidle_.load(std::memory_order_acquire) > 0) wakep(nullptr);
}

void Sched::handoffp(P* p, int from_m) {
  const bool has_work =
      !p->runq.empty() || runq_size_.load(std::memory_order_acquire) > 0 || p->timers.size() > 0;
  if (has_work) {
    startm(p, false, nullptr, from_m);
    return;
  }
  int expected = 0;
  if (nmspinning_.load() + npidle_.load() == 0 &&
      nmspinning_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    startm(p, true, nullptr, from_m);
    return;
  }
  std::lock_guard guard(lock_);
  pidleput(p);
}

// ---------------------------------------------------------------------------------------------
// Run queues
// ---------------------------------------------------------------------------------------------

// Inlined into its callers (ready() runs it on every wake-up; a call costs as much as its body).
[[gnu::always_inline]] inline void Sched::runqput(P* p, G* g, bool next, int64_t ts,
                                                  bool runnext_said) {
  // Filling an empty runnext leaves the ring as it was (a thief emptying runnext meanwhile only
  // makes this false: then trace_queues compares the ring as usual).
  const bool ring_untouched = next && !p->runq.has_runnext();
  G* kicked = nullptr;
  if (!p->runq.put(g, next, kicked)) [[unlikely]]
    runqput_slow(p, kicked);
  if (ring_untouched && runnext_said) {
    // The TaskUnblock(into = Runnext) said everything that changed (the ready() of a pingpong).
    if (tracer_.on()) p->traced_runnext.store(p->runq.has_runnext(), std::memory_order_relaxed);
    return;
  }
  trace_queues(p, ts, next, runnext_said);
}

// runqput_slow: the local ring is full; move half of it plus `kicked` (the G that did not fit) to
// the global queue (proc.go's runqputslow). Out of line: its batch array would otherwise make
// every runqput pay for a large stack frame.
__attribute__((noinline)) void Sched::runqput_slow(P* p, G* kicked) {
  for (;;) {
    G* batch[LocalRunQueue::kSize / 2 + 1];
    const uint32_t n = p->runq.grab_half(batch, kicked);
    if (n == 0) {
      // A stealer made room meanwhile: retry the put.
      G* g = kicked;
      if (p->runq.put(g, false, kicked)) return;
      continue;
    }
    std::lock_guard guard(lock_);
    runq_.push_batch(batch, n);
    runq_size_.store(runq_.size(), std::memory_order_release);
    return;
  }
}

void Sched::inject_global(G* g) {
  {
    std::lock_guard guard(lock_);
    runq_.push_back(g);
    runq_size_.store(runq_.size(), std::memory_order_release);
  }
  tracer_.emit(EventKind::QueueLength, trace::kNoWorker, 0,
               static_cast<uint64_t>(trace::QueueKind::Global), trace::kNoWorker,
               runq_size_.load(std::memory_order_relaxed));
}

G* Sched::globrunqget(P* p, uint32_t max) {
  uint32_t n = runq_.size();
  if (n == 0) return nullptr;
  n = std::min(n, n / static_cast<uint32_t>(config_.procs) + 1);
  if (max > 0) n = std::min(n, max);
  n = std::min(n, LocalRunQueue::kSize / 2);
  G* g = runq_.pop();
  for (uint32_t i = 1; i < n; ++i) {
    G* extra = runq_.pop();
    G* kicked = nullptr;
    p->runq.put(extra, false,
                kicked);  // room is guaranteed: n <= 128 and we only add when empty-ish
    if (kicked) runq_.push_front(kicked);
  }
  runq_size_.store(runq_.size(), std::memory_order_release);
  // A batch moved from the global queue to p's ring: traced as a steal from "no worker".
  if (n > 1)
    tracer_.emit(EventKind::Steal, static_cast<uint16_t>(p->id), 0, trace::kNoWorker,
                 static_cast<uint64_t>(p->id), n - 1);
  return g;
}

bool Sched::timers_due(const P* p, int64_t& now) const {
  const int64_t next = p->timers.next_deadline();
  if (next == platform::kNever) return false;
  now = platform_.now();
  return next <= now;
}

int64_t Sched::next_timer() const {
  int64_t next = platform::kNever;
  for (const auto& p : allp_) next = std::min(next, p->timers.next_deadline());
  return next;
}

bool Sched::timers_pending() const {
  for (const auto& p : allp_)
    if (p->timers.size() > 0) return true;
  return false;
}

int Sched::run_other_timers(M* m) {
  int fired = 0;
  int64_t now = 0;
  bool have_now = false;
  for (auto& other : allp_) {
    if (other.get() == m->p || other->timers.next_deadline() == platform::kNever) continue;
    if (!have_now) {
      now = platform_.now();
      have_now = true;
    }
    if (other->timers.next_deadline() > now) continue;
    RestoreM restore(m);
    fired += other->timers.run(now);
  }
  return fired;
}

void Sched::trace_queues(P* p, int64_t ts, bool force_runnext, bool runnext_said) {
  if (!tracer_.on()) return;
  // Plain loads and stores, not exchanges (an exchange is a full barrier, and this runs twice per
  // switch). A thief tracing its victim's queue can race with the owner: then a length may be
  // traced twice or be stale until the queue's next change — a counter, not a scheduling fact.
  const uint32_t local = p->runq.size();
  if (p->traced_local.load(std::memory_order_relaxed) != local) {
    p->traced_local.store(local, std::memory_order_relaxed);
    tracer_.emit_at(ts, EventKind::QueueLength, static_cast<uint16_t>(p->id), 0,
                    static_cast<uint64_t>(trace::QueueKind::Local), static_cast<uint64_t>(p->id),
                    local);
  }
  const bool next = p->runq.has_runnext();
  if (runnext_said) {  // a TaskUnblock(into = Runnext) just said it
    p->traced_runnext.store(next, std::memory_order_relaxed);
    return;
  }
  if (p->traced_runnext.load(std::memory_order_relaxed) != next || force_runnext) {
    p->traced_runnext.store(next, std::memory_order_relaxed);
    tracer_.emit_at(ts, EventKind::QueueLength, static_cast<uint16_t>(p->id), 0,
                    static_cast<uint64_t>(trace::QueueKind::Runnext), static_cast<uint64_t>(p->id),
                    next ? 1 : 0);
  }
}

// ---------------------------------------------------------------------------------------------
// schedule / findrunnable / execute
// ---------------------------------------------------------------------------------------------

void Sched::schedule(M* m) {
  for (;;) {
    if (exiting_.load(std::memory_order_acquire)) return;
    if (!m->p) {
      stopm(m);
      continue;
    }
    P* p = m->p;
    bool inherit = false;
    G* g = nullptr;
    if (int64_t now; timers_due(p, now)) {
      RestoreM restore(m);
      p->timers.run(now);
    }
    if (p->schedtick % 61 == 0 && runq_size_.load(std::memory_order_acquire) > 0) {
      std::lock_guard guard(lock_);
      g = globrunqget(p, 1);
      runq_size_.store(runq_.size(), std::memory_order_release);
    }
    if (!g) g = p->runq.get(inherit);
    if (!g) g = find_runnable(m, inherit);
    if (!g) continue;  // exiting, or lost the P
    if (m->spinning) reset_spinning(m);
    // The goroutine that comes back to g0 may not be g: g may have handed this M straight to
    // another goroutine when it parked (see park_current).
    G* back = execute(m, g, inherit);
    after_switch(m, back);
  }
}

// start_g makes g the running goroutine of m (execute's bookkeeping, before the switch to it).
// now: the time g starts — the TaskStart time and, for a fresh time slice, the preemption clock's
// start (trace clock == platform clock); only read when tracing or !inherit_time.
void Sched::start_g(M* m, G* g, bool inherit_time, int64_t now, bool start_traced) {
  P* p = m->p;
  g->status = GStatus::Running;
  g->m = m;
  g->last_p = p->id;
  m->curg = g;
  if (!inherit_time) {
    ++p->schedtick;
    g->run_start_ns = now;
  }
  // Only p's owner counts (a load and a store, not a locked add); stats sum over the Ps.
  p->switches.store(p->switches.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (tracer_.on()) {
    // A G taken from runnext (inherit_time) left it empty: its TaskStart says so (arg0 "from";
    // the trace model dequeues a starting task from wherever it was, the Perfetto export drops
    // the runnext counter), so no QueueLength(Runnext, 0) is written for it. The ring did not
    // change then either (every put, ring take and steal traced its own change), so there is
    // nothing else to compare.
    if (inherit_time)
      p->traced_runnext.store(false, std::memory_order_relaxed);
    else
      trace_queues(p, now);
    if (!start_traced)  // else it rode along with the parking goroutine's TaskBlock
      tracer_.emit_at(now, EventKind::TaskStart, static_cast<uint16_t>(p->id), g->id,
                      inherit_time ? trace::start_from(trace::QueueKind::Runnext) : 0);
  }
}

G* Sched::execute(M* m, G* g, bool inherit_time) {
  start_g(m, g, inherit_time, (tracer_.on() || !inherit_time) ? platform_.now() : 0);
  if (simulated_) {
    platform_.consume(platform_.costs().task_switch_ns);
    set_current_m(m);
  }
  fiber::Fiber::switch_to(*g->fiber);
  set_current_m(m);
  G* back = m->curg;
  m->curg = nullptr;
  return back;
}

// after_park: g parked and is off its stack — release the lock that protects the queue it waits
// on (its unlock function), and give back its unused stack pages if it asked. Inlined into
// finish_handoff, which runs it twice per pingpong round trip (a hand-off only follows a park).
[[gnu::always_inline]] inline void Sched::after_park(M* m, G* g) {
  m->after = AfterSwitch::None;
  if (g->shrink_wanted) [[unlikely]] {
    // The goroutine is off its stack and nobody can ready it before we unlock: a safe moment
    // to give its unused stack pages back (Go shrinks stacks at GC time).
    g->shrink_wanted = false;
    g->fiber->shrink_stack();
    g->stack_peak = g->stack_used;
    g->stack_committed = committed_of(g);
    tracer_.emit(EventKind::StackSample, worker_of(m), g->id, g->stack_used, g->stack_committed,
                 g->fiber->reserved_bytes());
  }
  UnlockFn fn = m->unlock_fn;
  void* arg = m->unlock_arg;
  m->unlock_fn = nullptr;
  m->unlock_arg = nullptr;
  if (fn && !fn(g, arg)) {
    ready(g, g->wait_reason, true);  // the wait was cancelled before it began
  }
}

void Sched::after_switch(M* m, G* g) {
  const AfterSwitch what = m->after;
  m->after = AfterSwitch::None;
  switch (what) {
    case AfterSwitch::Park:
      after_park(m, g);
      break;
    case AfterSwitch::Yield:
    case AfterSwitch::Preempt:
      g->status = GStatus::Runnable;
      inject_global(g);  // goschedImpl: to the global queue
      break;
    case AfterSwitch::Exit:
      destroy_g(g);
      break;
    case AfterSwitch::None:
      // The goroutine came back without saying why: only happens if the run was cancelled while
      // it was inside a platform call; leave it for the shutdown unwinding.
      if (g->fiber && g->fiber->finished()) destroy_g(g);
      break;
  }
}

// lingers: spinning M m keeps its P and searches again instead of stopping, because it saw a
// busy P's runnext occupied less than kSpinLinger ago (real threads only).
//
// Why: a P whose runnext keeps filling is running a hand-off chain — a goroutine readies another
// and blocks right away (a channel pingpong, a request/reply pair). Go's spinning M leaves such a
// runnext alone for a back-off (runqgrab's usleep(3)), usually finds it taken by its owner, fails
// its search and stops (stopm: a futex sleep). The chain's next ready() then calls wakep again,
// which finds no spinner and wakes this M (startm: a futex wake — a system call of a few
// microseconds, plus an inter-processor interrupt, on the busy M's critical path, tens of
// thousands of times per second). Staying a spinner while the chain runs makes those wakep calls
// free (nmspinning > 0), at the cost of one back-off sleep per search on an otherwise idle core.
// It keeps Go's rules otherwise: the spinner still steals runnext only after the back-off, finds
// ring work, global work, other Ps' due timers and I/O at its next search (one back-off later at
// most, as during any spinning M's back-off), and stops once the chain has been quiet for
// kSpinLinger. The simulation keeps Go's plain stop: it charges no cost for a wake-up, so there
// is nothing to save, and its traces stay those of proc.go's algorithm.
bool Sched::lingers(M* m) const {
  return !simulated_ && m->runnext_seen_ns != 0 &&
         platform_.now() - m->runnext_seen_ns < kSpinLinger;
}

G* Sched::find_runnable(M* m, bool& inherit) {
  for (;;) {
    if (exiting_.load(std::memory_order_acquire)) return nullptr;
    P* p = m->p;
    if (!p) {
      stopm(m);
      continue;
    }
    if (int64_t now; timers_due(p, now)) {
      RestoreM restore(m);
      p->timers.run(now);
    }
    if (G* g = p->runq.get(inherit)) return g;
    if (runq_size_.load(std::memory_order_acquire) > 0) {
      std::lock_guard guard(lock_);
      if (G* g = globrunqget(p, 0)) {
        inherit = false;
        return g;
      }
    }
    // Non-blocking netpoll, if somebody waits on I/O and nobody is blocked in the poller.
    if (netpoll_->waiters() > 0 && !polling_.exchange(true, std::memory_order_acq_rel)) {
      int n = 0;
      G* list;
      {
        RestoreM restore(m);
        list = netpoll_->poll(0, n);
      }
      polling_.store(false, std::memory_order_release);
      if (list) {
        G* first = list;
        list = list->schedlink;
        first->schedlink = nullptr;
        tracer_.emit(EventKind::TaskUnblock, static_cast<uint16_t>(p->id), first->id, 0,
                     trace::kNoWorker, static_cast<uint64_t>(Reason::Io));
        ready_list(list, p, Reason::Io);
        inherit = false;
        return first;
      }
    }
    // Steal, unless too many Ms are already spinning (half of the busy Ps at most).
    if (config_.procs > 1) {
      const int64_t seen_before = m->runnext_seen_ns;
      const int busy = config_.procs - npidle_.load(std::memory_order_acquire);
      if (m->spinning || 2 * nmspinning_.load(std::memory_order_acquire) < busy) {
        if (!m->spinning) {
          m->spinning = true;
          nmspinning_.fetch_add(1, std::memory_order_acq_rel);
          tracer_.emit(EventKind::WorkerSpin, static_cast<uint16_t>(p->id), 0);
        }
        if (G* g = steal_work(m, inherit)) return g;
        if (m->p != p) continue;
      }
      // Last, the due timers of the other Ps (stealWork's checkTimers): what they ready lands in
      // our queue. (A P whose M is busy fires its own at its next schedule; an idle P's wait here
      // or for the netpoller M.)
      if (run_other_timers(m) > 0) continue;
      if (m->spinning && lingers(m)) {
        // This search slept in steal_work's runnext back-off already; else sleep as long here.
        if (m->runnext_seen_ns == seen_before) {
          RestoreM restore(m);
          platform_.relax(kRunnextBackoff);
        }
        continue;
      }
    }
    // Nothing to do: give the P back.
    {
      std::lock_guard guard(lock_);
      if (exiting_) return nullptr;
      if (G* g = globrunqget(p, 0)) {
        inherit = false;
        return g;
      }
      releasep(m);
      pidleput(p);
    }
    const bool was_spinning = m->spinning;
    if (m->spinning) {
      m->spinning = false;
      nmspinning_.fetch_sub(1, std::memory_order_acq_rel);
    }
    // Re-check every run queue after dropping "spinning" (the race proc.go describes: a G readied
    // just after our last look would otherwise wait for the next wakep).
    if (was_spinning) {
      bool retry = false;
      for (auto& pp : allp_) {
        if (!pp->runq.empty()) {
          std::lock_guard guard(lock_);
          if (P* np = pidleget()) {
            acquirep(m, np);
            m->spinning = true;
            nmspinning_.fetch_add(1, std::memory_order_acq_rel);
            retry = true;
          }
          break;
        }
      }
      if (retry) continue;
    }
    // Timers or I/O pending and nobody waiting for them: this M waits (the netpoller M).
    const int64_t next_timer = this->next_timer();
    if ((next_timer != platform::kNever || netpoll_->waiters() > 0) &&
        !polling_.exchange(true, std::memory_order_acq_rel)) {
      {
        std::lock_guard guard(lock_);
        ++npolling_;
        poller_m_ = m->id;
      }
      G* list = nullptr;
      int n = 0;
      {
        RestoreM restore(m);
        if (netpoll_->active()) {
          list = netpoll_->poll(next_timer, n);
        } else if (next_timer > platform_.now()) {
          platform_.park(next_timer);
        }
      }
      {
        std::lock_guard guard(lock_);
        --npolling_;
        poller_m_ = -1;
      }
      polling_.store(false, std::memory_order_release);
      P* np = nullptr;
      {
        std::lock_guard guard(lock_);
        np = exiting_ ? nullptr : pidleget();
      }
      if (np) {
        acquirep(m, np);
        ready_list(list, np, Reason::Io);
        continue;
      }
      ready_list(list, nullptr, Reason::Io);
      if (exiting_) return nullptr;
    }
    stopm(m);
  }
}

G* Sched::steal_work(M* m, bool& inherit) {
  P* p = m->p;
  const auto n = static_cast<uint64_t>(config_.procs);
  for (int round = 0; round < 4; ++round) {
    const bool steal_runnext = round == 3;
    const uint64_t start = choose(n);
    for (uint64_t j = 0; j < n; ++j) {
      if (exiting_.load(std::memory_order_acquire)) return nullptr;
      P* victim = allp_[static_cast<size_t>((start + j) % n)].get();
      if (victim == p) continue;
      uint32_t stolen = 0;
      G* g = p->runq.steal_from(
          victim->runq, steal_runnext, stolen,
          [](void* arg) {
            auto* s = static_cast<Sched*>(arg);
            M* self = current_m();
            s->platform_.relax(kRunnextBackoff);
            set_current_m(self);
            self->runnext_seen_ns = s->platform_.now();
          },
          this);
      if (g) {
        inherit = false;
        stats_.steals.fetch_add(1, std::memory_order_relaxed);
        tracer_.emit(EventKind::Steal, static_cast<uint16_t>(p->id), 0,
                     static_cast<uint64_t>(victim->id), static_cast<uint64_t>(p->id), stolen);
        const int64_t ts = tracer_.now();
        trace_queues(victim, ts);
        trace_queues(p, ts);
        charge(platform_.costs().steal_ns);
        set_current_m(m);
        return g;
      }
    }
    if (simulated_) {
      charge(platform_.costs().steal_ns);
      set_current_m(m);
    }
  }
  return nullptr;
}

// check_dead is Go's checkdead: called (under lock_) when an M goes idle. If no M is running
// (none executing, spinning, polling or in a syscall) and no timer or I/O wait is pending, no
// goroutine can ever be readied again.
bool Sched::check_dead_locked() {
  if (exiting_) return false;
  int run = 0;
  for (auto& m : allm_)
    if (!m->exited) ++run;
  run -= nmidle_;
  if (run > 0) return false;
  if (timers_pending() || netpoll_->waiters() > 0) return false;
  if (runq_.size() > 0) return false;
  for (auto& p : allp_)
    if (!p->runq.empty()) return false;
  std::string report;
  {
    std::lock_guard gguard(glock_);
    report = deadlock_report(allg_);
  }
  exit_code_ = 2;
  report_ = report;
  exit_program_locked();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Goroutine-side operations
// ---------------------------------------------------------------------------------------------

void Sched::switch_to_g0(M* m, G* g) {
  (void)g;
  fiber::Fiber::switch_to(*m->g0);
}

uint64_t Sched::committed_of(G* g, bool measure) {
  constexpr uint64_t kPage = 4096;
  if (!simulated_) {
    const uint64_t committed =
        measure ? g->fiber->committed_bytes()
                : std::max<uint64_t>(g->fiber->committed_sample(),
                                     (g->stack_used + kPage - 1) / kPage * kPage);
    g->fiber->set_committed_sample(committed);
    return committed;
  }
  // In the simulation the trace must not depend on what the OS did with this memory before:
  // pooled stacks keep pages resident from earlier runtimes in the same process, so mincore would
  // make two runs with the same seed differ. Model the OS instead: it commits a page on first
  // touch, so committed = the deepest use seen since the last shrink, rounded up to whole pages.
  g->stack_peak = std::max(g->stack_peak, g->stack_used);
  return (g->stack_peak + kPage - 1) / kPage * kPage;
}

// A goroutine's first sample (its first park) does not call mincore: a spawn storm or 10,000
// sleepers would pay one system call per goroutine (~0.5 us, more than the rest of a park). It
// reports what its stack carried from its previous users (committed_sample) or, on a fresh stack,
// the pages down to the current depth — a lower bound that is exact unless the goroutine went
// deeper before it first parked. Later samples (the depth moved by 1 KiB or more) measure.
void Sched::stack_sample(G* g, uint64_t used) {
  const bool first = !g->stack_sampled;
  g->stack_sampled = true;
  g->stack_used = used;
  g->stack_committed = committed_of(g, /*measure=*/!first);
  if (g->stack_committed > used + 32 * 1024) g->shrink_wanted = true;
  tracer_.emit(EventKind::StackSample, worker_of(current_m()), g->id, used, g->stack_committed,
               g->fiber->reserved_bytes());
  tracer_.emit(EventKind::StackBytes, trace::kNoWorker, 0, g->stack_committed, used,
               live_gs_.load(std::memory_order_relaxed));
}

void Sched::park_current(M* m, Reason reason, uint64_t object, trace::StringId object_name,
                         UnlockFn unlock, void* arg, trace::StringId loc, bool same_op) {
  G* g = m->curg;
  if (config_.check_stacks_every_park || simulated_) {
    // The depth at this park point (we run on g's stack). Traced only when it moved by 1 KiB or
    // more since the last sample: a goroutine parking in a loop costs two loads and a compare.
    const char* sp = static_cast<const char*>(__builtin_frame_address(0));
    const uint64_t used = static_cast<uint64_t>(g->fiber->stack().top() - sp);
    const uint64_t diff = used > g->stack_used ? used - g->stack_used : g->stack_used - used;
    if (!g->stack_sampled || diff >= 1024) stack_sample(g, used);
  }
  // The goroutine this M hands itself to, if any, is chosen first: when it comes from runnext its
  // TaskStart (same worker, same instant) is written inside g's TaskBlock (trace::FollowOn).
  G* const next = handoff_target(m);
  const bool start_rides_along = next != nullptr && m->handoff_inherit && tracer_.on();
  if (tracer_.on()) {
    if (!same_op || simulated_)
      m->trace_ts = tracer_.now();  // sim: a platform call may have
                                    // moved the virtual clock since
    if (start_rides_along) {
      tracer_.emit_at(
          m->trace_ts, EventKind::TaskBlock, worker_of(m), g->id, static_cast<uint64_t>(reason),
          object, object_name, loc,
          trace::FollowOn{EventKind::TaskStart, static_cast<trace::TaskId>(next->id),
                          static_cast<uint16_t>(trace::start_from(trace::QueueKind::Runnext))});
    } else {
      tracer_.emit_at(m->trace_ts, EventKind::TaskBlock, worker_of(m), g->id,
                      static_cast<uint64_t>(reason), object, object_name, loc);
    }
  }
  g->status = GStatus::Waiting;
  g->wait_reason = reason;
  m->after = AfterSwitch::Park;
  m->unlock_fn = unlock;
  m->unlock_arg = arg;
  if (next != nullptr) {
    handoff(m, g, next, start_rides_along);
    return;
  }
  switch_to_g0(m, g);
  // Resumed by some M's execute() or by a handoff (maybe on another thread).
}

// handoff_target returns the goroutine schedule() would run next on m if it can be found without
// any of schedule's slow paths (real threads only), taking it off the run queue; else null.
// Conditions: no timer due, not the 61st tick with work in the global queue, a G in this P's
// runnext or ring. In the simulation every switch goes through g0: the platform call that charges
// the switch cost may switch simulated workers, which must not happen while the parking
// goroutine's lock is still held.
G* Sched::handoff_target(M* m) {
  if (simulated_ || exiting_.load(std::memory_order_acquire)) return nullptr;
  P* p = m->p;
  if (int64_t now; p == nullptr || timers_due(p, now)) return nullptr;
  if (p->schedtick % 61 == 0 && runq_size_.load(std::memory_order_acquire) > 0) return nullptr;
  bool inherit = false;
  G* next = p->runq.get(inherit);
  if (next == nullptr) return nullptr;
  m->handoff_inherit = inherit;
  return next;
}

// handoff switches from the parking goroutine g straight to next, without the round trip through
// g0 (one stack switch instead of two). The after-switch work (after_switch: release the wait
// queue's lock, ...) still runs only once g is off its stack: on next's stack, first thing after
// the switch (Fiber::switch_to's `after` callback), before next continues.
void Sched::handoff(M* m, G* g, G* next, bool start_traced) {
  // next starts the moment g blocked: the time of g's TaskBlock (tens of ns of scheduler work on
  // real threads, not worth a clock read of their own).
  const bool inherit = m->handoff_inherit;
  start_g(m, next, inherit, tracer_.on() ? m->trace_ts : (inherit ? 0 : platform_.now()),
          start_traced);
  m->handoff_from = g;
  fiber::Fiber::switch_to(*next->fiber, &Sched::finish_handoff, m);
  // g resumes here once readied and scheduled again (maybe by another M).
}

void Sched::finish_handoff(void* arg) {
  auto* m = static_cast<M*>(arg);
  G* next = m->curg;
  G* parked = m->handoff_from;
  m->handoff_from = nullptr;
  m->curg = nullptr;  // after_park runs as g0 would: no goroutine is the cause of what it does
  m->sched->after_park(m, parked);  // handoff() is only called by park_current
  m->curg = next;
}

void Sched::ready(M* m, G* g, Reason reason, bool next, bool by_runtime, bool same_op,
                  bool unblock_traced) {
  G* by = (m && !by_runtime) ? m->curg : nullptr;
  g->status = GStatus::Runnable;
  // The event's worker is where g is queued: this P's runnext/ring, or none (global queue). Going
  // to runnext, the unblock says so (unblock_reason): no QueueLength(Runnext, 1) follows it.
  const bool to_runnext = next && m && m->p;
  int64_t ts = 0;
  if (unblock_traced) {
    ts = m->trace_ts;  // the caller's event, which carried the TaskUnblock
  } else if (tracer_.on()) {
    ts = (same_op && m) ? m->trace_ts : tracer_.now();
    tracer_.emit_at(ts, EventKind::TaskUnblock, worker_of(m), g->id, by ? by->id : 0,
                    by ? worker_of(m) : trace::kNoWorker,
                    to_runnext ? trace::unblock_reason(reason, trace::QueueKind::Runnext)
                               : static_cast<uint64_t>(reason));
  }
  if (m && m->p) {
    runqput(m->p, g, next, ts, /*runnext_said=*/to_runnext);
    wakep(by);
  } else {
    inject_global(g);
    wakep(by);
  }
}

void Sched::ready_list(G* list, P* p, Reason reason) {
  const int64_t ts = list ? tracer_.now() : 0;
  while (list) {
    G* next = list->schedlink;
    list->schedlink = nullptr;
    list->status = GStatus::Runnable;
    tracer_.emit_at(ts, EventKind::TaskUnblock, p ? static_cast<uint16_t>(p->id) : trace::kNoWorker,
                    list->id, 0, trace::kNoWorker, static_cast<uint64_t>(reason));
    if (p)
      runqput(p, list, false, ts);
    else
      inject_global(list);
    list = next;
  }
}

void Sched::yield(trace::StringId loc) {
  M* m = current_m();
  G* g = m->curg;
  if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
  tracer_.emit(EventKind::TaskStop, worker_of(m), g->id, static_cast<uint64_t>(Reason::Yield), 0, 0,
               loc);
  m->after = AfterSwitch::Yield;
  switch_to_g0(m, g);
}

void Sched::safe_point() {
  M* m = current_m();
  G* g = m->curg;
  if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
  const int64_t ran = platform_.now() - g->run_start_ns;
  if (ran < config_.quantum_ns) return;
  // sysmon's retake rule: a goroutine that ran a whole quantum is preempted at its next safe
  // point and goes to the global queue (gopreempt_m -> goschedImpl).
  stats_.preemptions.fetch_add(1, std::memory_order_relaxed);
  tracer_.emit(EventKind::TaskPreempt, worker_of(m), g->id, static_cast<uint64_t>(ran));
  tracer_.emit(EventKind::TaskStop, worker_of(m), g->id, static_cast<uint64_t>(Reason::Preempted));
  m->after = AfterSwitch::Preempt;
  switch_to_g0(m, g);
}

void Sched::work(int64_t ns, trace::StringId loc) {
  (void)loc;
  while (ns > 0) {
    M* m = current_m();
    G* g = m->curg;
    const int64_t now = platform_.now();
    const int64_t left_in_slice = g->run_start_ns + config_.quantum_ns - now;
    const int64_t chunk = std::min(ns, std::max<int64_t>(left_in_slice, 1));
    {
      RestoreM restore(m);
      platform_.consume(chunk);
    }
    ns -= chunk;
    safe_point();
  }
  safe_point();
}

void Sched::syscall(std::string_view name, int64_t cost_ns, const std::function<void()>& fn,
                    trace::StringId loc) {
  M* m = current_m();
  G* g = m->curg;
  enter_syscall(m, g, name, loc);
  std::exception_ptr error;
  {
    RestoreM restore(m);
    try {
      platform_.blocking_call(cost_ns, fn);
    } catch (const platform::RunCancelled&) {
      throw;
    } catch (...) {
      error = std::current_exception();
    }
  }
  exit_syscall(m, g);
  if (error) std::rethrow_exception(error);
}

void Sched::enter_syscall(M* m, G* g, std::string_view name, trace::StringId loc) {
  tracer_.emit(EventKind::SyscallEnter, worker_of(m), g->id, tracer_.intern(name), 0, 0, loc);
  g->status = GStatus::Syscall;
  P* p = m->p;
  m->oldp = p;
  releasep(m);
  // entersyscallblock: the call will block, so hand the P off right away (sysmon would retake it
  // after 20 us anyway). The P keeps running other goroutines on another M.
  stats_.handoffs.fetch_add(1, std::memory_order_relaxed);
  handoffp(p, m->id);
}

void Sched::exit_syscall(M* m, G* g) {
  P* got = nullptr;
  bool same = false;
  {
    std::lock_guard guard(lock_);
    P* old = m->oldp;
    m->oldp = nullptr;
    // Try the old P first (cache-warm), then any idle P (exitsyscallfast).
    P** pp = &pidle_;
    while (*pp && *pp != old) pp = &(*pp)->link;
    if (old && *pp == old) {
      *pp = old->link;
      old->link = nullptr;
      npidle_.fetch_sub(1, std::memory_order_acq_rel);
      got = old;
      same = true;
    } else {
      got = pidleget();
    }
  }
  if (got) {
    acquirep(m, got);
    g->status = GStatus::Running;
    tracer_.emit(EventKind::SyscallExit, worker_of(m), g->id, same ? 1 : 2);
    if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
    return;
  }
  // No P: queue the goroutine globally and let this M go idle (exitsyscall0).
  tracer_.emit(EventKind::SyscallExit, trace::kNoWorker, g->id, 0);
  tracer_.emit(EventKind::TaskUnblock, trace::kNoWorker, g->id, 0, trace::kNoWorker,
               static_cast<uint64_t>(Reason::Syscall));
  m->after = AfterSwitch::Yield;
  switch_to_g0(m, g);
  if (exiting_.load(std::memory_order_acquire)) throw Unwind{};
}

void Sched::wake_poller() {
  int id;
  {
    std::lock_guard guard(lock_);
    id = poller_m_;
  }
  if (id >= 0) {
    M* self = current_m();
    platform_.unpark(id);
    set_current_m(self);
  }
}

}  // namespace as::go::detail
