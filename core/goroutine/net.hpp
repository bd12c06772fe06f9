// core/goroutine/net.hpp — goroutine-style blocking I/O on non-blocking descriptors.
//
// Owns: the user API of the netpoller. Each call loops "try the non-blocking operation; on
// WouldBlock park on the netpoller until the fd is ready" (internal/poll.FD.Read in Go), so the
// goroutine blocks but its M and P keep running other goroutines. Works on real fds (os
// platform) and simulated pipes/sockets (sim platform) through platform::Io.
#pragma once

#include <cstddef>
#include <source_location>
#include <span>
#include <string_view>
#include <utility>

#include "core/platform/io.hpp"

namespace as::go::net {

using platform::Fd;
using platform::IoResult;

// socketpair returns two connected stream ends (non-blocking underneath).
std::pair<Fd, Fd> socketpair();
std::pair<Fd, Fd> pipe();
// read blocks the goroutine until at least one byte (or EOF: Ok(0), or an error).
IoResult read(Fd fd, std::span<std::byte> buf,
              std::source_location loc = std::source_location::current());
// write blocks the goroutine until all of buf is written (or an error).
IoResult write(Fd fd, std::span<const std::byte> buf,
               std::source_location loc = std::source_location::current());
IoResult write(Fd fd, std::string_view text,
               std::source_location loc = std::source_location::current());
// close deregisters fd from the netpoller (waking any goroutine parked on it) and closes it.
bool close(Fd fd);

}  // namespace as::go::net
