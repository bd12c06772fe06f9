// core/goroutine/netpoll.hpp — the netpoller: goroutines blocked on non-blocking descriptors
// (netpoll.go + internal/poll's pollDesc).
//
// Owns: one platform Poller per runtime (created on first use), a pollDesc per registered fd that
// remembers the goroutine waiting to read (rg) and to write (wg), and the count of waiters.
//
// The flow (exactly Go's): a goroutine calls read(); the fd says WouldBlock; the goroutine parks
// on the fd's pollDesc (reason Io). Later an M with nothing to run — or any M between goroutines,
// non-blocking — asks the Poller which fds became ready and readies their waiters; they retry the
// read. Readiness is edge-triggered, so a "ready" that arrives before the goroutine parked is kept
// as a token in the pollDesc (pdReady) and the park is skipped.
//
// Invariants: at most one M waits in the platform Poller at a time (Sched's polling flag);
// PollDesc fields are protected by the NetPoller lock; waiters() counts parked goroutines.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/goroutine/g.hpp"
#include "core/goroutine/spinlock.hpp"
#include "core/platform/io.hpp"
#include "core/trace/event.hpp"

namespace as::go::detail {

class Sched;

class NetPoller {
 public:
  explicit NetPoller(Sched& sched) : sched_(sched) {}
  ~NetPoller();

  // waiters is the number of goroutines parked on descriptors.
  int waiters() const { return waiters_.load(std::memory_order_acquire); }
  // active: a descriptor was ever registered (the Poller exists). Read by idle Ms without lock_:
  // an acquire load that makes poller_ safe to use once true.
  bool active() const { return active_.load(std::memory_order_acquire); }

  // wait_ready parks the current goroutine until fd is ready for `mode` (kReadable/kWritable).
  // Registers fd with the Poller on first use.
  void wait_ready(platform::Fd fd, uint32_t mode, trace::StringId loc);
  // forget deregisters fd (before closing it); a goroutine still parked on it is readied.
  void forget(platform::Fd fd);

  // poll asks the Poller for ready fds, waiting until deadline (<= now: do not block), and returns
  // the readied goroutines as a schedlink list (count in n). Called by one M at a time.
  G* poll(int64_t deadline, int& n);
  // shutdown drops every registration (runtime end).
  void shutdown();

 private:
  struct PollDesc {
    platform::Fd fd = platform::kNoFd;
    G* rg = nullptr;          // goroutine waiting to read
    G* wg = nullptr;          // goroutine waiting to write
    bool read_ready = false;  // edge arrived while nobody waited (pdReady)
    bool write_ready = false;
  };
  static bool unlock_after_park(G* g, void* arg);

  Sched& sched_;
  SpinLock lock_;
  std::unique_ptr<platform::Poller> poller_;  // created under lock_, then published by active_
  std::atomic<bool> active_{false};
  std::unordered_map<platform::Fd, PollDesc> descs_;
  std::atomic<int> waiters_{0};
  std::vector<platform::ReadyEvent> events_;
};

}  // namespace as::go::detail
