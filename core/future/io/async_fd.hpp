// core/future/io/async_fd.hpp — AsyncFd: a non-blocking descriptor registered with the reactor,
// and its read / write / accept / connect futures (tokio::io::unix::AsyncFd, tokio::net).
//
// Every operation is the same hand-written state machine (IoFuture):
//   try the non-blocking call → done (Ok / Error)
//   WouldBlock → under the registration's lock: if readiness arrived meanwhile, clear it and try
//   again; otherwise store the task's waker for that direction and return Pending.
// The reactor (reactor.hpp) sets readiness and wakes the stored waker when the Poller reports.
// Invariant: an AsyncFd owns its fd: destroying it deregisters (IoDeregister) and closes it.
#pragma once

#include <span>
#include <utility>

#include "core/future/coop.hpp"
#include "core/future/executor/scheduler.hpp"

namespace as::future {

class AsyncFd {
 public:
  AsyncFd() = default;
  // adopt registers fd with the current runtime's reactor (call inside a task).
  static AsyncFd adopt(platform::Fd fd) {
    Scheduler* s = current_scheduler();
    if (!s) throw std::logic_error("AsyncFd::adopt outside a runtime");
    io::ScheduledIo* sio = s->reactor().add(fd);
    if (!sio) throw std::runtime_error("AsyncFd: cannot register fd " + std::to_string(fd));
    s->emit(trace::EventKind::IoRegister, tl_current.worker, tl_current.task,
            static_cast<uint64_t>(fd), platform::kReadable | platform::kWritable);
    s->unpark_driver();  // a parked driver must start watching this fd
    return AsyncFd(s, fd, sio);
  }
  AsyncFd(AsyncFd&& o) noexcept
      : sched_(std::exchange(o.sched_, nullptr)),
        fd_(std::exchange(o.fd_, platform::kNoFd)),
        sio_(std::exchange(o.sio_, nullptr)) {}
  AsyncFd& operator=(AsyncFd&& o) noexcept {
    if (this != &o) {
      close();
      sched_ = std::exchange(o.sched_, nullptr);
      fd_ = std::exchange(o.fd_, platform::kNoFd);
      sio_ = std::exchange(o.sio_, nullptr);
    }
    return *this;
  }
  ~AsyncFd() { close(); }

  platform::Fd fd() const { return fd_; }
  bool valid() const { return sio_ != nullptr; }
  void close() {
    if (!sio_) return;
    sched_->emit(trace::EventKind::IoDeregister, tl_current.worker, tl_current.task,
                 static_cast<uint64_t>(fd_));
    sched_->reactor().remove(sio_);
    sched_->reactor().io().close(fd_);
    sio_ = nullptr;
    fd_ = platform::kNoFd;
  }

  // IoFuture<Op> — see the file comment. Op: () -> platform::IoResult.
  template <class Op>
  class IoFuture {
   public:
    IoFuture(AsyncFd* fd, bool write, Op op) : fd_(fd), write_(write), op_(std::move(op)) {}
    Poll<platform::IoResult> poll(Context& cx) {
      if (!coop::poll_proceed(cx)) return pending;
      const uint32_t bits = write_ ? (platform::kWritable | platform::kError)
                                   : (platform::kReadable | platform::kHangup | platform::kError);
      io::ScheduledIo* s = fd_->sio_;
      for (;;) {
        platform::IoResult r = op_();
        if (!r.would_block()) return r;
        s->acquire();
        if (s->readiness & bits) {
          s->readiness &= ~bits;  // consumed: the next report is a new edge
          s->unlock();
          continue;
        }
        (write_ ? s->writer : s->reader).clone_if_changed(cx.waker());
        s->unlock();
        note_block(trace::Reason::Io, static_cast<uint64_t>(fd_->fd_));
        return pending;
      }
    }

   private:
    AsyncFd* fd_;
    bool write_;
    Op op_;
  };

  auto read(std::span<std::byte> buf) {
    platform::Io* io = &sched_->reactor().io();
    platform::Fd fd = fd_;
    auto op = [io, fd, buf] { return io->read(fd, buf); };
    return IoFuture<decltype(op)>(this, false, op);
  }
  auto write(std::span<const std::byte> buf) {
    platform::Io* io = &sched_->reactor().io();
    platform::Fd fd = fd_;
    auto op = [io, fd, buf] { return io->write(fd, buf); };
    return IoFuture<decltype(op)>(this, true, op);
  }
  // accept waits for a connection on a listener; the result's value is the new fd.
  auto accept() {
    platform::Io* io = &sched_->reactor().io();
    platform::Fd fd = fd_;
    auto op = [io, fd] { return io->accept(fd); };
    return IoFuture<decltype(op)>(this, false, op);
  }
  // connected waits until a connect() started with Io::connect finished (ok or failed).
  auto connected() {
    platform::Io* io = &sched_->reactor().io();
    platform::Fd fd = fd_;
    auto op = [io, fd] {
      platform::IoResult r = io->finish_connect(fd);
      return r;
    };
    return IoFuture<decltype(op)>(this, true, op);
  }

 private:
  AsyncFd(Scheduler* s, platform::Fd fd, io::ScheduledIo* sio) : sched_(s), fd_(fd), sio_(sio) {}
  Scheduler* sched_ = nullptr;
  platform::Fd fd_ = platform::kNoFd;
  io::ScheduledIo* sio_ = nullptr;
};

}  // namespace as::future
