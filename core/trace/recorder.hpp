// core/trace/recorder.hpp — where every runtime writes its trace events.
//
// Owns: the string table (interning) and one append-only buffer per writing OS thread.
//
// Hot path (emit): lock-free. Each OS thread appends to its own chunked buffer with plain stores
// (events compactly encoded, 10–16 bytes each; see detail::) and publishes with one release store
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
#include <bit>
#include <cstdint>
#include <cstring>
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

// FollowOn is an event that happens on the same worker at the same instant as the event it is
// written with, and is fully determined by that event plus (kind, task, a 16-bit argument): the
// TaskStart of the goroutine a parking one hands its M to, the TaskUnblock a channel send causes.
// emit_at(..., FollowOn) stores it inside the first event (~7 instructions instead of a whole
// event's ~60); readers get two ordinary events and never see the difference. Kinds and their
// arguments (see expand_follow_on in recorder.cpp):
//   TaskStart    task, a0 = arg ("from")
//   PollBegin    task
//   TaskUnblock  task, a0 = the first event's task, a1 = its worker, a2 = arg (reason and queue)
//   TaskDestroy  task, a0 = arg (reason)
//   FrameFree    task, a0 = arg (bytes; only frames under 64 KiB can ride along)
// Any other kind decodes as (kind, task, a0 = arg) too; the list says which ones mean something.
struct FollowOn {
  EventKind kind;
  TaskId task;
  uint16_t arg = 0;
};

namespace detail {
// Events are stored compactly, not as 48-byte Event slots: a real run emits tens of millions of
// events, and on these (virtual) machines every fresh page of trace memory costs a page fault and
// the kernel's zeroing — at 48 bytes per event that was most of the price of tracing. Encoding
// (per event, in this order):
//   kind        1 byte
//   lengths     4 bytes, little-endian: 4 bits per field below = its byte count (0..8)
//   fields      ts delta, task, worker, loc, a0, a1, a2, follow-on — each in its byte count of
//               little-endian bytes; a zero takes no bytes at all. The ts delta is zigzag-coded
//               ts - previous event's ts (the first event of a chunk: ts - 0).
// The writer stores every field with one unaligned 8-byte store and advances by its length (a
// count of leading zeros, no loop: a LEB128 varint loop cost ~80 instructions per event; this
// costs ~6 per non-zero field and ~3 per zero one). A typical scheduler event takes 10–16 bytes.
// Each chunk starts afresh (previous ts 0), so any chunk decodes on its own.
// The eighth field, when non-zero, is a second event packed into the first (see FollowOn): the
// reader returns two events, the writer paid for one header, one timestamp and one publish.
inline constexpr size_t kEventFields = 8;
inline constexpr size_t kEventHeader = 5;
// Room an event may need: its header, 8 bytes per field, and 7 bytes the last 8-byte store may
// write past the event's end.
inline constexpr size_t kMaxEncodedEvent = kEventHeader + 8 * kEventFields + 7;
static_assert(kEventKindCount <= 256, "the kind is one byte");

// byte_length is the number of little-endian bytes that hold v (0 for 0).
// (71 - leading zeros) / 8: 0 for 0 (64 leading zeros), 1 for 1..255, ..., 8 for the top bit set.
// No branch: with LZCNT (or ARM's CLZ) this is three instructions.
inline uint32_t byte_length(uint64_t v) {
  return static_cast<uint32_t>(71 - std::countl_zero(v)) >> 3;
}
// put_field stores v at p (8 bytes written, byte_length(v) kept) and returns its length.
inline uint32_t put_field(uint8_t*& p, uint64_t v) {
  std::memcpy(p, &v, sizeof v);
  const uint32_t n = byte_length(v);
  p += n;
  return n;
}
inline uint64_t pack_follow_on(const FollowOn& f) {
  return (static_cast<uint64_t>(f.kind) + 1) << 48 | static_cast<uint64_t>(f.arg) << 32 | f.task;
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
  // release_pooled_memory gives the chunk memory that dead Recorders left for reuse back to the
  // system; returns its size. For measurements that start "like a fresh program" (a memory
  // benchmark counts a trace's pages only when they are faulted in).
  static size_t release_pooled_memory();

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
    emit_fast<false, false>(ts, kind, worker, task, a0, a1, a2, loc, 0);
  }
  // emit_at with a FollowOn appends two events at ts: the first as given, then `then` (see
  // FollowOn), for the price of about one.
  void emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
               uint64_t a2, StringId loc, const FollowOn& then) {
    emit_fast<true, false>(ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then));
  }
  // emit_same_time appends an event stamped with the time of the calling thread's previous event
  // on this recorder — no clock read. Reading the clock is the largest part of an event's cost
  // on real threads (rdtsc is ~8 ns on the virtual machines here), so a runtime reads it once
  // per scheduling operation and stamps that operation's follow-on events (the wake after a
  // channel send, a queue-length counter) with this. Falls back to now() for a thread's first
  // event.
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0,
                      uint64_t a1 = 0, uint64_t a2 = 0, StringId loc = 0) {
    emit_fast<false, true>(0, kind, worker, task, a0, a1, a2, loc, 0);
  }
  // emit_same_time with a FollowOn: both events at the previous event's time (see both).
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                      uint64_t a2, StringId loc, const FollowOn& then) {
    emit_fast<true, true>(0, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then));
  }

  // Incremental reading. A Cursor remembers how far each writer buffer has been read.
  // A Cursor belongs to one Recorder (it resets itself if used with another one).
  struct Cursor {
    struct Position {
      const void* chunk = nullptr;  // the chunk being read
      size_t offset = 0;            // bytes of it already decoded
      uint64_t events = 0;          // events of it already returned
      int64_t last_ts = 0;          // decoding state at `offset`
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
  // emit_fast is the inline fast path of the emit forms: one thread_local compare, a bounds check,
  // the encoding. kFollow: `follow` is a packed FollowOn. kSameTime: ts is the thread's previous
  // event time on this recorder (now() for its first event), not the argument.
  template <bool kFollow, bool kSameTime>
  void emit_fast(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                 uint64_t a2, StringId loc, uint64_t follow) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if constexpr (kSameTime) ts = w.instant;
      if (w.pos <= w.limit) [[likely]] {
        encode<kFollow>(w, ts, kind, worker, task, a0, a1, a2, loc, follow);
        return;
      }
    } else if constexpr (kSameTime) {
      ts = now();
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc, follow);
  }
  void emit_slow(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                 uint64_t a2, StringId loc, uint64_t follow = 0);
  // encode writes one event; with kFollow, also the packed FollowOn `follow` (non-zero).
  template <bool kFollow = false>
  static void encode(detail::WriterState& w, int64_t ts, EventKind kind, WorkerId worker,
                     TaskId task, uint64_t a0, uint64_t a1, uint64_t a2, StringId loc,
                     uint64_t follow = 0) {
    uint8_t* const start = w.pos;
    uint8_t* p = start + detail::kEventHeader;
    uint32_t lengths = detail::put_field(p, detail::zigzag(ts - w.last_ts));
    lengths |= detail::put_field(p, task) << 4;
    lengths |= detail::put_field(p, worker) << 8;
    lengths |= detail::put_field(p, loc) << 12;
    lengths |= detail::put_field(p, a0) << 16;
    lengths |= detail::put_field(p, a1) << 20;
    lengths |= detail::put_field(p, a2) << 24;
    if constexpr (kFollow) lengths |= detail::put_field(p, follow) << 28;
    start[0] = static_cast<uint8_t>(kind);
    std::memcpy(start + 1, &lengths, sizeof lengths);
    w.last_ts = ts;
    w.instant = ts;
    w.pos = p;
    w.events += kFollow ? 2 : 1;
    w.published->store(detail::pack_published(w.events, static_cast<uint64_t>(p - w.base)),
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
