// core/trace/recorder.hpp — where every runtime writes its trace events.
//
// Owns: the string table (interning) and one append-only buffer per writing OS thread.
//
// Hot path (emit): lock-free. Each OS thread appends to its own chunked buffer with plain stores
// (events compactly encoded, 8–14 bytes each; see detail::) and publishes with one release store
// of the chunk's progress word; no locks, no shared cache lines.
// Only a thread's first emit (buffer registration) and interning of a *new* string take a lock.
//
// Consumers (the app, the file sink, tests) may read while writers run: poll() returns the events
// published since the previous poll on that Cursor, in time order per writer thread. Events of
// different threads are not globally ordered by poll(); sort by (ts, seq) where it matters
// (collect() does). Chunks are never freed or moved while the Recorder lives, so readers never race
// with writers on memory.
//
// Timestamps come from the clock set with set_clock() — the platform's clock: virtual ns in the
// simulation. Without one (real threads) they come from monotonic_ns(), the TSC-based clock the
// os platform uses too, read inline: a few ns instead of a vDSO clock_gettime per event.
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
#include "core/trace/monotonic_clock.hpp"

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
// Events are stored compactly, not as 48-byte Event slots: a real run emits tens of millions of
// events, and on these (virtual) machines every fresh page of trace memory costs a page fault and
// the kernel's zeroing — at 48 bytes per event that was most of the price of tracing. Encoding
// (per event, in this order):
//   head byte   kind (6 bits) | 0x40 if loc != 0 | 0x80 if worker differs from the previous event's
//   ts          zigzag LEB128 of ts - previous event's ts (the first event of a chunk: of ts - 0)
//   task        LEB128
//   worker      LEB128, only with 0x80
//   loc         LEB128, only with 0x40
//   a0, a1, a2  LEB128 each (a zero costs one byte)
// A typical scheduler event takes 8–14 bytes. Each chunk starts afresh (previous ts 0, previous
// worker kNoWorker), so any chunk decodes on its own.
inline constexpr size_t kMaxEncodedEvent = 64;  // ≥ 1 + 10 + 5 + 3 + 5 + 3 * 10
static_assert(kEventKindCount <= 64, "the head byte keeps 6 bits for the kind");

inline uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}
inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
// `published` packs (events << 32 | bytes) of the tail chunk, so one release store publishes both.
inline constexpr uint64_t pack_published(uint64_t events, uint64_t bytes) {
  return (events << 32) | bytes;
}

// The writer side of one thread's buffer: where the next event goes. Touched only by the owning
// thread; `published` is the tail chunk's progress word that readers acquire-load.
struct WriterState {
  uint8_t* pos = nullptr;    // next free byte of the tail chunk
  uint8_t* limit = nullptr;  // an event fits while pos <= limit (chunk end - kMaxEncodedEvent)
  uint8_t* base = nullptr;   // first byte of the tail chunk
  uint64_t events = 0;       // events in the tail chunk
  int64_t last_ts = 0;       // previous event's ts in this chunk (0 at a chunk's start)
  int64_t instant = 0;       // previous event's ts of this thread (not reset per chunk)
  WorkerId last_worker = kNoWorker;
  std::atomic<uint64_t>* published = nullptr;
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

  Recorder();  // uses monotonic_ns() until set_clock()
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // set_clock replaces the clock (call before events are emitted from other threads). An empty
  // Clock or a null RawClockFn restores the default, monotonic_ns().
  void set_clock(Clock clock);
  void set_clock(RawClockFn fn, void* context);
  int64_t now() const { return clock_fn_ != nullptr ? clock_fn_(clock_ctx_) : monotonic_ns(); }

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

  // reserve pre-allocates and pre-faults room for at least `events` more events of the calling
  // thread (at their largest encoding), so that emitting them later costs no allocation and no
  // page fault (fresh memory otherwise costs the kernel's page zeroing). Call it from a writer
  // thread before a latency-sensitive phase.
  void reserve(size_t events);

  // emit appends an event stamped with now(). Lock-free after the thread's first event. Event::seq
  // is set to the event's index in its writer's buffer (low 32 bits).
  void emit(EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0, uint64_t a1 = 0,
            uint64_t a2 = 0, StringId loc = 0) {
    emit_at(now(), kind, worker, task, a0, a1, a2, loc);
  }
  // emit_at appends an event with an explicit timestamp.
  // The fast path is inline: one thread_local compare, a bounds check, the encoding (see
  // detail:: above; a handful of byte stores) and one release store. Everything else (first event
  // of a thread, full chunk) is emit_slow().
  void emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0,
               uint64_t a1 = 0, uint64_t a2 = 0, StringId loc = 0) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if (w.pos <= w.limit) [[likely]] {
        encode(w, ts, kind, worker, task, a0, a1, a2, loc);
        return;
      }
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc);
  }
  // emit_same_time appends an event stamped with the time of the calling thread's previous event
  // on this recorder — no clock read. Reading the clock is the largest part of an event's cost
  // on real threads (rdtsc is ~11 ns on the virtual machines here), so a runtime reads it once
  // per scheduling operation and stamps that operation's follow-on events (the wake after a
  // channel send, a queue-length counter) with this. Falls back to now() for a thread's first
  // event.
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0,
                      uint64_t a1 = 0, uint64_t a2 = 0, StringId loc = 0) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if (w.pos <= w.limit) [[likely]] {
        encode(w, w.instant, kind, worker, task, a0, a1, a2, loc);
        return;
      }
      emit_slow(w.instant, kind, worker, task, a0, a1, a2, loc);
      return;
    }
    emit_slow(now(), kind, worker, task, a0, a1, a2, loc);
  }

  // Incremental reading. A Cursor remembers how far each writer buffer has been read.
  // A Cursor belongs to one Recorder (it resets itself if used with another one).
  struct Cursor {
    struct Position {
      const void* chunk = nullptr;  // the chunk being read
      size_t offset = 0;            // bytes of it already decoded
      uint64_t events = 0;          // events of it already returned
      int64_t last_ts = 0;          // decoding state at `offset`
      WorkerId last_worker = kNoWorker;
    };
    std::vector<Position> at;  // per buffer (internal)
    uint64_t recorder = 0;     // id of the Recorder this cursor reads (internal)
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
  static void encode(detail::WriterState& w, int64_t ts, EventKind kind, WorkerId worker,
                     TaskId task, uint64_t a0, uint64_t a1, uint64_t a2, StringId loc) {
    uint8_t* p = w.pos;
    const bool new_worker = worker != w.last_worker;
    *p++ = static_cast<uint8_t>(static_cast<unsigned>(kind) | (loc != 0 ? 0x40u : 0u) |
                                (new_worker ? 0x80u : 0u));
    p = detail::put_varint(p, detail::zigzag(ts - w.last_ts));
    w.last_ts = ts;
    w.instant = ts;
    p = detail::put_varint(p, task);
    if (new_worker) {
      p = detail::put_varint(p, worker);
      w.last_worker = worker;
    }
    if (loc != 0) p = detail::put_varint(p, loc);
    p = detail::put_varint(p, a0);
    p = detail::put_varint(p, a1);
    p = detail::put_varint(p, a2);
    w.pos = p;
    w.published->store(detail::pack_published(++w.events, static_cast<uint64_t>(p - w.base)),
                       std::memory_order_release);
  }

  Clock clock_;          // owns a std::function clock; clock_fn_ calls it
  RawClockFn clock_fn_;  // nullptr: monotonic_ns(), inline
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
