// core/goroutine/select.hpp — go::select over send/receive cases with optional default (select.go).
//
// Usage, like Go's select statement:
//   go::select(go::recv(ch, [&](int v, bool ok) { ... }),
//              go::send(out, x, [&] { ... }),
//              go::default_case([&] { ... }));   // optional
// Exactly one case runs; select returns its index (default = the number of channel cases).
//
// The algorithm is selectgo's three passes:
//   1. poll every case in a uniformly random order (the permutation comes from the platform's
//      seeded chooser, so the simulation is reproducible); the first ready case wins — that is
//      what makes the choice among ready cases uniform;
//   2. if none is ready and there is a default, take it; else enqueue a sudog on every channel
//      (locked in address order, so two selects cannot deadlock on each other's locks) and park;
//   3. once woken by one channel, dequeue the sudogs from all the others.
// A buffered channel shared between Ps (chan.cpp's lock-free ring) adds two steps: after pass 2
// queued the sudogs, select announces itself on each such channel and settles it, taking a value
// or slot that a lock-free operation left there just before it could see the waiter (so select
// may not park at all); and a select woken with sudog.retry (a channel won it but lost the value
// to such an operation) goes back to pass 1.
// A select with no cases blocks forever (`select {}`); nil channels in cases are never ready.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

#include "core/goroutine/chan.hpp"

namespace as::go {

namespace detail {

enum class CaseKind : uint8_t { Send, Recv };

// One case as seen by selectgo: a channel, a direction and an element slot.
struct ScaseRaw {
  HChan* c = nullptr;
  CaseKind kind = CaseKind::Recv;
  void* elem = nullptr;  // send: the value; recv: raw storage for the received value
};

// selectgo returns the index of the chosen case, or -1 for default (only if has_default); for a
// receive, *recv_ok says whether a value was received (false: closed, slot holds the zero value).
int selectgo(ScaseRaw* cases, int n, bool has_default, bool* recv_ok,
             const std::source_location& loc);

}  // namespace detail

// Case types built by go::recv / go::send / go::default_case.
// Each case remembers where it was written; select records the first case's location.
// Cases hold a Chan handle (a shared reference, like a Go channel value), so a temporary such as
// go::after(d) can be a case.
template <class T, class F>
struct RecvCase {
  Chan<T> ch;
  F fn;  // void(T value, bool ok)
  std::source_location loc;
  alignas(T) unsigned char slot[sizeof(T)];
};
template <class T, class F>
struct SendCase {
  Chan<T> ch;
  T value;
  F fn;  // void()
  std::source_location loc;
};
template <class F>
struct DefaultCase {
  F fn;
  std::source_location loc;
};

template <class T, class F>
RecvCase<T, F> recv(const Chan<T>& ch, F fn,
                    std::source_location loc = std::source_location::current()) {
  return RecvCase<T, F>{ch, std::move(fn), loc, {}};
}
template <class T, class F>
SendCase<T, F> send(const Chan<T>& ch, std::type_identity_t<T> value, F fn,
                    std::source_location loc = std::source_location::current()) {
  return SendCase<T, F>{ch, std::move(value), std::move(fn), loc};
}
template <class F>
DefaultCase<F> default_case(F fn, std::source_location loc = std::source_location::current()) {
  return DefaultCase<F>{std::move(fn), loc};
}
inline auto default_case(std::source_location loc = std::source_location::current()) {
  return default_case([] {}, loc);
}

namespace detail {
template <class C>
struct CaseTraits {
  static constexpr bool is_default = false;
};
template <class F>
struct CaseTraits<DefaultCase<F>> {
  static constexpr bool is_default = true;
};

template <class T, class F>
void fill(ScaseRaw& s, RecvCase<T, F>& c) {
  s = ScaseRaw{c.ch.raw(), CaseKind::Recv, c.slot};
}
template <class T, class F>
void fill(ScaseRaw& s, SendCase<T, F>& c) {
  s = ScaseRaw{c.ch.raw(), CaseKind::Send, &c.value};
}
template <class T, class F>
void run_case(RecvCase<T, F>& c, bool ok) {
  T* p = std::launder(reinterpret_cast<T*>(c.slot));
  T v = std::move(*p);
  p->~T();
  c.fn(std::move(v), ok);
}
template <class T, class F>
void run_case(SendCase<T, F>& c, bool) {
  c.fn();
}
}  // namespace detail

// select runs exactly one ready case (see the file comment) and returns its index.
template <class... Cases>
int select(Cases&&... cases) {
  static_assert(sizeof...(Cases) > 0, "select with no cases: use go::block_forever()");
  const std::source_location loc = std::get<0>(std::forward_as_tuple(cases...)).loc;
  constexpr int n_default =
      (0 + ... + (detail::CaseTraits<std::decay_t<Cases>>::is_default ? 1 : 0));
  static_assert(n_default <= 1, "select: at most one default case");
  constexpr int n = static_cast<int>(sizeof...(Cases)) - n_default;
  std::array<detail::ScaseRaw, n == 0 ? 1 : n> raw{};
  int i = 0;
  auto fill_one = [&](auto& c) {
    if constexpr (!detail::CaseTraits<std::decay_t<decltype(c)>>::is_default)
      detail::fill(raw[static_cast<size_t>(i++)], c);
  };
  (fill_one(cases), ...);
  bool ok = false;
  const int chosen = detail::selectgo(raw.data(), n, n_default == 1, &ok, loc);
  int j = 0;
  auto run_one = [&](auto& c) {
    if constexpr (detail::CaseTraits<std::decay_t<decltype(c)>>::is_default) {
      if (chosen < 0) c.fn();
    } else {
      if (j++ == chosen) detail::run_case(c, ok);
    }
  };
  (run_one(cases), ...);
  return chosen < 0 ? n : chosen;
}

// block_forever is `select {}`.
[[noreturn]] void block_forever(std::source_location loc = std::source_location::current());

}  // namespace as::go
