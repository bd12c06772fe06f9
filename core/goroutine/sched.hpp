// core/goroutine/sched.hpp — M and P, and the scheduler that binds G, M and P together.
//
// Owns: the scheduler state of one go::Runtime (proc.go's `schedt` plus allp/allm/allgs): the
// Ps and their run queues and timer heaps, the Ms (platform workers), the global run queue, the
// idle P and M lists, the spinning-M count, the netpoller, and the program's exit status.
//
// Vocabulary (proc.go's design essay):
//   G  goroutine: a fiber with its own stack (g.hpp).
//   M  machine: a worker of the platform — an OS thread on os, a simulated thread in sim. An M
//      runs Go code only while it holds a P. Its own stack (the worker's root fiber) plays g0:
//      a switch between goroutines goes G -> g0 -> G', and "after the switch" work (releasing
//      the lock a parking goroutine held, requeueing a yielded one, freeing a dead one) runs on g0.
//      One shortcut (real threads only): a parking G whose successor is already in its P's queue
//      switches straight to it, and the after-switch work runs on G' before G' continues.
//   P  processor: the right to run Go code, `procs` of them (GOMAXPROCS). Holds the local run
//      queue and the timers its goroutines armed (Go 1.14+). An M in a blocking syscall hands its
//      P to another M.
//
// Invariants:
//   - Sched::lock protects: the global run queue, the idle P list (pidle) and idle M list (midle),
//     nmidle, nmsys, and the exit status. Each P's timer heap has its own lock (timers.hpp).
//   - A P's timers are fired by the M holding it (schedule, findrunnable); another M fires them
//     only from findrunnable's last steal round or as the netpoller M, which sleeps until the
//     earliest deadline over all Ps — so a timer of an idle P is never forgotten.
//   - A P is either owned by exactly one M (p->m) or on the idle list, never both.
//   - nmspinning counts Ms that are looking for work while holding a P; if it is > 0, a newly
//     readied goroutine will be found without waking anyone (wakep does nothing). When the last
//     spinning M finds work it calls wakep so there is always a searcher while work may be hiding.
//     On real threads a spinner that saw a busy P's runnext occupied lately keeps spinning for
//     up to kSpinLinger instead of stopping (find_runnable explains why).
//   - Every park/ready goes through park_current()/ready(); both are traced with their reason.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <vector>

#include "core/fiber/fiber.hpp"
#include "core/fiber/stack.hpp"
#include "core/goroutine/g.hpp"
#include "core/goroutine/runq.hpp"
#include "core/goroutine/spinlock.hpp"
#include "core/goroutine/timers.hpp"
#include "core/goroutine/tracer.hpp"
#include "core/platform/platform.hpp"

namespace as::go::detail {

class Sched;
class NetPoller;

struct P {
  int id = 0;
  LocalRunQueue runq;
  TimerHeap timers;        // timers armed by goroutines running on this P (timers.hpp)
  uint32_t schedtick = 0;  // incremented on every fresh schedule (not when inheriting a slice)
  M* m = nullptr;
  P* link = nullptr;  // idle list
  // Last QueueLength values emitted (a thief also traces its victim's queue, hence atomics;
  // relaxed loads and stores, see Sched::trace_queues).
  std::atomic<uint32_t> traced_local{0};
  std::atomic<bool> traced_runnext{false};
  std::atomic<uint64_t> switches{0};  // goroutines started on this P (written by its owner only)
};

// What a goroutine asked its M to do once it is back on g0 (the mcall(fn) of proc.go).
enum class AfterSwitch : uint8_t { None, Park, Yield, Preempt, Exit };

struct M {
  int id = 0;  // the platform worker index
  Sched* sched = nullptr;
  P* p = nullptr;
  P* nextp = nullptr;  // the P handed to this M by startm before it was woken
  P* oldp = nullptr;   // the P this M had before entering a syscall
  G* curg = nullptr;
  fiber::Fiber* g0 = nullptr;  // the worker's own fiber: scheduler stack
  bool spinning = false;
  bool idle = false;  // on the midle list
  bool exited = false;
  M* link = nullptr;  // idle list
  // set by the goroutine before it switches to g0
  AfterSwitch after = AfterSwitch::None;
  UnlockFn unlock_fn = nullptr;
  void* unlock_arg = nullptr;
  G* handoff_from = nullptr;     // the parked G whose after-switch work the next G runs
  std::string last_name;         // the goroutine name this M interned last, and its id: a spawn
  uint32_t last_name_id = 0;     // loop interns one name, and Recorder::intern takes a mutex
  int64_t trace_ts = 0;          // time of this M's latest traced operation (see tracer.hpp)
  trace::StringId op_loc = 0;    // call site of the channel operation m is tracing (chan.cpp)
  bool handoff_inherit = false;  // handoff_target took the next G from runnext
  uint64_t fastrand = 0;
  // When this spinning M last saw a busy P's runnext occupied (steal_work's runnext back-off);
  // 0: never. Real threads only: a spinner that saw one lately keeps spinning (find_runnable).
  int64_t runnext_seen_ns = 0;
};

// The M running on this thread/worker (null outside goroutine code). Not inlined: a goroutine can
// resume on another OS thread, and the compiler must not reuse a TLS address across a switch.
M* current_m();
void set_current_m(M* m);
G* current_g();

struct SchedStats {
  std::atomic<uint64_t> goroutines{0};
  std::atomic<uint64_t> steals{0};
  std::atomic<uint64_t> preemptions{0};
  std::atomic<uint64_t> handoffs{0};
  std::atomic<uint64_t> wakeps{0};
};

struct SchedConfig {
  int procs = 1;
  int64_t quantum_ns = 10'000'000;
  size_t stack_size = 256 * 1024;
  bool check_stacks_every_park = true;
};

class Sched {
 public:
  Sched(platform::Platform& platform, trace::Recorder* recorder, SchedConfig config);
  ~Sched();

  // run executes main_fn as goroutine 1 and returns when it returns (or the program dies).
  void run(std::function<void()> main_fn, std::source_location loc);

  // ---- goroutine operations (called on a goroutine) -------------------------------------------
  G* spawn(std::string name, std::function<void()> fn, const std::source_location& loc);
  // park_current parks the running goroutine; unlock(g, arg) runs on g0 after the switch (it
  // releases the lock that protects the wait queue g was put on). Returns when readied.
  void park_current(trace::Reason reason, uint64_t object, trace::StringId object_name,
                    UnlockFn unlock, void* arg, trace::StringId loc = 0) {
    park_current(current_m(), reason, object, object_name, unlock, arg, loc);
  }
  // ... for m == current_m(), already looked up by the caller. same_op: the park ends the
  // operation m just traced (sleep: TimerArm), so TaskBlock reuses m->trace_ts (see tracer.hpp).
  void park_current(M* m, trace::Reason reason, uint64_t object, trace::StringId object_name,
                    UnlockFn unlock, void* arg, trace::StringId loc = 0, bool same_op = false);
  // ready makes a parked g runnable (goready): into the current P's runnext, then wakep.
  // by_runtime: the cause is a timer or the netpoller, not the running goroutine (the trace then
  // names no waker: by_task 0, by_worker none).
  void ready(G* g, trace::Reason reason, bool next = true, bool by_runtime = false) {
    ready(current_m(), g, reason, next, by_runtime);
  }
  // ... for m == current_m() (null outside goroutine code), already looked up by the caller.
  // same_op: the wake-up belongs to the operation m just traced (a channel send that hands its
  // value to the sleeper): its events reuse that time, m->trace_ts, instead of reading the clock.
  // unblock_traced: the caller already wrote g's TaskUnblock, as a FollowOn of its own event
  // (arguments: unblock_arg(m, reason)); ready() then writes none.
  void ready(M* m, G* g, trace::Reason reason, bool next = true, bool by_runtime = false,
             bool same_op = false, bool unblock_traced = false);
  // unblock_arg is the reason argument of the TaskUnblock ready(m, g, reason) writes for a wake-up
  // by m's goroutine into runnext (next = true, by_runtime = false).
  static uint64_t unblock_arg(const M* m, trace::Reason reason) {
    return (m && m->p) ? trace::unblock_reason(reason, trace::QueueKind::Runnext)
                       : static_cast<uint64_t>(reason);
  }
  // ready_list queues a schedlink list of goroutines readied by the netpoller on p (or globally
  // when p is null), tracing each.
  void ready_list(G* list, P* p, trace::Reason reason);
  void yield(trace::StringId loc);
  // safe_point preempts the running goroutine if it has run longer than the quantum.
  void safe_point();
  // work models (sim) or performs (os) CPU work of ns, preemptible at quantum boundaries.
  void work(int64_t ns, trace::StringId loc);
  // syscall runs fn off the P (entersyscall / exitsyscall).
  void syscall(std::string_view name, int64_t cost_ns, const std::function<void()>& fn,
               trace::StringId loc);

  // ---- program end -------------------------------------------------------------------------
  // fatal ends the program with exit code 2 and the given report (panic, deadlock).
  void fatal(trace::ErrorKind kind, const std::string& report, G* g);
  bool exiting() const { return exiting_.load(std::memory_order_acquire); }
  int exit_code() const { return exit_code_; }
  const std::string& report() const { return report_; }

  // ---- accessors -------------------------------------------------------------------------
  platform::Platform& platform() { return platform_; }
  Tracer& tracer() { return tracer_; }
  // timers_of is the heap a goroutine running on m arms its timers on: its P's.
  TimerHeap& timers_of(M* m) { return m->p->timers; }
  // new_timer_id numbers timers per runtime in arming order (reproducible traces).
  uint64_t new_timer_id() { return add_count(timer_ids_, 1); }
  NetPoller& netpoll() { return *netpoll_; }
  const SchedConfig& config() const { return config_; }
  SchedStats& stats() { return stats_; }
  // switches: goroutine starts so far, summed over the Ps (each P counts its own).
  uint64_t switches() const {
    uint64_t n = 0;
    for (const auto& p : allp_) n += p->switches.load(std::memory_order_relaxed);
    return n;
  }
  fiber::StackPool& stacks() { return *stacks_; }
  uint64_t live_goroutines() const { return live_gs_.load(std::memory_order_acquire); }
  // choose returns a uniform value in [0, n) from the platform's seeded chooser.
  uint64_t choose(uint64_t n) { return platform_.choose(n); }
  int64_t now() const { return platform_.now(); }
  bool simulated() const { return simulated_; }
  // charge adds a modelled cost in the simulation (no-op on os).
  void charge(int64_t ns) {
    if (simulated_ && ns > 0) {
      M* m = current_m();
      platform_.consume(ns);
      set_current_m(m);
    }
  }
  uint16_t worker_of(M* m) const {
    return (m && m->p) ? static_cast<uint16_t>(m->p->id) : trace::kNoWorker;
  }
  // new_object_id numbers channels and sync objects per runtime, so traces are reproducible.
  uint64_t new_object_id() { return object_ids_.fetch_add(1, std::memory_order_relaxed); }
  // wake_poller interrupts an M blocked in the netpoller (timers changed, work arrived).
  void wake_poller();
  // stack_sample traces g's stack use (at park points).
  void stack_sample(G* g, uint64_t used);
  // committed_of is the stack bytes to report as committed for g: in sim always a model; on os
  // mincore when `measure`, else (a goroutine's first sample) the stack's carried sample raised to
  // the pages g's current depth must have touched — no system call (see stack_sample).
  uint64_t committed_of(G* g, bool measure = true);

 private:
  friend struct GEntry;
  // M lifecycle
  void m_main(M* m);
  void schedule(M* m);  // runs until the program exits
  G* find_runnable(M* m, bool& inherit_time);
  G* execute(M* m, G* g, bool inherit_time);  // returns the G that switched back to g0
  // start_traced: its TaskStart was already written (a FollowOn of the parker's TaskBlock).
  void start_g(M* m, G* g, bool inherit_time, int64_t now, bool start_traced = false);
  void after_switch(M* m, G* g);
  void after_park(M* m, G* g);  // after_switch's Park case
  G* handoff_target(M* m);
  void handoff(M* m, G* g, G* next, bool start_traced);
  static void finish_handoff(void* m);
  void stopm(M* m);
  void startm(P* p, bool spinning, G* by, int handoff_from_m = -1);
  // wakep starts a spinning M if there is an idle P and nobody spins already. Inline: every
  // ready() calls it, and with every P busy (or one P) it is one load.
  void wakep(G* by) {
    if (npidle_.load(std::memory_order_acquire) != 0) wakep_slow(by);
  }
  void wakep_slow(G* by);
  void handoffp(P* p, int from_m);
  void acquirep(M* m, P* p);
  P* releasep(M* m);
  void reset_spinning(M* m);
  G* steal_work(M* m, bool& inherit_time);
  // Real threads: how long a spinning M stays one after it last saw a busy P's runnext occupied,
  // and the back-off before it steals a runnext (proc.go's usleep(3)). See lingers().
  static constexpr int64_t kRunnextBackoff = 3'000;
  static constexpr int64_t kSpinLinger = 1'000'000;
  bool lingers(M* m) const;
  G* globrunqget(P* p, uint32_t max);  // requires lock_
  // ts: the time of the traced cause. runnext_said: g goes to runnext and the caller's
  // TaskUnblock already said so (unblock_reason(.., Runnext)): no QueueLength(Runnext) for it.
  void runqput(P* p, G* g, bool next, int64_t ts, bool runnext_said = false);
  void runqput_slow(P* p, G* kicked);
  void inject_global(G* g);
  bool check_dead_locked();  // requires lock_; true: deadlock, the program is ending
  void on_stall();
  void trace_queues(P* p, int64_t ts, bool force_runnext = false, bool runnext_said = false);
  // timers_due: an armed timer of p has its deadline passed (reads the clock, into now, only if
  // one is armed).
  bool timers_due(const P* p, int64_t& now) const;
  // next_timer is the earliest deadline over all Ps (kNever if none); timers_pending: any armed.
  int64_t next_timer() const;
  bool timers_pending() const;
  // run_other_timers fires the due timers of the Ps other than m's (findrunnable's timer steal);
  // the goroutines they ready go to m's P. Returns how many fired.
  int run_other_timers(M* m);
  void destroy_g(G* g);
  void switch_to_g0(M* m, G* g);
  void pidleput(P* p);  // requires lock_
  P* pidleget();        // requires lock_
  M* new_m(P* nextp);
  void exit_program_locked();
  void wake_all_ms();
  // intern_name is tracer_.intern(name), answered from m's one-entry cache when it can be.
  trace::StringId intern_name(M* m, const std::string& name);
  // add_count changes a counter that only goroutine code (and the thread running run() before
  // and after the Ms) writes. With one P there is one writer at a time, ordered by the P's
  // hand-offs under lock_, so a load and a store replace a locked read-modify-write. Returns the
  // value before the change.
  uint64_t add_count(std::atomic<uint64_t>& counter, int64_t delta) {
    if (config_.procs > 1)
      return counter.fetch_add(static_cast<uint64_t>(delta), std::memory_order_acq_rel);
    const uint64_t old = counter.load(std::memory_order_relaxed);
    counter.store(old + static_cast<uint64_t>(delta), std::memory_order_release);
    return old;
  }
  void enter_syscall(M* m, G* g, std::string_view name, trace::StringId loc);
  void exit_syscall(M* m, G* g);
  bool poll_network(M* m, int64_t deadline);

  platform::Platform& platform_;
  Tracer tracer_;
  SchedConfig config_;
  bool simulated_ = false;
  std::unique_ptr<fiber::StackPool> stacks_;
  std::unique_ptr<NetPoller> netpoll_;

  std::vector<std::unique_ptr<P>> allp_;
  SpinLock lock_;  // sched.lock
  std::vector<std::unique_ptr<M>> allm_;
  GlobalRunQueue runq_;
  std::atomic<uint32_t> runq_size_{0};  // lock-free hint of runq_.size()
  std::atomic<bool> polling_{false};    // an M is (about to be) blocked in the netpoller
  int poller_m_ = -1;                   // worker id of that M (under lock_)
  P* pidle_ = nullptr;
  std::atomic<int> npidle_{0};
  std::atomic<int> nmspinning_{0};
  M* midle_ = nullptr;
  int nmidle_ = 0;
  int nmsys_ = 0;     // Ms in a syscall (without a P)
  int npolling_ = 0;  // Ms blocked in the netpoller/timer wait (they are not idle)
  std::atomic<bool> exiting_{false};
  int exit_code_ = 0;
  std::string report_;

  // all goroutines (for deadlock checks and shutdown unwinding)
  SpinLock glock_;
  G* allg_ = nullptr;
  std::atomic<uint64_t> live_gs_{0};
  std::atomic<uint64_t> next_goid_{1};
  G* main_g_ = nullptr;

  SchedStats stats_;
  std::atomic<uint64_t> object_ids_{1};
  std::atomic<uint64_t> timer_ids_{1};
  trace::StringId p_names_base_ = 0;
  std::vector<trace::StringId> p_names_;
};

// Scheduler entry for goroutine code: the Sched of the running goroutine (throws if none).
Sched& sched();
// sched_of is sched() for an M the caller already looked up (current_m() is an out-of-line call;
// hot paths look it up once and pass it along).
inline Sched& sched_of(M* m) {
  [[unlikely]] if (!m || !m->sched) return sched();  // throws the "outside a goroutine" error
  return *m->sched;
}

}  // namespace as::go::detail
