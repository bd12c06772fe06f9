// core/goroutine/sync.hpp — go::WaitGroup, go::Mutex, go::Cond (Go's sync package over sema.go).
//
// Owns: the three classic synchronisation objects, built directly on park/ready with FIFO sudog
// queues (what runtime/sema.go provides to package sync).
//
// Invariants:
//   - WaitGroup: counter >= 0 (a negative counter panics "sync: negative WaitGroup counter");
//     when it reaches 0 every waiter is readied (reason WaitGroup).
//   - Mutex: at most one owner; unlock of an unlocked mutex panics "sync: unlock of unlocked
//     mutex". Unlock hands the mutex straight to the longest waiter (FIFO) — Go's "starvation
//     mode", chosen here because it is simple to see in a trace; Go's normal mode lets a running
//     goroutine barge in first.
//   - Cond: Wait atomically unlocks the mutex and parks; Signal wakes the longest waiter,
//     Broadcast all; a woken waiter re-locks the mutex before Wait returns.
// Every object has a trace id (TaskBlock.object) so the app can show who waits on what.
#pragma once

#include <cstdint>
#include <source_location>
#include <string>

#include "core/goroutine/g.hpp"
#include "core/goroutine/spinlock.hpp"

namespace as::go {

class WaitGroup {
 public:
  explicit WaitGroup(std::string name = {});
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void add(int64_t delta, std::source_location loc = std::source_location::current());
  void done(std::source_location loc = std::source_location::current()) { add(-1, loc); }
  void wait(std::source_location loc = std::source_location::current());
  int64_t count() const { return counter_; }

 private:
  detail::RuntimeLock lock_;
  int64_t counter_ = 0;
  detail::WaitQueue waiters_;
  uint64_t id_;
  std::string name_;
};

class Mutex {
 public:
  explicit Mutex(std::string name = {});
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock(std::source_location loc = std::source_location::current());
  bool try_lock();
  void unlock(std::source_location loc = std::source_location::current());

 private:
  friend class Cond;
  detail::RuntimeLock lock_;
  bool locked_ = false;
  detail::WaitQueue waiters_;
  uint64_t id_;
  std::string name_;
};

class Cond {
 public:
  explicit Cond(Mutex& m, std::string name = {});
  Cond(const Cond&) = delete;
  Cond& operator=(const Cond&) = delete;

  void wait(std::source_location loc = std::source_location::current());
  void signal();
  void broadcast();

 private:
  Mutex& mu_;
  detail::RuntimeLock lock_;
  detail::WaitQueue waiters_;
  uint64_t id_;
  std::string name_;
};

}  // namespace as::go
