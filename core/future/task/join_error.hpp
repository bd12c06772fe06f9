// core/future/task/join_error.hpp — JoinError: why a spawned task produced no value
// (tokio::task::JoinError).
//
// Kinds: Panic (the task's future threw; the exception is kept and can be rethrown with
// resume_panic(), like std::panic::resume_unwind) and Cancelled (aborted via JoinHandle::abort,
// or dropped at runtime shutdown). Unlike Go, a panic in a task never ends the program: it
// surfaces here, in whoever awaits the JoinHandle.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace as::future {

class JoinError {
 public:
  enum class Kind { Panic, Cancelled };

  static JoinError cancelled() { return JoinError(Kind::Cancelled, nullptr); }
  static JoinError panic(std::exception_ptr e) { return JoinError(Kind::Panic, std::move(e)); }

  Kind kind() const { return kind_; }
  bool is_panic() const { return kind_ == Kind::Panic; }
  bool is_cancelled() const { return kind_ == Kind::Cancelled; }
  // message describes the error: "task panicked: <what()>" or "task was cancelled".
  std::string message() const {
    if (kind_ == Kind::Cancelled) return "task was cancelled";
    try {
      if (panic_) std::rethrow_exception(panic_);
    } catch (const std::exception& e) {
      return std::string("task panicked: ") + e.what();
    } catch (...) {
    }
    return "task panicked";
  }
  // resume_panic rethrows the task's exception (precondition: is_panic()).
  [[noreturn]] void resume_panic() const {
    if (panic_) std::rethrow_exception(panic_);
    throw std::logic_error("JoinError::resume_panic on a cancelled task");
  }

 private:
  JoinError(Kind k, std::exception_ptr p) : kind_(k), panic_(std::move(p)) {}
  Kind kind_;
  std::exception_ptr panic_;
};

}  // namespace as::future
