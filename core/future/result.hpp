// core/future/result.hpp — Result<T, E>: Rust's Result, and its `?` inside Task coroutines.
//
// Owns: a value-or-error type (std::expected is C++23; g++ 12 in C++20 mode lacks it) and the
// propagation rule. Inside a Task<Result<U, E>> coroutine, `co_await r` on a Result<T, E>:
//   - Ok(v)  → the expression is v and the coroutine goes on;
//   - Err(e) → the coroutine returns Err(e) at once, exactly like `r?` in Rust (its locals are
//     destroyed, its awaiter receives the error). The machinery lives in task/coroutine.hpp.
// `co_await try_(expr)` is the same thing spelled for readers who want the `?` visible.
// Awaiting a Task<Result<T, E>> inside a coroutine that itself returns a Result applies `?` too
// (`task.await?`): the expression is the T, an Err finishes the awaiting coroutine. Outside such
// coroutines `co_await task` yields the whole Result.
//
// Invariant: a Result holds exactly one of value or error. Accessing the wrong one throws
// BadResultAccess (a bug in the caller, surfaced as a panic at the task boundary — never UB).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/future/poll.hpp"

namespace as::future {

// Err wraps an error so `return Err{e}` / `co_return Err{e}` picks the error side.
template <class E>
struct Err {
  E error;
};
template <class E>
Err(E) -> Err<E>;

// Ok wraps a value (optional: a plain T converts too).
template <class T>
struct Ok {
  T value;
};
template <class T>
Ok(T) -> Ok<T>;

struct BadResultAccess : std::logic_error {
  using std::logic_error::logic_error;
};

namespace detail {
// ResultSlot: a Result's one value or error — a std::variant, or, when both are plain values
// (poll.hpp PlainValue: a send's Result<Unit, SendError<int>>), the two and an error flag as
// plain members: a variant's union makes g++ build it with narrow stores and copy it with one
// wide load (a store-forwarding stall on every `co_await tx.send(v)`); plain members are built
// in registers. An empty value (Unit) takes no byte.
template <class V, class E, bool kFlat = PlainValue<V> && PlainValue<E>>
struct ResultSlot {
  std::variant<V, E> v;
  template <size_t I, class X>
  ResultSlot(std::in_place_index_t<I> i, X&& x) : v(i, std::forward<X>(x)) {}
  size_t index() const { return v.index(); }
  template <size_t I>
  auto& get() {
    return std::get<I>(v);
  }
};
template <class V, class E>
struct ResultSlot<V, E, true> {
  [[no_unique_address]] V value{};
  E error{};
  bool is_err = false;
  ResultSlot(std::in_place_index_t<0>, V x) : value(x) {}
  ResultSlot(std::in_place_index_t<1>, E x) : error(x), is_err(true) {}
  size_t index() const { return is_err ? 1 : 0; }
  template <size_t I>
  auto& get() {
    if constexpr (I == 0) {
      return value;
    } else {
      return error;
    }
  }
};
}  // namespace detail

template <class T, class E>
class [[nodiscard]] Result {
 public:
  using Value = OutputOf<T>;
  using Error = E;

  Result(Value v) : v_(std::in_place_index<0>, std::move(v)) {}
  template <class U>
  requires std::is_convertible_v<U, Value> Result(Ok<U> ok)
      : v_(std::in_place_index<0>, std::move(ok.value)) {}
  template <class G>
  requires std::is_convertible_v<G, E> Result(Err<G> err)
      : v_(std::in_place_index<1>, std::move(err.error)) {}

  bool is_ok() const { return v_.index() == 0; }
  bool is_err() const { return v_.index() == 1; }
  explicit operator bool() const { return is_ok(); }

  Value& value() & { return checked<0>(); }
  Value&& value() && { return std::move(checked<0>()); }
  const Value& value() const& { return const_cast<Result*>(this)->checked<0>(); }
  E& error() & { return checked<1>(); }
  E&& error() && { return std::move(checked<1>()); }
  const E& error() const& { return const_cast<Result*>(this)->checked<1>(); }
  Value value_or(Value dflt) const& {
    return is_ok() ? const_cast<Result*>(this)->v_.template get<0>() : std::move(dflt);
  }

 private:
  template <size_t I>
  auto& checked() {
    if (v_.index() != I)
      throw BadResultAccess(I == 0 ? "Result::value() on an Err" : "Result::error() on an Ok");
    return v_.template get<I>();
  }
  detail::ResultSlot<Value, E> v_;
};

// IsResult detects Result<T, E>.
template <class R>
struct IsResult : std::false_type {};
template <class T, class E>
struct IsResult<Result<T, E>> : std::true_type {};

// A Result of plain values (a send's Result<Unit, SendError<int>>) is kept flat inside a Poll or a
// leaf's awaiter (poll.hpp: FlatRepr): the value, the error and which one, as three members.
// An empty value (Unit) takes no byte, so Result<Unit, SendError<int>> is {int, bool}: with a
// Poll's flag in its tail padding, one 8-byte word returned in a register.
template <class T, class E>
requires(PlainValue<OutputOf<T>> && PlainValue<E>)
struct FlatRepr<Result<T, E>> {
  static constexpr bool kFlat = true;
  [[no_unique_address]] OutputOf<T> v{};
  E e{};
  bool ok = true;
  static FlatRepr of(Result<T, E>&& r) {
    FlatRepr f;
    f.ok = r.is_ok();
    if (f.ok) {
      f.v = std::move(r).value();
    } else {
      f.e = std::move(r).error();
    }
    return f;
  }
  Result<T, E> get() const { return ok ? Result<T, E>(v) : Result<T, E>(Err<E>{e}); }
};

// TryResult marks a Result for `?`-style propagation: `co_await try_(expr)`.
template <class R>
struct TryResult {
  R result;
};
template <class T, class E>
TryResult<Result<T, E>> try_(Result<T, E> r) {
  return {std::move(r)};
}

}  // namespace as::future
