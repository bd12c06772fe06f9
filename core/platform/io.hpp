// core/platform/io.hpp — the small file-descriptor API and readiness poller of a Platform.
//
// Owns: the vocabulary the goroutine netpoller and the future reactor share: non-blocking
// descriptors (pipes, socket pairs, loopback TCP) whose read/write return WouldBlock instead of
// blocking, and a Poller that reports which registered descriptors became ready.
//
//   os:  real non-blocking fds; the Poller is epoll in edge-triggered mode plus an eventfd used
//        by interrupt() and by Platform::unpark() to wake a worker that waits in the Poller.
//   sim: simulated devices. A write becomes readable at the peer costs().io_latency_ns of virtual
//        time later (delivery is an event on the simulation's timeline; "I/O in flight" keeps the
//        simulation from declaring a stall). Buffers hold SimConfig::pipe_capacity bytes per
//        direction. Descriptor numbers start at 1000 so they never look like real fds.
//
// Readiness is EDGE-TRIGGERED, as in Go's netpoller and Tokio/mio: wait() reports a descriptor
// when it becomes ready (data arrived, space freed, peer closed, connection arrived) — possibly
// more than once (spurious reports are allowed). After a report the owner must read/write until
// WouldBlock before it may expect another report. Registering a descriptor that is already ready
// reports it once.
//
// Threading: os — every call from any thread, but at most one thread waits in a given Poller at
// a time. sim — the simulation thread (any worker / fiber of it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace as::platform {

using Fd = int;
inline constexpr Fd kNoFd = -1;

// Interest / readiness bits.
enum Readiness : uint32_t {
  kReadable = 1u << 0,  // data to read, EOF, or a pending connection on a listener
  kWritable = 1u << 1,  // space to write, or a non-blocking connect finished (ok or failed)
  kHangup = 1u << 2,    // peer closed (reported together with kReadable)
  kError = 1u << 3,     // error condition (read/write will report it)
};

enum class IoStatus : uint8_t {
  Ok,          // value = bytes transferred (0 on read = end of file), or a new fd
  WouldBlock,  // nothing now: wait for readiness, then retry
  Error,       // error = errno-style code (EPIPE, ECONNREFUSED, EBADF...)
};

// IoResult — outcome of a non-blocking call. Never throws for ordinary I/O conditions.
struct IoResult {
  IoStatus status = IoStatus::Ok;
  int64_t value = 0;  // Ok: bytes or fd
  int error = 0;      // Error: errno value

  bool ok() const { return status == IoStatus::Ok; }
  bool would_block() const { return status == IoStatus::WouldBlock; }
  static IoResult bytes(int64_t n) { return {IoStatus::Ok, n, 0}; }
  static IoResult blocked() { return {IoStatus::WouldBlock, 0, 0}; }
  static IoResult failed(int err) { return {IoStatus::Error, 0, err}; }
};

// ReadyEvent — one report of Poller::wait.
struct ReadyEvent {
  uint64_t token = 0;      // the token given at registration
  uint32_t readiness = 0;  // Readiness bits
};

// Poller — readiness notification for registered descriptors. Create it with Io::make_poller().
class Poller {
 public:
  virtual ~Poller() = default;
  // add registers fd with interest bits (kReadable|kWritable) and a token reported back by wait().
  // Returns false (with errno-style error in *error if given) for unknown/closed fds.
  virtual bool add(Fd fd, uint32_t interest, uint64_t token, int* error = nullptr) = 0;
  // modify changes the interest/token of a registered fd.
  virtual bool modify(Fd fd, uint32_t interest, uint64_t token) = 0;
  // remove deregisters fd (also implied by Io::close).
  virtual void remove(Fd fd) = 0;
  // wait appends ready events to `out` and returns how many it appended. It blocks the calling
  // worker until at least one event, the deadline (absolute platform time; deadline <= now() means
  // "do not block"), interrupt(), or Platform::unpark() of the waiting worker (which consumes the
  // worker's permit, exactly as park() would: a Poller wait IS a park that also watches I/O).
  // Throws RunCancelled when the run is cancelled. Only one waiter per Poller at a time.
  virtual size_t wait(int64_t deadline, std::vector<ReadyEvent>& out) = 0;
  // interrupt makes the current (or, if none, the next) wait() return early. Any thread.
  virtual void interrupt() = 0;
};

// Io — descriptors of one Platform (Platform::io()). All fds are non-blocking and close-on-exec.
class Io {
 public:
  virtual ~Io() = default;

  // make_pipe returns {read end, write end}; make_socketpair two connected stream ends. On failure
  // (fd exhaustion) they return {kNoFd, kNoFd}.
  virtual std::pair<Fd, Fd> make_pipe() = 0;
  virtual std::pair<Fd, Fd> make_socketpair() = 0;

  // tcp_listen listens on 127.0.0.1:port (0 = pick a free port); the result's value is the
  // listening fd. local_port returns the bound port of a listener.
  virtual IoResult tcp_listen(uint16_t port) = 0;
  virtual uint16_t local_port(Fd listener) = 0;
  // accept returns a connected fd or WouldBlock (wait for kReadable on the listener).
  virtual IoResult accept(Fd listener) = 0;
  // connect starts connecting to 127.0.0.1:port and returns the fd at once; the connection is
  // usable when the fd reports kWritable; then finish_connect says whether it succeeded
  // (Ok, or Error ECONNREFUSED...). Calling read/write earlier returns WouldBlock. os: a failure
  // is reported once (the kernel clears SO_ERROR when it is read); keep the first result.
  virtual IoResult connect(uint16_t port) = 0;
  virtual IoResult finish_connect(Fd fd) = 0;

  // read/write transfer up to buf.size() bytes. read → Ok(0) at end of file. write to a peer that
  // closed → Error(EPIPE) (never SIGPIPE).
  virtual IoResult read(Fd fd, std::span<std::byte> buf) = 0;
  virtual IoResult write(Fd fd, std::span<const std::byte> buf) = 0;
  // close releases fd (and removes it from every Poller). Closing twice is an error, reported as
  // false, never a crash.
  virtual bool close(Fd fd) = 0;

  // make_poller creates a readiness poller bound to this platform.
  virtual std::unique_ptr<Poller> make_poller() = 0;

  // open_fds counts descriptors opened through this Io and not yet closed (leak checks in tests).
  virtual size_t open_fds() const = 0;
};

}  // namespace as::platform
