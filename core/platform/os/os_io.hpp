// core/platform/os/os_io.hpp — real non-blocking descriptors and an epoll Poller.
//
// Owns: thin wrappers over pipe2/socketpair/socket/accept4/connect/read/write/close, all
// O_NONBLOCK | O_CLOEXEC, and OsPoller: one epoll instance in edge-triggered mode (EPOLLET, as
// Go's netpoller and mio use it) plus an eventfd that interrupt() writes to.
//
// A worker waiting in OsPoller::wait is in the kInPoller parking state (os_platform.hpp), so
// Platform::unpark() of that worker stores its permit and interrupts the poller: "a Poller wait is
// a park that also watches I/O", as io.hpp promises.
//
// SIGPIPE is set to ignored (once, if it still has its default action) so that writing to a
// closed pipe or socket reports EPIPE instead of killing the process.
#pragma once

#include <atomic>
#include <cstddef>

#include "core/platform/io.hpp"

namespace as::platform {

class OsPlatform;

class OsPoller final : public Poller {
 public:
  explicit OsPoller(OsPlatform& platform);  // throws std::system_error if epoll is unavailable
  ~OsPoller() override;

  bool add(Fd fd, uint32_t interest, uint64_t token, int* error = nullptr) override;
  bool modify(Fd fd, uint32_t interest, uint64_t token) override;
  void remove(Fd fd) override;
  size_t wait(int64_t deadline, std::vector<ReadyEvent>& out) override;
  void interrupt() override;

 private:
  OsPlatform& platform_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;  // registered with token kInterruptToken
};

class OsIo final : public Io {
 public:
  explicit OsIo(OsPlatform& platform);

  std::pair<Fd, Fd> make_pipe() override;
  std::pair<Fd, Fd> make_socketpair() override;
  IoResult tcp_listen(uint16_t port) override;
  uint16_t local_port(Fd listener) override;
  IoResult accept(Fd listener) override;
  IoResult connect(uint16_t port) override;
  IoResult finish_connect(Fd fd) override;
  IoResult read(Fd fd, std::span<std::byte> buf) override;
  IoResult write(Fd fd, std::span<const std::byte> buf) override;
  bool close(Fd fd) override;
  std::unique_ptr<Poller> make_poller() override;
  size_t open_fds() const override { return open_.load(std::memory_order_relaxed); }

 private:
  OsPlatform& platform_;
  std::atomic<size_t> open_{0};
};

}  // namespace as::platform
