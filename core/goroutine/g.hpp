// core/goroutine/g.hpp — G, the goroutine, and Sudog, a goroutine waiting on a synchronisation
// object.
//
// Owns: the per-goroutine record (runtime2.go's `g`) and the wait-queue entry (runtime2.go's
// `sudog`). A G is a fiber (its own stack) plus the bookkeeping the scheduler needs to park, ready,
// trace and report it.
//
// Invariants (mirroring runtime2.go's status comments):
//   - status Runnable: the G is on exactly one run queue (a P's local ring, a P's runnext or the
//     global queue) and on no wait queue; nobody runs it.
//   - status Running: exactly one M runs it (m->curg == g); it owns a P unless in a syscall.
//   - status Waiting: it is parked; the object it waits on (a channel's sudog queue, a timer, the
//     netpoller, a semaphore queue) holds the only pointer that can ready it.
//   - status Syscall: it runs on an M that has handed its P off (entersyscall).
//   - status Dead: its function returned; its fiber is about to be freed.
// Sudogs live on the waiting goroutine's own stack: they exist exactly as long as the goroutine is
// parked, which is all the lifetime they need (Go pools them per P instead; with fibers whose
// stacks survive parking we do not need to).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <source_location>
#include <string>

#include "core/fiber/fiber.hpp"
#include "core/trace/event_kinds.hpp"

namespace as::go::detail {

struct M;
struct P;
struct HChan;

enum class GStatus : uint8_t { Idle, Runnable, Running, Syscall, Waiting, Dead };

struct G;

// Sudog: one goroutine waiting on one channel (or on one case of a select).
struct Sudog {
  G* g = nullptr;
  void* elem = nullptr;   // the value to send / the slot to receive into (on g's stack)
  Sudog* next = nullptr;  // wait queue links
  Sudog* prev = nullptr;
  HChan* c = nullptr;         // the channel this sudog is queued on
  Sudog* waitlink = nullptr;  // g->waiting list (select: one per case)
  bool is_select = false;
  bool success = false;  // true: woken by a value exchange; false: woken by close
  bool retry = false;    // select: woken to poll its cases again (chan.cpp's ring_settle)
  int case_index = -1;   // select: which case this sudog belongs to
};

// FIFO queue of sudogs (chan.go's waitq).
struct WaitQueue {
  Sudog* first = nullptr;
  Sudog* last = nullptr;

  bool empty() const { return first == nullptr; }
  void enqueue(Sudog* s);
  void push_front(Sudog* s);  // back to the head: a waker dequeued s but could not serve it
  // dequeue returns the first waiter that can still be woken: a select sudog whose goroutine was
  // already won by another case is skipped (chan.go: g.selectDone CAS).
  Sudog* dequeue();
  void remove(Sudog* s);            // s must be queued
  void remove_if_queued(Sudog* s);  // no-op if a waker already dequeued s
  size_t size() const;
};

// What a parking goroutine asks its M to do once it is off its stack (gopark's unlockf).
using UnlockFn = bool (*)(G* g, void* arg);

struct G {
  uint64_t id = 0;
  std::string name;
  GStatus status = GStatus::Idle;
  std::function<void()> fn;
  fiber::Fiber* fiber = nullptr;  // &*fiber_slot while the G has its fiber
  // The fiber lives inside the G: one allocation per goroutine, and the record the scheduler
  // touches to run a G sits next to the fiber state the switch touches.
  std::optional<fiber::Fiber> fiber_slot;
  uint64_t parent = 0;
  uint32_t create_loc = 0;          // interned spawn location (trace)
  std::source_location created_at;  // spawn location (reports)

  G* schedlink = nullptr;  // link of a ready list (netpoll results, the waiters a close wakes)
  G* alllink_prev = nullptr;
  G* alllink_next = nullptr;

  M* m = nullptr;  // the M running it (Running, Syscall)
  int last_p = -1;

  // parking
  trace::Reason wait_reason = trace::Reason::None;
  Sudog* waiting = nullptr;              // select: the sudogs of every case
  Sudog* param = nullptr;                // the sudog that woke it (chan.go gp.param)
  std::atomic<uint32_t> select_done{0};  // select: 1 once a case has won
  bool forever = false;                  // parked on something that can never wake it (nil chan)
  bool nil_send = false;                 // ... a send on a nil channel (for the report)

  // preemption (sysmon's rule: running longer than the quantum since last scheduled)
  int64_t run_start_ns = 0;
  // panics and shutdown
  bool unwinding = false;  // the runtime is ending: every park point throws Unwind
  bool is_main = false;
  // stack accounting (sampled at park points)
  bool stack_sampled = false;
  uint64_t stack_used = 0;  // last traced StackSample
  uint64_t stack_committed = 0;
  uint64_t stack_peak = 0;  // sim only: deepest traced use since the last shrink (see committed_of)
  bool shrink_wanted = false;  // committed far above used at the last park: shrink on g0
  bool panicked = false;
};

// Unwind is thrown out of a park point when the runtime ends while a goroutine is still parked,
// so the goroutine's destructors run (like runtime.Goexit runs deferred calls). User code that
// catches (...) must rethrow it.
struct Unwind {};

}  // namespace as::go::detail
