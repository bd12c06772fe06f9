// core/fiber/stack_overflow.cpp — SIGSEGV/SIGBUS on a fiber's guard page → a clear report.
//
// Everything here runs in a signal handler or sets one up. The handler uses only async-signal-
// safe calls (write, _exit, sigaction) plus reads of the running fiber's fields.
#include "core/fiber/stack_overflow.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "core/fiber/fiber.hpp"

namespace as::fiber {
namespace detail {
const Fiber* running_fiber();  // fiber.cpp
}

namespace {

std::atomic<StackOverflowHandler> g_handler{nullptr};
std::once_flag g_install_once;
struct sigaction g_old_segv;
struct sigaction g_old_bus;

// A fault this far below the guard still counts as an overflow when the stack pointer is there
// too (a big frame can jump over a one-page guard).
constexpr size_t kBelowGuardSlack = 64 * 1024;

void write_str(const char* s) {
  ssize_t ignored = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)ignored;
}

void write_u64(uint64_t v) {
  char buf[24];
  int i = sizeof buf;
  buf[--i] = '\0';
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > 0);
  write_str(buf + i);
}

const void* interrupted_sp([[maybe_unused]] void* ucontext) {
#if defined(__x86_64__)
  return reinterpret_cast<const void*>(
      static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return reinterpret_cast<const void*>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.sp);
#else
  return nullptr;
#endif
}

bool is_overflow(const Fiber& f, const void* addr, const void* sp) {
  const Stack& s = f.stack();
  if (!s.valid()) return false;
  if (s.in_guard(addr)) return true;
  const char* p = static_cast<const char*>(sp);
  return p != nullptr && p < s.limit() && p + kBelowGuardSlack >= s.base();
}

void forward_to_previous(int sig, siginfo_t* info, void* ucontext) {
  const struct sigaction& old = sig == SIGBUS ? g_old_bus : g_old_segv;
  if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction != nullptr) {
    old.sa_sigaction(sig, info, ucontext);
    return;
  }
  if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN && old.sa_handler != nullptr) {
    old.sa_handler(sig);
    return;
  }
  // Default action: restore it and return; the faulting instruction runs again and the process
  // dies of the original signal (with a core dump if enabled), as without us.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

void on_fault(int sig, siginfo_t* info, void* ucontext) {
  const Fiber* f = detail::running_fiber();
  if (f == nullptr || f->is_main() || !is_overflow(*f, info->si_addr, interrupted_sp(ucontext))) {
    forward_to_previous(sig, info, ucontext);
    return;
  }
  StackOverflowInfo report;
  report.fiber = f;
  report.fiber_name = f->name().c_str();
  report.tag = f->tag();
  report.user = f->user();
  report.fault_address = info->si_addr;
  report.reserved_bytes = f->stack().reserved_bytes();
  if (StackOverflowHandler handler = g_handler.load(std::memory_order_acquire)) handler(report);
  write_str("fatal error: stack overflow in fiber '");
  write_str(report.fiber_name);
  write_str("' (tag ");
  write_u64(report.tag);
  write_str(", stack ");
  write_u64(report.reserved_bytes);
  write_str(" bytes)\n");
  _exit(2);
}

// AltStack — this thread's alternate signal stack, released at thread exit.
struct AltStack {
  void* memory = nullptr;
  size_t size = 0;
  ~AltStack() {
    if (memory == nullptr) return;
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory, size);
  }
};
thread_local AltStack t_altstack;
thread_local bool t_prepared = false;

// install_handler makes on_fault the handler of sig unless it already is, remembering the
// previous one for faults that are not ours. Other code (test frameworks, sanitizers) may install
// its own handler after us; set_stack_overflow_handler() re-installs ours on top of it.
void install_handler(int sig, struct sigaction* previous) {
  struct sigaction current {};
  sigaction(sig, nullptr, &current);
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_fault) return;
  struct sigaction sa {};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, previous);
}

std::mutex g_install_mu;

}  // namespace

void install_stack_overflow_detection() {
  std::call_once(g_install_once, [] {
    std::lock_guard lock(g_install_mu);
    install_handler(SIGSEGV, &g_old_segv);
    install_handler(SIGBUS, &g_old_bus);
  });
}

void set_stack_overflow_handler(StackOverflowHandler handler) {
  g_handler.store(handler, std::memory_order_release);
  std::lock_guard lock(g_install_mu);
  install_handler(SIGSEGV, &g_old_segv);
  install_handler(SIGBUS, &g_old_bus);
}

void prepare_thread_for_fibers() {
  if (t_prepared) return;
  t_prepared = true;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) {
    return;  // the thread already has one (e.g. installed by a sanitizer): share it
  }
  const size_t size = std::max<size_t>(64 * 1024, static_cast<size_t>(SIGSTKSZ));
  void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return;  // no altstack: overflow reports degrade to a plain crash
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = size;
  if (sigaltstack(&ss, nullptr) != 0) {
    munmap(mem, size);
    return;
  }
  t_altstack.memory = mem;
  t_altstack.size = size;
}

}  // namespace as::fiber
