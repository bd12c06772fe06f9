// core/goroutine/net.cpp — blocking-style I/O over the netpoller (see net.hpp).
#include "core/goroutine/net.hpp"

#include "core/goroutine/netpoll.hpp"
#include "core/goroutine/sched.hpp"

namespace as::go::net {

std::pair<Fd, Fd> socketpair() {
  return detail::sched().platform().io().make_socketpair();
}
std::pair<Fd, Fd> pipe() {
  return detail::sched().platform().io().make_pipe();
}

IoResult read(Fd fd, std::span<std::byte> buf, std::source_location loc) {
  detail::Sched& s = detail::sched();
  for (;;) {
    IoResult r = s.platform().io().read(fd, buf);
    if (!r.would_block()) return r;
    s.netpoll().wait_ready(fd, platform::kReadable, s.tracer().loc(loc));
  }
}

IoResult write(Fd fd, std::span<const std::byte> buf, std::source_location loc) {
  detail::Sched& s = detail::sched();
  size_t done = 0;
  while (done < buf.size()) {
    IoResult r = s.platform().io().write(fd, buf.subspan(done));
    if (r.would_block()) {
      s.netpoll().wait_ready(fd, platform::kWritable, s.tracer().loc(loc));
      continue;
    }
    if (!r.ok()) return r;
    done += static_cast<size_t>(r.value);
  }
  return IoResult::bytes(static_cast<int64_t>(done));
}

IoResult write(Fd fd, std::string_view text, std::source_location loc) {
  return write(fd, std::as_bytes(std::span<const char>(text.data(), text.size())), loc);
}

bool close(Fd fd) {
  detail::Sched& s = detail::sched();
  s.netpoll().forget(fd);
  return s.platform().io().close(fd);
}

}  // namespace as::go::net
