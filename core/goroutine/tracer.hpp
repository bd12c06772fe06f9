// core/goroutine/tracer.hpp — the goroutine runtime's view of the Recorder.
//
// Owns: a null-safe emit (benchmarks with --no-trace run without a recorder) and interning of
// source locations. Every scheduler event goes through here so that "tracing off" costs one
// predictable branch per event.
//
// Timestamps: reading the clock (rdtsc, ~11 ns on the virtual machines here) costs more than
// writing an event. So the events of one scheduling operation share one clock read: the first
// calls now() and every event of the operation is written with emit_at(that time). "One
// operation" means no user code and no platform call between the events (a channel send and the
// wake-up it causes and the queue change that follows; a park and, on the handoff path, the next
// goroutine's start), so in the simulation, whose clock moves only in platform calls, the times
// are exactly what a clock read per event would give.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <source_location>
#include <string_view>
#include <type_traits>

#include "core/trace/recorder.hpp"

namespace as::go::detail {

class Tracer {
 public:
  explicit Tracer(trace::Recorder* rec) : rec_(rec), epoch_(next_epoch()) {}
  bool on() const { return rec_ != nullptr; }
  trace::Recorder* recorder() const { return rec_; }
  // now is the trace clock (only meaningful when on()).
  int64_t now() const { return rec_ ? rec_->now() : 0; }

  void emit(trace::EventKind kind, uint16_t worker, uint64_t task, uint64_t a0 = 0, uint64_t a1 = 0,
            uint64_t a2 = 0, trace::StringId loc = 0) {
    if (rec_) rec_->emit(kind, worker, static_cast<trace::TaskId>(task), a0, a1, a2, loc);
  }
  void emit_at(int64_t ts, trace::EventKind kind, uint16_t worker, uint64_t task, uint64_t a0 = 0,
               uint64_t a1 = 0, uint64_t a2 = 0, trace::StringId loc = 0) {
    if (rec_) rec_->emit_at(ts, kind, worker, static_cast<trace::TaskId>(task), a0, a1, a2, loc);
  }
  void emit_at(int64_t ts, trace::EventKind kind, uint16_t worker, uint64_t task, uint64_t a0,
               uint64_t a1, uint64_t a2, trace::StringId loc, const trace::FollowOn& then) {
    if (rec_)
      rec_->emit_at(ts, kind, worker, static_cast<trace::TaskId>(task), a0, a1, a2, loc, then);
  }
  trace::StringId intern(std::string_view s) { return rec_ ? rec_->intern(s) : 0; }
  // loc interns a call site. The Recorder takes a mutex per lookup; call sites are few and hot,
  // so a small per-thread direct-mapped cache keyed by (tracer epoch, call site) answers repeated
  // lookups without any lock.
  trace::StringId loc(const std::source_location& l) {
    if (!rec_) return 0;
    struct Entry {
      uint64_t epoch;
      uintptr_t site;
      trace::StringId id;
    };
    thread_local Entry cache[256] = {};
    const uintptr_t site = site_key(l);
    Entry& e = cache[(site ^ (site >> 8)) & 255];
    if (e.site == site && e.epoch == epoch_) return e.id;
    e = Entry{epoch_, site, rec_->intern_location(l)};
    return e.id;
  }

 private:
  // site_key identifies a call site. libstdc++'s source_location is one pointer to the call
  // site's static record, so that pointer is the key (one load instead of three accessors and a
  // hash); elsewhere the file name's address mixed with line and column.
  static uintptr_t site_key(const std::source_location& l) {
    if constexpr (sizeof(std::source_location) == sizeof(uintptr_t) &&
                  std::is_trivially_copyable_v<std::source_location>) {
      return std::bit_cast<uintptr_t>(l);
    } else {
      return reinterpret_cast<uintptr_t>(l.file_name()) ^ (uintptr_t{l.line()} << 40) ^
             (uintptr_t{l.column()} << 24);
    }
  }
  // Each Tracer gets a fresh epoch so a cache entry never outlives its Recorder's string table
  // (a new Recorder may reuse the address of a destroyed one).
  static uint64_t next_epoch() {
    static std::atomic<uint64_t> epoch{1};
    return epoch.fetch_add(1, std::memory_order_relaxed);
  }
  trace::Recorder* rec_;
  uint64_t epoch_;
};

}  // namespace as::go::detail
