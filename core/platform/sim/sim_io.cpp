// core/platform/sim/sim_io.cpp — simulated devices and poller (see sim_io.hpp).
#include "core/platform/sim/sim_io.hpp"

#include <algorithm>
#include <cerrno>

#include "core/platform/sim/sim_platform.hpp"

namespace as::platform {

// ---- SimPoller
// -----------------------------------------------------------------------------------

SimPoller::SimPoller(SimIo& io, SimPlatform& platform) : io_(io), platform_(platform) {}

SimPoller::~SimPoller() {
  io_.poller_destroyed(this);
}

bool SimPoller::add(Fd fd, uint32_t interest, uint64_t token, int* error) {
  if (fds_.count(fd) != 0 || !io_.register_fd(fd, this, interest, token)) {
    if (error) *error = fds_.count(fd) != 0 ? EEXIST : EBADF;
    return false;
  }
  fds_.insert(fd);
  return true;
}

bool SimPoller::modify(Fd fd, uint32_t interest, uint64_t token) {
  if (fds_.count(fd) == 0) return false;
  io_.unregister_fd(fd, this);
  return io_.register_fd(fd, this, interest, token);
}

void SimPoller::remove(Fd fd) {
  if (fds_.erase(fd) != 0) io_.unregister_fd(fd, this);
}

void SimPoller::push(uint64_t token, uint32_t readiness) {
  auto it = std::find_if(ready_.begin(), ready_.end(),
                         [&](const ReadyEvent& e) { return e.token == token; });
  if (it != ready_.end()) {
    it->readiness |= readiness;
  } else {
    ready_.push_back({token, readiness});
  }
  if (waiter_ != kNoWorker) platform_.wake_worker(waiter_, platform_.event_time());
}

void SimPoller::interrupt() {
  interrupted_ = true;
  if (waiter_ != kNoWorker) platform_.wake_worker(waiter_, platform_.event_time());
}

size_t SimPoller::take(std::vector<ReadyEvent>& out) {
  const size_t n = ready_.size();
  out.insert(out.end(), ready_.begin(), ready_.end());
  ready_.clear();
  interrupted_ = false;
  return n;
}

size_t SimPoller::wait(int64_t deadline, std::vector<ReadyEvent>& out) {
  platform_.throw_if_cancelled();
  if (!ready_.empty() || interrupted_) return take(out);
  if (deadline <= platform_.event_time()) return 0;
  waiter_ = platform_.current_worker();
  platform_.wait_in_poller(*this, deadline);
  waiter_ = kNoWorker;
  return take(out);
}

// ---- SimIo
// ---------------------------------------------------------------------------------------

SimIo::SimIo(SimPlatform& platform, size_t capacity)
    : platform_(platform), capacity_(std::max<size_t>(capacity, 1)) {}

SimIo::~SimIo() = default;

SimIo::File* SimIo::find(Fd fd) {
  auto it = files_.find(fd);
  return it == files_.end() ? nullptr : &it->second;
}

Fd SimIo::new_file(Kind kind) {
  const Fd fd = next_fd_++;
  files_[fd].kind = kind;
  return fd;
}

Nanos SimIo::latency() const {
  return platform_.costs().io_latency_ns;
}

std::pair<Fd, Fd> SimIo::make_pipe() {
  const Fd r = new_file(Kind::PipeReader);
  const Fd w = new_file(Kind::PipeWriter);
  files_[r].peer = w;
  files_[w].peer = r;
  return {r, w};
}

std::pair<Fd, Fd> SimIo::make_socketpair() {
  const Fd a = new_file(Kind::Stream);
  const Fd b = new_file(Kind::Stream);
  files_[a].peer = b;
  files_[b].peer = a;
  return {a, b};
}

IoResult SimIo::tcp_listen(uint16_t port) {
  if (port == 0) {
    while (listeners_.count(next_port_) != 0) ++next_port_;
    port = next_port_++;
  } else if (listeners_.count(port) != 0) {
    return IoResult::failed(EADDRINUSE);
  }
  const Fd fd = new_file(Kind::Listener);
  files_[fd].port = port;
  listeners_[port] = fd;
  return IoResult::bytes(fd);
}

uint16_t SimIo::local_port(Fd listener) {
  File* f = find(listener);
  return f && f->kind == Kind::Listener ? f->port : 0;
}

IoResult SimIo::accept(Fd listener) {
  File* f = find(listener);
  if (!f) return IoResult::failed(EBADF);
  if (f->kind != Kind::Listener) return IoResult::failed(EINVAL);
  if (f->backlog.empty()) return IoResult::blocked();
  const Fd fd = f->backlog.front();
  f->backlog.pop_front();
  return IoResult::bytes(fd);
}

IoResult SimIo::connect(uint16_t port) {
  const Fd client = new_file(Kind::Stream);
  files_[client].connected = false;
  platform_.schedule_io(platform_.event_time() + latency(), [this, client, port] {
    File* c = find(client);
    if (!c) return;  // closed before the connection completed
    auto it = listeners_.find(port);
    if (it == listeners_.end()) {
      c->connect_error = ECONNREFUSED;
      notify(client, kWritable | kError);
      return;
    }
    const Fd listener = it->second;
    const Fd server = new_file(Kind::Stream);
    c->peer = server;
    c->connected = true;
    files_[server].peer = client;
    files_[listener].backlog.push_back(server);
    notify(listener, kReadable);
    notify(client, kWritable);
  });
  return IoResult::bytes(client);
}

IoResult SimIo::finish_connect(Fd fd) {
  File* f = find(fd);
  if (!f) return IoResult::failed(EBADF);
  if (f->connect_error != 0) return IoResult::failed(f->connect_error);
  if (!f->connected) return IoResult::blocked();
  return IoResult::bytes(0);
}

IoResult SimIo::read(Fd fd, std::span<std::byte> buf) {
  File* f = find(fd);
  if (!f) return IoResult::failed(EBADF);
  if (f->kind == Kind::PipeWriter || f->kind == Kind::Listener) return IoResult::failed(EBADF);
  if (f->connect_error != 0) return IoResult::failed(f->connect_error);
  if (!f->connected) return IoResult::blocked();
  if (f->rx.empty()) return f->rx_eof ? IoResult::bytes(0) : IoResult::blocked();
  const size_t n = std::min(buf.size(), f->rx.size());
  std::copy_n(f->rx.begin(), n, buf.begin());
  f->rx.erase(f->rx.begin(), f->rx.begin() + static_cast<std::ptrdiff_t>(n));
  // Space freed: the writer may write again (edge: report it).
  if (n > 0 && f->peer != kNoFd) notify(f->peer, kWritable);
  return IoResult::bytes(static_cast<int64_t>(n));
}

IoResult SimIo::write(Fd fd, std::span<const std::byte> buf) {
  File* f = find(fd);
  if (!f) return IoResult::failed(EBADF);
  if (f->kind == Kind::PipeReader || f->kind == Kind::Listener) return IoResult::failed(EBADF);
  if (f->connect_error != 0) return IoResult::failed(f->connect_error);
  if (!f->connected) return IoResult::blocked();
  if (f->peer_closed || f->peer == kNoFd) return IoResult::failed(EPIPE);
  File& p = files_.at(f->peer);
  const size_t used = p.rx.size() + p.rx_in_flight;
  const size_t space = used >= capacity_ ? 0 : capacity_ - used;
  if (space == 0) return IoResult::blocked();
  if (buf.empty()) return IoResult::bytes(0);
  const size_t n = std::min(space, buf.size());
  p.rx_in_flight += n;
  const Fd to = f->peer;
  platform_.schedule_io(
      platform_.event_time() + latency(),
      [this, to,
       bytes = std::vector<std::byte>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n))] {
        File* dest = find(to);
        if (!dest) return;  // reader closed meanwhile: dropped
        dest->rx_in_flight -= bytes.size();
        dest->rx.insert(dest->rx.end(), bytes.begin(), bytes.end());
        notify(to, kReadable);
      });
  return IoResult::bytes(static_cast<int64_t>(n));
}

void SimIo::deliver_eof_later(Fd fd) {
  platform_.schedule_io(platform_.event_time() + latency(), [this, fd] {
    File* f = find(fd);
    if (!f) return;
    f->rx_eof = true;
    notify(fd, kReadable | kWritable | kHangup);
  });
}

bool SimIo::close(Fd fd) {
  File* f = find(fd);
  if (!f) return false;
  for (const Registration& r : f->regs) r.poller->forget(fd);
  if (f->kind == Kind::Listener) {
    listeners_.erase(f->port);
    const std::deque<Fd> pending = f->backlog;
    files_.erase(fd);
    for (Fd c : pending) close(c);
    return true;
  }
  const Fd peer = f->peer;
  files_.erase(fd);
  if (File* p = find(peer)) {
    p->peer = kNoFd;
    p->peer_closed = true;
    deliver_eof_later(peer);
  }
  return true;
}

uint32_t SimIo::readiness_of(const File& f) const {
  uint32_t r = 0;
  if (!f.rx.empty() || f.rx_eof || !f.backlog.empty()) r |= kReadable;
  if (f.connect_error != 0) r |= kWritable | kError;
  if ((f.kind == Kind::PipeWriter || f.kind == Kind::Stream) && f.connected) {
    if (f.peer_closed || f.peer == kNoFd) {
      r |= kWritable | kHangup;
    } else {
      auto it = files_.find(f.peer);
      if (it != files_.end() && it->second.rx.size() + it->second.rx_in_flight < capacity_) {
        r |= kWritable;
      }
    }
  }
  if (f.rx_eof) r |= kHangup;
  return r;
}

void SimIo::notify(Fd fd, uint32_t readiness) {
  File* f = find(fd);
  if (!f) return;
  // Copy: a poller's push may wake a worker, never re-enter here, but stay safe.
  const std::vector<Registration> regs = f->regs;
  for (const Registration& reg : regs) {
    const uint32_t bits = readiness & (reg.interest | kHangup | kError);
    if (bits != 0) reg.poller->push(reg.token, bits);
  }
}

bool SimIo::register_fd(Fd fd, SimPoller* poller, uint32_t interest, uint64_t token) {
  File* f = find(fd);
  if (!f) return false;
  f->regs.push_back({poller, interest, token});
  const uint32_t now_ready = readiness_of(*f) & (interest | kHangup | kError);
  if (now_ready != 0) poller->push(token, now_ready);
  return true;
}

void SimIo::unregister_fd(Fd fd, SimPoller* poller) {
  File* f = find(fd);
  if (!f) return;
  std::erase_if(f->regs, [&](const Registration& r) { return r.poller == poller; });
}

void SimIo::poller_destroyed(SimPoller* poller) {
  for (auto& [fd, f] : files_) {
    std::erase_if(f.regs, [&](const Registration& r) { return r.poller == poller; });
  }
}

std::unique_ptr<Poller> SimIo::make_poller() {
  return std::make_unique<SimPoller>(*this, platform_);
}

}  // namespace as::platform
