// core/future/poll.hpp — Poll<T>: the answer of every future's poll (Rust's std::task::Poll).
//
// Owns: the two-state result Ready(value) / Pending, and Unit (the output of a future that produces
// nothing, Rust's `()`), so that "void" futures share every code path with value futures.
//
// Invariants: a Pending Poll holds no value; taking the value of a Ready Poll leaves it Ready but
// moved-from (take is the one way to read it). A future that returns Pending must have stored the
// Waker of the Context it was polled with (see waker.hpp) — Poll itself cannot check that; the
// executor's lost-waker diagnostic does.
//
// Why: mirrors core::task::Poll. Poll is the whole interface between a future and its executor:
// the executor calls poll, the future answers "done, here is the value" or "not yet, I will wake
// you".
// Representation: a small value that has a FlatRepr (an int, a size_t, Unit, an optional<int>, a
// Result of those — see FlatRepr below) is kept as plain members, not in a std::optional. The
// union inside std::optional (and std::variant) stops g++ from keeping the object in registers:
// it builds one with narrow stores (the int, then the flag byte) on the stack and copies or
// returns it with one 8-byte load, which the CPU cannot forward from those stores — a
// store-forwarding stall (~12 cycles) on every hot leaf poll (a channel's recv and send, several
// per message). Plain members are built in registers and copied member by member.
#pragma once

#include <bit>
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

// FlatRepr<T>: how a small T is kept as plain members, without a union (see the file comment).
// A specialization has `static constexpr bool kFlat = true`, value-initialised members, and
//   static FlatRepr of(T&& v);   // the members of v
//   T get() const;               // a T rebuilt from them
// The primary template says "no flat form": such a T is kept in a std::optional.
template <class T, class = void>
struct FlatRepr {
  static constexpr bool kFlat = false;
};

// PlainValue: a type that is its own flat form — trivially copyable and trivially default
// constructible (scalars, Unit, small aggregates of them). std::optional and std::variant are not.
template <class T>
concept PlainValue =
    std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>;

template <PlainValue T>
struct FlatRepr<T> {
  static constexpr bool kFlat = true;
  T v{};
  static FlatRepr of(T&& x) { return FlatRepr{x}; }
  T get() const { return v; }
};

// optional<int> (a channel's recv output): the value and its flag as two members. get() builds
// the optional in a register where it can: libstdc++'s optional<U> of a scalar U is laid out as
// {U, bool} — exactly these two members — so a bit_cast of them is the optional, built with shifts
// and one 8-byte write instead of two narrow stores that the next 8-byte copy of it (the value of
// `co_await rx.recv()` stored in the coroutine frame) cannot forward. Where the sizes differ, the
// plain construction. tests/future/core_test.cpp checks both ways ("Poll keeps small values flat").
template <PlainValue U>
struct FlatRepr<std::optional<U>> {
  static constexpr bool kFlat = true;
  U v{};
  bool has = false;
  static FlatRepr of(std::optional<U>&& x) {
    FlatRepr r;
    if (x.has_value()) {
      r.v = *x;
      r.has = true;
    }
    return r;
  }
  std::optional<U> get() const {
    if constexpr (kSameLayout) {
      // From the members (a separate type, or g++ copies *this with one wide load — the very
      // stall this avoids, when a LeafOut's members were just stored).
      struct Members {
        U v;
        bool has;
      };
      return std::bit_cast<std::optional<U>>(Members{v, has});
    } else {
      return has ? std::optional<U>(v) : std::optional<U>();
    }
  }

 private:
  static constexpr bool kSameLayout = std::is_scalar_v<U> &&
                                      sizeof(std::optional<U>) == sizeof(FlatRepr) &&
                                      std::is_trivially_copyable_v<std::optional<U>>;
};

namespace detail {
// PollSlot: a Poll's value — a std::optional, or (kFlat) the flat members and a ready flag.
template <class T, bool kFlat = FlatRepr<T>::kFlat>
struct PollSlot {
  std::optional<T> v;
  PollSlot() = default;
  template <class U>
  explicit PollSlot(U&& x) : v(std::forward<U>(x)) {}
  bool ready() const { return v.has_value(); }
  T take() { return std::move(*v); }
};
// The flag sits in the flat members' tail padding ([[no_unique_address]]): a Poll<optional<int>>
// is one 8-byte word, which g++ builds and returns in a register.
template <class T>
struct PollSlot<T, true> {
  [[no_unique_address]] FlatRepr<T> flat;
  bool is_set = false;
  PollSlot() = default;
  explicit PollSlot(T&& x) : flat(FlatRepr<T>::of(std::move(x))), is_set(true) {}
  explicit PollSlot(const T& x) : PollSlot(T(x)) {}
  template <class U>
  explicit PollSlot(U&& x) : PollSlot(T(std::forward<U>(x))) {}
  bool ready() const { return is_set; }
  T take() { return flat.get(); }
};
}  // namespace detail

template <class T>
class [[nodiscard]] Poll {
 public:
  using Output = T;
  Poll(PendingTag) {}
  Poll(T value) : slot_(std::move(value)) {}
  template <class U>
  requires(std::is_convertible_v<U&&, T> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, PendingTag>) Poll(U&& value)
      : slot_(std::forward<U>(value)) {}

  bool is_ready() const { return slot_.ready(); }
  bool is_pending() const { return !slot_.ready(); }
  explicit operator bool() const { return is_ready(); }
  // take moves the value out; precondition is_ready().
  T take() { return slot_.take(); }

 private:
  detail::PollSlot<T> slot_;
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
