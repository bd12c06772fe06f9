// core/goroutine/runtime.cpp — go::Runtime and the goroutine-level free functions.
#include "core/goroutine/runtime.hpp"

#include "core/goroutine/gcache.hpp"
#include "core/goroutine/sched.hpp"
#include "core/goroutine/stackcache.hpp"
#include "core/goroutine/stack_report.hpp"

namespace as::go {

Runtime::Runtime(Config config) : config_(config) {
  if (config_.platform) {
    platform_ = config_.platform;
  } else {
    owned_platform_ = platform::make_platform(config_.real, config_.seed, config_.step);
    platform_ = owned_platform_.get();
  }
  if (config_.recorder) {
    platform_->attach_recorder(config_.recorder);
    auto& meta = config_.recorder->meta();
    meta.model = trace::ModelKind::Goroutine;
    meta.workers = static_cast<uint32_t>(config_.procs);
    meta.runtime = std::string("goroutines (") + (platform_->simulated() ? "sim" : "os") + ", " +
                   std::to_string(config_.procs) + " procs)";
  }
  detail::SchedConfig sc;
  sc.procs = config_.procs;
  sc.quantum_ns = config_.quantum.count();
  sc.stack_size = config_.stack_size;
  sc.check_stacks_every_park = config_.sample_stacks;
  sched_ = std::make_unique<detail::Sched>(*platform_, config_.recorder, sc);
}

Runtime::~Runtime() {
  sched_.reset();
  if (config_.recorder) platform_->attach_recorder(nullptr);
}

Exit Runtime::run(std::function<void()> main_fn, std::source_location loc) {
  detail::StackOverflowScope overflow(*sched_);
  sched_->run(std::move(main_fn), loc);
  return Exit{sched_->exit_code(), sched_->report()};
}

RuntimeStats Runtime::stats() const {
  RuntimeStats r;
  auto& s = sched_->stats();
  r.goroutines = s.goroutines.load();
  r.switches = sched_->switches();
  r.steals = s.steals.load();
  r.preemptions = s.preemptions.load();
  r.handoffs = s.handoffs.load();
  r.live_goroutines = sched_->live_goroutines();
  auto ps = sched_->stacks().stats();
  r.live_stacks = ps.live;
  r.pooled_stacks = ps.pooled;
  return r;
}

void spawn(std::string name, std::function<void()> fn, std::source_location loc) {
  detail::Sched& s = detail::sched();
  if (s.exiting()) throw detail::Unwind{};
  s.spawn(std::move(name), std::move(fn), loc);
}

void yield(std::source_location loc) {
  detail::Sched& s = detail::sched();
  s.yield(s.tracer().loc(loc));
}

void work(std::chrono::nanoseconds d, std::source_location loc) {
  detail::Sched& s = detail::sched();
  s.work(d.count(), s.tracer().loc(loc));
}

void preempt_point() {
  detail::sched().safe_point();
}

void syscall(std::string_view name, const std::function<void()>& fn, std::chrono::nanoseconds cost,
             std::source_location loc) {
  detail::Sched& s = detail::sched();
  s.syscall(name, cost.count(), fn, s.tracer().loc(loc));
}

void syscall(std::string_view name, std::chrono::nanoseconds cost, std::source_location loc) {
  detail::Sched& s = detail::sched();
  s.syscall(name, cost.count(), std::function<void()>(), s.tracer().loc(loc));
}

uint64_t goroutine_id() {
  detail::G* g = detail::current_g();
  return g ? g->id : 0;
}

uint64_t num_goroutine() {
  return detail::sched().live_goroutines();
}

int procs() {
  return detail::sched().config().procs;
}

size_t free_os_memory() {
  detail::release_stack_cache();
  return detail::release_g_cache();
}

}  // namespace as::go
