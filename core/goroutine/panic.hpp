// core/goroutine/panic.hpp — go::Panic, the exception the runtime throws for Go's run-time panics.
//
// Owns: the C++ face of panic/recover. A goroutine panics by throwing (go::panic(msg) or any
// exception); if nothing in that goroutine catches it, the program ends like Go's:
//   panic: <message>
//
//   goroutine N [running]:
// with exit code 2 (and a RuntimeError Panic event). Catching it inside the goroutine is the
// analogue of recover() in a deferred function. The runtime's own panics ("send on closed
// channel", "close of nil channel", "sync: negative WaitGroup counter"...) are go::Panic too, so
// tests and programs can recover them.
#pragma once

#include <stdexcept>
#include <string>

namespace as::go {

struct Panic : std::runtime_error {
  explicit Panic(const std::string& what) : std::runtime_error(what) {}
};

// panic throws go::Panic(message) — named like Go's builtin.
[[noreturn]] inline void panic(const std::string& message) {
  throw Panic(message);
}

}  // namespace as::go
