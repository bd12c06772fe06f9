// core/platform/sim/sim_io.hpp — simulated devices: pipes, socket pairs, loopback TCP, poller.
//
// Owns: every simulated descriptor of one SimPlatform and the pollers watching them.
//
// Model (all in virtual time, all on the simulation thread):
//   - A write of n bytes at time t is accepted at once if the peer's buffer has room (capacity
//     counts bytes readable AND bytes in flight), and becomes readable at the peer at
//     t + costs().io_latency_ns: a delivery event on the SimPlatform's timeline. While deliveries
//     are pending the run is not stalled.
//   - Closing one end delivers end-of-file to the peer after the data already in flight (same
//     latency, later sequence number); the peer's writes fail with EPIPE from then on.
//   - connect(port) completes after one latency: the listener gets a pending connection, the
//     client fd becomes writable. No listener → the client reports kWritable|kError and
//     finish_connect() returns ECONNREFUSED.
//   - Readiness is edge-triggered (io.hpp): reported on data arrival, space freed, EOF, connection,
//     and once at registration if already ready.
// Invariants: a File's rx_in_flight equals the bytes of its scheduled, undelivered deliveries;
// rx.size() + rx_in_flight <= capacity; a Registration exists in both its File and its SimPoller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "core/platform/io.hpp"
#include "core/platform/platform.hpp"

namespace as::platform {

class SimPlatform;
class SimIo;

// SimPoller — a Poller over simulated descriptors; its wait() parks the simulated worker.
class SimPoller final : public Poller {
 public:
  SimPoller(SimIo& io, SimPlatform& platform);
  ~SimPoller() override;

  bool add(Fd fd, uint32_t interest, uint64_t token, int* error = nullptr) override;
  bool modify(Fd fd, uint32_t interest, uint64_t token) override;
  void remove(Fd fd) override;
  size_t wait(int64_t deadline, std::vector<ReadyEvent>& out) override;
  void interrupt() override;

  // push records readiness for token (merging with a pending report) and wakes the waiter.
  void push(uint64_t token, uint32_t readiness);
  // forget drops fd from this poller's bookkeeping (the fd was closed).
  void forget(Fd fd) { fds_.erase(fd); }

 private:
  size_t take(std::vector<ReadyEvent>& out);

  SimIo& io_;
  SimPlatform& platform_;
  std::vector<ReadyEvent> ready_;
  std::set<Fd> fds_;
  int waiter_ = kNoWorker;
  bool interrupted_ = false;
};

class SimIo final : public Io {
 public:
  SimIo(SimPlatform& platform, size_t capacity);
  ~SimIo() override;

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
  size_t open_fds() const override { return files_.size(); }

  // ---- for SimPoller ----
  bool register_fd(Fd fd, SimPoller* poller, uint32_t interest, uint64_t token);
  void unregister_fd(Fd fd, SimPoller* poller);
  void poller_destroyed(SimPoller* poller);

 private:
  enum class Kind : uint8_t { PipeReader, PipeWriter, Stream, Listener };
  struct Registration {
    SimPoller* poller;
    uint32_t interest;
    uint64_t token;
  };
  struct File {
    Kind kind = Kind::Stream;
    Fd peer = kNoFd;           // the other end (pipe/stream); kNoFd once it closed
    std::deque<std::byte> rx;  // delivered, readable bytes
    size_t rx_in_flight = 0;   // bytes on their way to this file
    bool rx_eof = false;       // the peer closed and everything before it was delivered
    bool peer_closed = false;  // writes fail with EPIPE
    bool connected = true;     // false while a connect is in progress
    int connect_error = 0;     // ECONNREFUSED...
    uint16_t port = 0;         // listener: bound port
    std::deque<Fd> backlog;    // listener: connections delivered, not yet accepted
    std::vector<Registration> regs;
  };

  File* find(Fd fd);
  Fd new_file(Kind kind);
  uint32_t readiness_of(const File& f) const;
  void notify(Fd fd, uint32_t readiness);
  Nanos latency() const;
  void deliver_eof_later(Fd fd);

  SimPlatform& platform_;
  size_t capacity_;
  std::map<Fd, File> files_;
  std::map<uint16_t, Fd> listeners_;
  Fd next_fd_ = 1000;
  uint16_t next_port_ = 40000;
};

}  // namespace as::platform
