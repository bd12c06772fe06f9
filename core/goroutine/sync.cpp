// core/goroutine/sync.cpp — WaitGroup, Mutex, Cond (see sync.hpp).
#include "core/goroutine/sync.hpp"

#include <atomic>
#include <mutex>

#include "core/goroutine/panic.hpp"
#include "core/goroutine/sched.hpp"

namespace as::go {

using detail::G;
using detail::Sudog;
using trace::Reason;

namespace {
std::atomic<uint64_t> g_sync_ids{1};

// Per-runtime ids keep traces reproducible; objects made outside a runtime get global ones.
// Also decides whether the object's lock is needed at all (RuntimeLock: not with one P).
uint64_t new_sync_id(detail::RuntimeLock& lock) {
  detail::M* m = detail::current_m();
  if (m && m->sched) {
    lock.set_shared(m->sched->config().procs > 1);
    return m->sched->new_object_id();
  }
  return (uint64_t{1} << 40) + g_sync_ids.fetch_add(1);
}

bool unlock_spin(G*, void* arg) {
  static_cast<detail::RuntimeLock*>(arg)->unlock();
  return true;
}

// park on q (caller holds lock).
void park_on(detail::WaitQueue& q, detail::RuntimeLock& lock, Reason why, uint64_t id,
             const std::string& name, const std::source_location& loc) {
  detail::Sched& s = detail::sched();
  Sudog sg;
  sg.g = detail::current_g();
  q.enqueue(&sg);
  detail::Tracer& t = s.tracer();
  s.park_current(why, id, t.on() && !name.empty() ? t.intern(name) : 0, unlock_spin, &lock,
                 t.loc(loc));
}
}  // namespace

// ---- WaitGroup ------------------------------------------------------------------------------

WaitGroup::WaitGroup(std::string name) : id_(new_sync_id(lock_)), name_(std::move(name)) {}

void WaitGroup::add(int64_t delta, std::source_location) {
  lock_.lock();
  counter_ += delta;
  if (counter_ < 0) {
    lock_.unlock();
    throw Panic("sync: negative WaitGroup counter");
  }
  if (counter_ > 0 || waiters_.empty()) {
    lock_.unlock();
    return;
  }
  detail::WaitQueue woken = waiters_;
  waiters_ = detail::WaitQueue{};
  lock_.unlock();
  detail::Sched& s = detail::sched();
  while (Sudog* sg = woken.dequeue()) s.ready(sg->g, Reason::WaitGroup, false);
}

void WaitGroup::wait(std::source_location loc) {
  detail::Sched& s = detail::sched();
  if (s.exiting()) throw detail::Unwind{};
  lock_.lock();
  if (counter_ == 0) {
    lock_.unlock();
    return;
  }
  park_on(waiters_, lock_, Reason::WaitGroup, id_, name_, loc);
}

// ---- Mutex ----------------------------------------------------------------------------------

Mutex::Mutex(std::string name) : id_(new_sync_id(lock_)), name_(std::move(name)) {}

void Mutex::lock(std::source_location loc) {
  detail::Sched& s = detail::sched();
  if (s.exiting()) throw detail::Unwind{};
  lock_.lock();
  if (!locked_) {
    locked_ = true;
    lock_.unlock();
    return;
  }
  // Wait; unlock() hands us the mutex (locked_ stays true across the hand-off).
  park_on(waiters_, lock_, Reason::Mutex, id_, name_, loc);
}

bool Mutex::try_lock() {
  std::lock_guard g(lock_);
  if (locked_) return false;
  locked_ = true;
  return true;
}

void Mutex::unlock(std::source_location) {
  lock_.lock();
  if (!locked_) {
    lock_.unlock();
    throw Panic("sync: unlock of unlocked mutex");
  }
  Sudog* next = waiters_.dequeue();
  if (!next) locked_ = false;
  lock_.unlock();
  if (next) detail::sched().ready(next->g, Reason::Mutex);
}

// ---- Cond -----------------------------------------------------------------------------------

Cond::Cond(Mutex& m, std::string name) : mu_(m), id_(new_sync_id(lock_)), name_(std::move(name)) {}

void Cond::wait(std::source_location loc) {
  detail::Sched& s = detail::sched();
  if (s.exiting()) throw detail::Unwind{};
  lock_.lock();
  // Enqueue before unlocking the mutex so a Signal between the two cannot be lost.
  mu_.unlock(loc);
  park_on(waiters_, lock_, Reason::Cond, id_, name_, loc);
  mu_.lock(loc);
}

void Cond::signal() {
  lock_.lock();
  Sudog* sg = waiters_.dequeue();
  lock_.unlock();
  if (sg) detail::sched().ready(sg->g, Reason::Cond);
}

void Cond::broadcast() {
  lock_.lock();
  detail::WaitQueue woken = waiters_;
  waiters_ = detail::WaitQueue{};
  lock_.unlock();
  detail::Sched& s = detail::sched();
  while (Sudog* sg = woken.dequeue()) s.ready(sg->g, Reason::Cond, false);
}

}  // namespace as::go
