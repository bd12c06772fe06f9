// core/trace/recorder.hpp — where every runtime writes its trace events.
//
// Owns: the string table (interning) and one append-only buffer per writing OS thread.
//
// Hot path (emit): lock-free. Each OS thread appends to its own chunked buffer with plain stores
// and publishes with one release store of the chunk's count; no locks, no shared cache lines.
// Only a thread's first emit (buffer registration) and interning of a *new* string take a lock.
//
// Consumers (the app, the file sink, tests) may read while writers run: poll() returns the events
// published since the previous poll on that Cursor, in time order per writer thread. Events of
// different threads are not globally ordered by poll(); sort by (ts, seq) where it matters
// (collect() does). Chunks are never freed or moved while the Recorder lives, so readers never race
// with writers on memory.
//
// Timestamps come from the clock set with set_clock() — the platform's clock: virtual ns in the
// simulation, steady-clock ns on real threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/event.hpp"

namespace as::trace {

// Everything a trace file needs besides the events.
struct TraceMeta {
  std::string runtime = "asyncscope";  // e.g. "goroutines (sim, 4 procs)"
  ModelKind model = ModelKind::Goroutine;
  uint64_t seed = 0;
  uint32_t workers = 0;
  bool simulated = true;
};

namespace detail {
// The writer side of one thread's buffer: where the next event goes. Touched only by the owning
// thread; `published` is the tail chunk's count that readers acquire-load.
struct WriterState {
  Event* events = nullptr;  // tail chunk's slots
  size_t count = 0;         // slots of the tail chunk already written
  size_t capacity = 0;      // slots in the tail chunk
  std::atomic<size_t>* published = nullptr;
  uint32_t next_seq = 0;
};
// The calling thread's most recently used (recorder id, writer state): the whole hot-path lookup.
struct WriterCache {
  uint64_t recorder = 0;
  WriterState* state = nullptr;
};
inline thread_local WriterCache t_writer;
}  // namespace detail

class Recorder {
 public:
  using Clock = std::function<int64_t()>;
  // RawClock is the cheap form of a clock: a plain function pointer plus its context, called once
  // per event without std::function's extra indirection. Prefer it on hot runtimes.
  using RawClockFn = int64_t (*)(void* context);

  Recorder();  // uses steady_clock ns until set_clock()
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // set_clock replaces the clock (call before events are emitted from other threads).
  void set_clock(Clock clock);
  void set_clock(RawClockFn fn, void* context);
  int64_t now() const { return clock_fn_(clock_ctx_); }

  TraceMeta& meta() { return meta_; }
  const TraceMeta& meta() const { return meta_; }

  // intern returns a stable id for s (0 for the empty string). Thread-safe.
  StringId intern(std::string_view s);
  // intern_location returns the id of "file:line function" (file reduced to its last 2 components).
  StringId intern_location(const std::source_location& loc);
  // string returns the text of an interned id; ids from intern() are always valid.
  std::string string(StringId id) const;
  // strings returns a copy of the table (index = id). Thread-safe.
  std::vector<std::string> strings() const;
  size_t string_count() const;
  // strings_range copies ids [first, min(end, string_count())) — what a streaming sink needs.
  std::vector<std::string> strings_range(size_t first, size_t end) const;

  // reserve pre-allocates and pre-faults room for `events` more events of the calling thread, so
  // that emitting them later costs no allocation and no page fault (fresh memory otherwise costs
  // the kernel's page zeroing, a few ns per event). Call it from a writer thread before a
  // latency-sensitive phase, e.g. when a worker starts.
  void reserve(size_t events);

  // emit appends an event stamped with now(). Lock-free after the thread's first event. Event::seq
  // is set to the event's index in its writer's buffer (low 32 bits).
  void emit(EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
            uint64_t a2 = 0, StringId loc = 0) {
    emit_at(now(), kind, worker, task, a0, a1, a2, loc);
  }
  // emit_at appends an event with an explicit timestamp.
  // The fast path is inline: one thread_local compare, a bounds check, nine plain stores and one
  // release store. Everything else (first event of a thread, full chunk) is emit_slow().
  void emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0,
               uint64_t a1 = 0, uint64_t a2 = 0, StringId loc = 0) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if (w.count < w.capacity) [[likely]] {
        Event& e = w.events[w.count];
        e.ts = ts;
        e.kind = kind;
        e.worker = worker;
        e.task = task;
        e.loc = loc;
        e.seq = w.next_seq++;
        e.args[0] = a0;
        e.args[1] = a1;
        e.args[2] = a2;
        w.published->store(++w.count, std::memory_order_release);
        return;
      }
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc);
  }

  // Incremental reading. A Cursor remembers how far each writer buffer has been read.
  // A Cursor belongs to one Recorder (it resets itself if used with another one).
  struct Cursor {
    std::vector<size_t> read;        // per buffer: events already returned
    std::vector<const void*> chunk;  // per buffer: the chunk holding event read[i] (internal)
    uint64_t recorder = 0;           // id of the Recorder this cursor reads (internal)
  };
  // poll appends to out every event published since the last poll with this cursor and returns
  // how many it appended. Safe to call while writers run.
  size_t poll(Cursor& cursor, std::vector<Event>& out) const;
  // poll_buffers is poll() keeping writer threads apart: per_buffer[i] receives the new events of
  // buffer i (buffers are numbered in the order their threads first emitted).
  size_t poll_buffers(Cursor& cursor, std::vector<std::vector<Event>>& per_buffer) const;
  // collect returns all events so far, sorted by (ts, buffer index, order within the buffer), with
  // seq renumbered to the position in that order. For tests, exports and files.
  std::vector<Event> collect() const;
  // buffer_count is the number of writer threads that have emitted so far.
  size_t buffer_count() const;
  // event_count is the number of events published so far (all threads).
  size_t event_count() const;

 private:
  struct ThreadBuffer;
  ThreadBuffer& local_buffer();
  void sync_cursor(Cursor& cursor) const;  // buffers_mu_ held
  void emit_slow(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                 uint64_t a2, StringId loc);

  Clock clock_;  // owns a std::function clock; clock_fn_ calls it
  RawClockFn clock_fn_;
  void* clock_ctx_;
  TraceMeta meta_;
  uint64_t id_;  // distinguishes recorders in the thread-local buffer cache
  mutable std::mutex buffers_mu_;
  std::vector<std::unique_ptr<ThreadBuffer>> buffers_;
  mutable std::mutex strings_mu_;
  struct StringTable;
  std::unique_ptr<StringTable> strings_;
};

}  // namespace as::trace
