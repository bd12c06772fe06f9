// core/goroutine/time.hpp — go::sleep, go::after, go::Ticker, go::now (package time).
//
// Owns: the user-facing timer API over the runtime's timer heap (timers.hpp).
//   sleep(d)    parks the goroutine on a timer (reason Sleep); the M that runs timers readies it.
//   after(d)    a channel of capacity 1 that receives the time once, d from now (time.After).
//   Ticker      a channel of capacity 1 that receives the time every period; ticks that nobody
//               took are dropped, like time.Ticker. stop() (or the destructor) disarms it.
// Times are nanoseconds on the platform clock: virtual in the simulation, steady on os.
#pragma once

#include <chrono>
#include <cstdint>
#include <source_location>

#include "core/goroutine/chan.hpp"
#include "core/goroutine/timers.hpp"

namespace as::go {

using Duration = std::chrono::nanoseconds;

// now returns the runtime's clock in ns.
int64_t now();
void sleep(Duration d, std::source_location loc = std::source_location::current());
Chan<int64_t> after(Duration d, std::source_location loc = std::source_location::current());

class Ticker {
 public:
  explicit Ticker(Duration period, std::source_location loc = std::source_location::current());
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  Chan<int64_t>& chan() { return c_; }
  void stop();

 private:
  Chan<int64_t> c_;
  detail::Timer timer_;
};

}  // namespace as::go
