// tests/goroutine/chan_ring_test.cpp — the lock-free channel ring on its own (no runtime): its
// slot layout (a cache line per slot up to kPadMaxBytes, packed beyond) and FIFO, Full, Empty and
// Closed over several laps for many capacities and element sizes.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>

#include "core/goroutine/chan_ring.hpp"

using as::go::detail::ChanRing;
using as::go::detail::elem_ops;

namespace {

struct Three {  // 24 bytes: a slot that is not a power of two before rounding
  uint64_t a, b, c;
};
struct Big {  // larger than a cache line
  std::array<uint64_t, 10> v;
};

// check_layout: while the ring stays within kPadMaxBytes, every slot starts its own cache line
// (no two positions share one); a bigger ring keeps its slots packed.
void check_layout(const ChanRing& r, size_t cap, size_t elem_size) {
  constexpr size_t kLine = 64;
  INFO("cap " << cap << " element size " << elem_size << " stride " << r.slot_stride());
  if (cap * kLine <= ChanRing::kPadMaxBytes) {
    CHECK(r.slot_stride() >= kLine);
  } else if (elem_size + 8 <= kLine) {
    CHECK(r.slot_stride() < kLine);
  }
  CHECK(r.slot_stride() >= elem_size + 8);
}

template <class T, class Make, class Value>
void check_fifo_laps(size_t cap, Make make, Value value) {
  ChanRing r(elem_ops<T>(), cap);
  check_layout(r, cap, sizeof(T));
  uint64_t next_in = 0, next_out = 0;
  // Three laps and a half, alternately filling the ring completely and draining it in part.
  while (next_in < 3 * cap + cap / 2 + 1) {
    while (true) {
      T v = make(next_in);
      const auto res = r.try_push(&v);
      if (res == ChanRing::Result::Full) break;
      REQUIRE(res == ChanRing::Result::Ok);
      ++next_in;
    }
    REQUIRE(r.len() == cap);
    const uint64_t take = (cap + 1) / 2;
    for (uint64_t k = 0; k < take; ++k) {
      alignas(T) unsigned char out[sizeof(T)];
      REQUIRE(r.try_pop(out) == ChanRing::Result::Ok);
      T* p = reinterpret_cast<T*>(out);
      CHECK(value(*p) == value(make(next_out)));
      p->~T();
      ++next_out;
    }
  }
  r.close();
  T v = make(0);
  CHECK(r.try_push(&v) == ChanRing::Result::Closed);
  while (next_out < next_in) {
    alignas(T) unsigned char out[sizeof(T)];
    REQUIRE(r.try_pop(out) == ChanRing::Result::Ok);
    T* p = reinterpret_cast<T*>(out);
    CHECK(value(*p) == value(make(next_out)));
    p->~T();
    ++next_out;
  }
  alignas(T) unsigned char out[sizeof(T)];
  CHECK(r.try_pop(out) == ChanRing::Result::Closed);
}

}  // namespace

TEST_CASE("chan ring: slot layout and FIFO over laps, many capacities and sizes",
          "[goroutine][chan_ring]") {
  for (size_t cap : {1,  2,  3,  4,  5,   7,   8,    9,    15,   16,   17,   31,
                     33, 63, 64, 65, 100, 199, 1000, 1024, 1025, 4096, 4097, 5000}) {
    check_fifo_laps<char>(
        cap, [](uint64_t i) { return static_cast<char>(i); },
        [](char c) { return static_cast<uint64_t>(static_cast<unsigned char>(c)); });
    check_fifo_laps<int>(
        cap, [](uint64_t i) { return static_cast<int>(i); },
        [](int v) { return static_cast<uint64_t>(v); });
    check_fifo_laps<Three>(
        cap,
        [](uint64_t i) {
          return Three{i, ~i, i};
        },
        [](const Three& t) { return t.b == ~t.a ? t.a : ~uint64_t{0}; });
    check_fifo_laps<Big>(
        cap,
        [](uint64_t i) {
          Big b{};
          b.v[9] = i;
          return b;
        },
        [](const Big& b) { return b.v[9]; });
    check_fifo_laps<std::string>(
        cap, [](uint64_t i) { return std::string(40, 'x') + std::to_string(i); },
        [](const std::string& s) { return static_cast<uint64_t>(std::stoull(s.substr(40))); });
  }
}
