// core/platform/os/os_io.cpp — non-blocking fds and epoll (see os_io.hpp).
#include "core/platform/os/os_io.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <system_error>

#include "core/platform/os/os_platform.hpp"

namespace as::platform {

namespace {

constexpr uint64_t kInterruptToken = ~uint64_t{0};

uint32_t to_epoll(uint32_t interest) {
  uint32_t ev = EPOLLET | EPOLLRDHUP;
  if (interest & kReadable) ev |= EPOLLIN;
  if (interest & kWritable) ev |= EPOLLOUT;
  return ev;
}

uint32_t from_epoll(uint32_t ev) {
  uint32_t r = 0;
  if (ev & EPOLLIN) r |= kReadable;
  if (ev & EPOLLOUT) r |= kWritable;
  if (ev & (EPOLLHUP | EPOLLRDHUP)) r |= kHangup | kReadable;
  if (ev & EPOLLERR) r |= kError | kReadable | kWritable;
  return r;
}

IoResult from_errno() {
  const int e = errno;
  if (e == EAGAIN || e == EWOULDBLOCK) return IoResult::blocked();
  return IoResult::failed(e);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    sigaction(SIGPIPE, nullptr, &current);
    if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

}  // namespace

// ---- OsPoller
// ------------------------------------------------------------------------------------

OsPoller::OsPoller(OsPlatform& platform) : platform_(platform) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) {
    const int e = errno;
    ::close(epoll_fd_);
    throw std::system_error(e, std::generic_category(), "eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = kInterruptToken;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev);
}

OsPoller::~OsPoller() {
  ::close(event_fd_);
  ::close(epoll_fd_);
}

bool OsPoller::add(Fd fd, uint32_t interest, uint64_t token, int* error) {
  epoll_event ev{};
  ev.events = to_epoll(interest);
  ev.data.u64 = token;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0) return true;
  if (error) *error = errno;
  return false;
}

bool OsPoller::modify(Fd fd, uint32_t interest, uint64_t token) {
  epoll_event ev{};
  ev.events = to_epoll(interest);
  ev.data.u64 = token;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void OsPoller::remove(Fd fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void OsPoller::interrupt() {
  const uint64_t one = 1;
  ssize_t ignored = ::write(event_fd_, &one, sizeof one);
  (void)ignored;
}

size_t OsPoller::wait(int64_t deadline, std::vector<ReadyEvent>& out) {
  platform_.throw_if_cancelled();
  int timeout_ms = 0;
  if (deadline == kNever) {
    timeout_ms = -1;
  } else {
    const int64_t left = deadline - platform_.now();
    // Round up: waking early would make the caller spin on a not-yet-due deadline.
    timeout_ms =
        left <= 0 ? 0 : static_cast<int>(std::min<int64_t>((left + 999'999) / 1'000'000, INT_MAX));
  }
  // A pending permit (unpark before wait) means: look, but do not block.
  if (!platform_.begin_poller_wait(*this)) timeout_ms = 0;
  epoll_event events[128];
  int n = epoll_wait(epoll_fd_, events, 128, timeout_ms);
  platform_.end_poller_wait();
  size_t added = 0;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kInterruptToken) {
      uint64_t drained;
      ssize_t ignored = ::read(event_fd_, &drained, sizeof drained);
      (void)ignored;
      continue;
    }
    out.push_back({events[i].data.u64, from_epoll(events[i].events)});
    ++added;
  }
  platform_.throw_if_cancelled();
  return added;
}

// ---- OsIo
// ----------------------------------------------------------------------------------------

OsIo::OsIo(OsPlatform& platform) : platform_(platform) {
  ignore_sigpipe_once();
}

std::pair<Fd, Fd> OsIo::make_pipe() {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return {kNoFd, kNoFd};
  open_ += 2;
  return {fds[0], fds[1]};
}

std::pair<Fd, Fd> OsIo::make_socketpair() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    return {kNoFd, kNoFd};
  }
  open_ += 2;
  return {fds[0], fds[1]};
}

IoResult OsIo::tcp_listen(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoResult::failed(errno);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0) {
    const int e = errno;
    ::close(fd);
    return IoResult::failed(e);
  }
  ++open_;
  return IoResult::bytes(fd);
}

uint16_t OsIo::local_port(Fd listener) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

IoResult OsIo::accept(Fd listener) {
  const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return from_errno();
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ++open_;
  return IoResult::bytes(fd);
}

IoResult OsIo::connect(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoResult::failed(errno);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    return IoResult::failed(e);
  }
  ++open_;
  return IoResult::bytes(fd);
}

IoResult OsIo::finish_connect(Fd fd) {
  sockaddr_in peer{};
  socklen_t plen = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0) return IoResult::bytes(0);
  if (errno != ENOTCONN) return IoResult::failed(errno);
  // Not connected: still in progress, or failed. SO_ERROR tells (and is cleared by reading it).
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return IoResult::failed(errno);
  return err != 0 ? IoResult::failed(err) : IoResult::blocked();
}

IoResult OsIo::read(Fd fd, std::span<std::byte> buf) {
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  if (n < 0) return from_errno();
  return IoResult::bytes(n);
}

IoResult OsIo::write(Fd fd, std::span<const std::byte> buf) {
  const ssize_t n = ::write(fd, buf.data(), buf.size());
  if (n < 0) return from_errno();
  return IoResult::bytes(n);
}

bool OsIo::close(Fd fd) {
  if (fd < 0 || ::close(fd) != 0) return false;
  --open_;
  return true;
}

std::unique_ptr<Poller> OsIo::make_poller() {
  return std::make_unique<OsPoller>(platform_);
}

}  // namespace as::platform
