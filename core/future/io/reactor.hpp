// core/future/io/reactor.hpp — the I/O driver: readiness + wakers (tokio runtime/io/{driver,
// scheduled_io}.rs, mio underneath).
//
// Owns: the platform Poller of one runtime and one ScheduledIo per registered descriptor: the
// readiness bits seen so far and the wakers of the task waiting to read and to write.
//
// Protocol (edge-triggered, like mio): a future first tries the operation; on WouldBlock it
// clears the matching readiness bit *and stores its waker under the same lock*, unless readiness
// arrived meanwhile (bit set again) — then it retries. The driver, after Poller::wait, sets the
// bits and wakes the stored wakers. This ordering is what makes the lost-wakeup window impossible.
//
// Invariants: a ScheduledIo stays allocated while its AsyncFd lives (deregistered in its
// destructor). Poller::wait is called by one worker at a time (whoever holds the driver).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/future/waker.hpp"
#include "core/platform/platform.hpp"

namespace as::future::io {

struct ScheduledIo {
  platform::Fd fd = platform::kNoFd;
  uint64_t token = 0;
  std::atomic<bool> lock{false};
  uint32_t readiness = 0;  // guarded by lock
  Waker reader, writer;    // guarded by lock

  void acquire() {
    while (lock.exchange(true, std::memory_order_acquire)) {
    }
  }
  void unlock() { lock.store(false, std::memory_order_release); }
};

class Reactor {
 public:
  explicit Reactor(platform::Io& io) : io_(io), poller_(io.make_poller()) {}

  platform::Io& io() { return io_; }
  platform::Poller& poller() { return *poller_; }

  // add registers fd for read+write readiness (edge-triggered). nullptr on failure.
  ScheduledIo* add(platform::Fd fd) {
    auto sio = std::make_unique<ScheduledIo>();
    sio->fd = fd;
    std::lock_guard<std::mutex> lk(mu_);
    sio->token = ++next_token_;
    if (!poller_->add(fd, platform::kReadable | platform::kWritable, sio->token)) return nullptr;
    ScheduledIo* raw = sio.get();
    ios_.emplace(raw->token, std::move(sio));
    registered_.fetch_add(1, std::memory_order_relaxed);
    return raw;
  }
  // remove deregisters and frees the registration (its wakers are dropped).
  void remove(ScheduledIo* sio) {
    std::unique_ptr<ScheduledIo> owned;
    {
      std::lock_guard<std::mutex> lk(mu_);
      poller_->remove(sio->fd);
      auto it = ios_.find(sio->token);
      if (it != ios_.end()) {
        owned = std::move(it->second);
        ios_.erase(it);
      }
      registered_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  size_t registered() const { return registered_.load(std::memory_order_relaxed); }

  // dispatch applies ready events: sets bits, collects wakers to wake (outside any lock).
  void dispatch(const std::vector<platform::ReadyEvent>& events, std::vector<Waker>& wakers,
                std::vector<std::pair<int, uint32_t>>& traced) {
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto& ev : events) {
      auto it = ios_.find(ev.token);
      if (it == ios_.end()) continue;
      ScheduledIo* s = it->second.get();
      s->acquire();
      s->readiness |= ev.readiness;
      uint32_t r = ev.readiness;
      if ((r & (platform::kReadable | platform::kHangup | platform::kError)) && !s->reader.empty())
        wakers.push_back(std::move(s->reader));
      if ((r & (platform::kWritable | platform::kHangup | platform::kError)) && !s->writer.empty())
        wakers.push_back(std::move(s->writer));
      s->unlock();
      traced.emplace_back(s->fd, r);
    }
  }

 private:
  platform::Io& io_;
  std::unique_ptr<platform::Poller> poller_;
  std::mutex mu_;
  uint64_t next_token_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<ScheduledIo>> ios_;
  std::atomic<size_t> registered_{0};
};

}  // namespace as::future::io
