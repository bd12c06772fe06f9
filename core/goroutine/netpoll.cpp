// core/goroutine/netpoll.cpp — the netpoller (see netpoll.hpp).
#include "core/goroutine/netpoll.hpp"

#include <mutex>

#include "core/goroutine/sched.hpp"

namespace as::go::detail {

using trace::EventKind;

NetPoller::~NetPoller() {
  shutdown();
}

bool NetPoller::unlock_after_park(G*, void* arg) {
  static_cast<NetPoller*>(arg)->lock_.unlock();
  return true;
}

void NetPoller::wait_ready(platform::Fd fd, uint32_t mode, trace::StringId loc) {
  Sched& s = sched_;
  if (s.exiting()) throw Unwind{};
  G* g = current_g();
  lock_.lock();
  if (!poller_) {
    poller_ = s.platform().io().make_poller();
    active_.store(true, std::memory_order_release);
  }
  auto it = descs_.find(fd);
  if (it == descs_.end()) {
    int err = 0;
    if (!poller_->add(fd, platform::kReadable | platform::kWritable, static_cast<uint64_t>(fd),
                      &err)) {
      lock_.unlock();
      return;  // unknown fd: let the caller's retry report the error
    }
    it = descs_.emplace(fd, PollDesc{}).first;
    it->second.fd = fd;
    s.tracer().emit(EventKind::IoRegister, s.worker_of(current_m()), g->id,
                    static_cast<uint64_t>(fd), platform::kReadable | platform::kWritable);
  }
  PollDesc& pd = it->second;
  bool& ready_flag = mode == platform::kReadable ? pd.read_ready : pd.write_ready;
  if (ready_flag) {  // an edge arrived while nobody waited: consume it, retry the I/O
    ready_flag = false;
    lock_.unlock();
    return;
  }
  (mode == platform::kReadable ? pd.rg : pd.wg) = g;
  waiters_.fetch_add(1, std::memory_order_acq_rel);
  // An M sleeping in a plain timer park (no I/O watched yet) must switch to watching the poller.
  s.wake_poller();
  s.park_current(trace::Reason::Io, static_cast<uint64_t>(fd), 0, unlock_after_park, this, loc);
}

void NetPoller::forget(platform::Fd fd) {
  G* wake[2] = {nullptr, nullptr};
  {
    std::lock_guard guard(lock_);
    auto it = descs_.find(fd);
    if (it == descs_.end()) return;
    wake[0] = it->second.rg;
    wake[1] = it->second.wg;
    if (poller_) poller_->remove(fd);
    descs_.erase(it);
    for (G* g : wake)
      if (g) waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
  sched_.tracer().emit(EventKind::IoDeregister, sched_.worker_of(current_m()), 0,
                       static_cast<uint64_t>(fd));
  for (G* g : wake)
    if (g) sched_.ready(g, trace::Reason::Io, false, true);
}

G* NetPoller::poll(int64_t deadline, int& n) {
  n = 0;
  if (!poller_) return nullptr;
  events_.clear();
  poller_->wait(deadline, events_);
  G* list = nullptr;
  G* tail = nullptr;
  std::lock_guard guard(lock_);
  for (const auto& ev : events_) {
    auto it = descs_.find(static_cast<platform::Fd>(ev.token));
    if (it == descs_.end()) continue;
    PollDesc& pd = it->second;
    sched_.tracer().emit(EventKind::IoReady, trace::kNoWorker, 0, ev.token, ev.readiness);
    const bool readable =
        ev.readiness & (platform::kReadable | platform::kHangup | platform::kError);
    const bool writable =
        ev.readiness & (platform::kWritable | platform::kHangup | platform::kError);
    G* ready_gs[2] = {nullptr, nullptr};
    if (readable) {
      if (pd.rg) {
        ready_gs[0] = pd.rg;
        pd.rg = nullptr;
      } else {
        pd.read_ready = true;
      }
    }
    if (writable) {
      if (pd.wg) {
        ready_gs[1] = pd.wg;
        pd.wg = nullptr;
      } else {
        pd.write_ready = true;
      }
    }
    for (G* g : ready_gs) {
      if (!g) continue;
      waiters_.fetch_sub(1, std::memory_order_acq_rel);
      g->schedlink = nullptr;
      if (tail)
        tail->schedlink = g;
      else
        list = g;
      tail = g;
      ++n;
    }
  }
  return list;
}

void NetPoller::shutdown() {
  std::lock_guard guard(lock_);
  if (poller_) {
    for (auto& [fd, pd] : descs_) poller_->remove(fd);
  }
  descs_.clear();
  active_.store(false, std::memory_order_release);
  poller_.reset();
  waiters_.store(0);
}

}  // namespace as::go::detail
