// core/future/poll.hpp — Poll<T>: the answer of every future's poll (Rust's std::task::Poll).
//
// Owns: the two-state result Ready(value) / Pending, and Unit (the output of a future that produces
// nothing, Rust's `()`), so that "void" futures share every code path with value futures.
//
// Invariants: a Pending Poll holds no value; taking the value of a Ready Poll leaves it Ready but
// moved-from. A future that returns Pending must have stored the Waker of the Context it was polled
// with (see waker.hpp) — Poll itself cannot check that; the executor's lost-waker diagnostic does.
//
// Why: mirrors core::task::Poll. Poll is the whole interface between a future and its executor:
// the executor calls poll, the future answers "done, here is the value" or "not yet, I will wake
// you".
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

namespace as::future {

// Unit is the value of a future that has no output (Rust's `()`).
struct Unit {
  friend bool operator==(Unit, Unit) { return true; }
};

// OutputOf<void> = Unit, OutputOf<T> = T: futures never produce `void`.
template <class T>
using OutputOf = std::conditional_t<std::is_void_v<T>, Unit, T>;

struct PendingTag {};
// pending is the Pending value, convertible to any Poll<T>.
inline constexpr PendingTag pending{};

template <class T>
class [[nodiscard]] Poll {
 public:
  using Output = T;
  Poll(PendingTag) {}
  Poll(T value) : value_(std::move(value)) {}
  template <class U>
  requires(std::is_convertible_v<U&&, T> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, PendingTag>) Poll(U&& value)
      : value_(std::forward<U>(value)) {}

  bool is_ready() const { return value_.has_value(); }
  bool is_pending() const { return !value_.has_value(); }
  explicit operator bool() const { return is_ready(); }
  // value: precondition is_ready().
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  T take() { return std::move(*value_); }

 private:
  std::optional<T> value_;
};

// ready makes a Ready Poll (type deduced).
template <class T>
Poll<std::decay_t<T>> ready(T&& v) {
  return Poll<std::decay_t<T>>(std::forward<T>(v));
}
inline Poll<Unit> ready() {
  return Poll<Unit>(Unit{});
}

}  // namespace as::future
