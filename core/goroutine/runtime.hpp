// core/goroutine/runtime.hpp — go::Runtime and the goroutine-level operations (the "go" keyword,
// runtime.Gosched, blocking syscalls, simulated CPU work).
//
// Usage, as close to Go as C++ allows:
//   go::Runtime rt(go::Config{.procs = 4});
//   go::Exit e = rt.run([&] {                       // func main()
//     go::Chan<int> ch(3);
//     go::spawn("producer", [&] { ch.send(1); ch.close(); });
//     for (int v : ch) use(v);
//   });
//   // e.code: 0, or 2 after a panic or a deadlock (e.report has Go's message)
//
// Owns: the runtime's lifetime (its platform, unless one is passed in, and its scheduler) and the
// program result. run() returns when main returns — other goroutines still parked or runnable at
// that moment are abandoned as in Go, then unwound at their park points so their destructors run.
//
// One rule Go does not have (C++ has no garbage collector): a goroutine that borrows main's locals
// through [&] must be done with them before main returns — wait for it (WaitGroup, a done
// channel), as every scenario does. After a panic or a deadlock main is still parked, and the
// goroutines are unwound newest first, main last, so borrowing is safe there.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>

#include "core/platform/platform.hpp"
#include "core/trace/recorder.hpp"

namespace as::platform {
class StepControl;
}

namespace as::go {

namespace detail {
class Sched;
}

struct Config {
  int procs = 2;                        // GOMAXPROCS
  bool real = false;                    // os platform (threads, epoll) instead of the simulation
  uint64_t seed = 1;                    // sim: seeds every choice; os: seeds the choosers
  trace::Recorder* recorder = nullptr;  // null: tracing off
  std::chrono::nanoseconds quantum = std::chrono::milliseconds(10);  // preemption time slice
  size_t stack_size = 256 * 1024;          // reserved per goroutine (committed lazily)
  platform::StepControl* step = nullptr;   // sim: single-stepping from a UI
  platform::Platform* platform = nullptr;  // use this platform instead of creating one
  bool sample_stacks = true;  // StackSample at park points (costs a mincore when depth changes)
};

// Exit is how the program ended: code 0, or 2 with Go's report text.
struct Exit {
  int code = 0;
  std::string report;
};

struct RuntimeStats {
  uint64_t goroutines = 0;  // created
  uint64_t switches = 0;    // goroutine starts
  uint64_t steals = 0;
  uint64_t preemptions = 0;
  uint64_t handoffs = 0;         // P hand-offs at syscalls
  uint64_t live_goroutines = 0;  // after run(): must be 0
  size_t live_stacks = 0;        // after run(): must be 0
  size_t pooled_stacks = 0;
};

class Runtime {
 public:
  explicit Runtime(Config config = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // run executes main_fn as goroutine 1 ("main") and returns how the program ended.
  Exit run(std::function<void()> main_fn,
           std::source_location loc = std::source_location::current());
  RuntimeStats stats() const;
  platform::Platform& platform() { return *platform_; }

 private:
  Config config_;
  std::unique_ptr<platform::Platform> owned_platform_;
  platform::Platform* platform_;
  std::unique_ptr<detail::Sched> sched_;
};

// spawn starts a goroutine (the `go` statement). name shows in traces and reports.
void spawn(std::string name, std::function<void()> fn,
           std::source_location loc = std::source_location::current());
inline void spawn(std::function<void()> fn,
                  std::source_location loc = std::source_location::current()) {
  spawn(std::string("goroutine"), std::move(fn), loc);
}
// yield is runtime.Gosched: let other goroutines run (this one goes to the global queue).
void yield(std::source_location loc = std::source_location::current());
// work is CPU work of the given duration: simulated (virtual time) in sim, spun for real on os.
// It is a preemption safe point: after a quantum the goroutine is preempted.
void work(std::chrono::nanoseconds d, std::source_location loc = std::source_location::current());
// preempt_point is a safe point without work (for tight loops).
void preempt_point();
// syscall runs a blocking call off the P: the P is handed to another M meanwhile
// (entersyscall/exitsyscall). fn runs on this goroutine's M; in the simulation fn must not block
// for real and cost models how long the call takes. Like a real system call, fn must not use
// goroutine operations (channels, spawn, sync, sleep): it runs without a P.
void syscall(std::string_view name, const std::function<void()>& fn,
             std::chrono::nanoseconds cost = std::chrono::nanoseconds(-1),
             std::source_location loc = std::source_location::current());
// syscall(name, cost) models a blocking call that takes `cost` (sim: virtual time; os: the M
// really sleeps), e.g. go::syscall("read", 2ms).
void syscall(std::string_view name, std::chrono::nanoseconds cost,
             std::source_location loc = std::source_location::current());
// goroutine_id is the running goroutine's id (1 = main).
uint64_t goroutine_id();
// num_goroutine is runtime.NumGoroutine().
uint64_t num_goroutine();
// procs is GOMAXPROCS.
int procs();
// free_os_memory is runtime/debug.FreeOSMemory: the records of dead goroutines, which the process
// keeps for later spawns (even across runtimes, as Go keeps dead gs), go back to the C heap, and
// the stack pool a finished runtime left for the next one is unmapped (stackcache.hpp).
// Callable anywhere; returns the number of records released.
size_t free_os_memory();

}  // namespace as::go
