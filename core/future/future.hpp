// core/future/future.hpp — the Future concept (Rust's std::future::Future trait).
//
// A future is any object with `Poll<Output> poll(Context&)`. It does nothing until polled; after it
// returned Ready it must not be polled again; after its first poll it must not be moved (Rust's
// Pin: wakers and intrusive wait-list nodes may point into it). Hand-written leaf futures (sleep,
// recv, readable, yield_now...) implement poll as an explicit state machine; Task<T>
// (task/coroutine.hpp) lets the compiler write the state machine from a C++20 coroutine, and
// `co_await` accepts any Future.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>

#include "core/future/poll.hpp"
#include "core/future/waker.hpp"

namespace as::future {

template <class P>
struct IsPoll : std::false_type {};
template <class T>
struct IsPoll<Poll<T>> : std::true_type {};

template <class F>
concept Future = requires(F& f, Context& cx) {
  {f.poll(cx)};
  requires IsPoll<decltype(f.poll(cx))>::value;
};

// FutureOutput<F> is the T of F's Poll<T>.
template <Future F>
using FutureOutput = typename decltype(std::declval<F&>().poll(std::declval<Context&>()))::Output;

}  // namespace as::future
