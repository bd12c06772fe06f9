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
// event's ~60); readers get two ordinary events and never see the difference. A record may carry
// two (emit_at / emit_same_time with `then, and_then`): three events for one header and one time.
// Kinds and their arguments (see expand_follow_on in recorder.cpp):
//   TaskStart    task, a0 = arg ("from")
//   PollBegin    task
//   TaskUnblock  task, a0 = the first event's task, a1 = its worker, a2 = arg (reason and queue)
//   TaskDestroy  task, a0 = arg (reason)
//   FrameFree    task, a0 = arg (bytes; only frames under 64 KiB can ride along)
//   FrameAlloc   task, a0 = arg (bytes), usually `before` (the frame exists before the spawn)
//   ChanRecv     task, a0 = arg (the channel), a1 = 0 (len_after), a2 = 1 (ok): a receive that
//                took a value and left the queue empty (a future task's first step after the
//                PollBegin it rides with, see emit_at_open)
// Any other kind decodes as (kind, task, a0 = arg) too; the list says which ones mean something.
// `before`: readers get the follow-on ahead of the event it rides with (same instant, but the
// order is part of the story: a spawned task's frame is allocated before its TaskCreate).
struct FollowOn {
  EventKind kind;
  TaskId task;
  uint16_t arg = 0;
  bool before = false;
};

namespace detail {
// Events are stored compactly, not as 48-byte Event slots: a real run emits tens of millions of
// events, and on these (virtual) machines every fresh page of trace memory costs a page fault and
// the kernel's zeroing — at 48 bytes per event that was most of the price of tracing, and a parked
// task's events are part of what it costs to keep it (the idle_memory benchmark counts them).
// Encoding (per record, in this order):
//   kind        1 byte (bit 7: a second follow-on comes after the fields, see kSecondFollowOn)
//   lengths     4 bytes, little-endian: 4 bits per field below = its byte count (0..8)
//   fields      ts, task, worker, loc, a0, a1, a2, follow-on — each in its size of
//               little-endian bytes; a zero takes no bytes at all. Two fields are coded against
//               the previous record of the same chunk, because consecutive records mostly repeat
//               or step them:
//                 ts      zigzag(ts - previous ts)
//                 task    zigzag(task - previous task): task ids run into the hundreds of
//                         thousands (3 bytes) but a spawn loop, or a task's own poll, steps them
//                         by 0 or 1 (0 or 1 byte)
// The writer stores every field with one unaligned 8-byte store and advances by its length (a
// count of leading zeros, no loop: a LEB128 varint loop cost ~80 instructions per event; this
// costs ~7 per non-zero field and ~3 per zero one). A typical scheduler record takes 8-14 bytes.
// (3-bit size codes would save the fifth header byte but cost a table lookup per field: the
// writer's instructions are what tracing costs on every hot path, so they won.)
// Each chunk starts afresh (previous ts and task 0), so any chunk decodes on its own.
// The eighth field, when non-zero, is a second event packed into the first (see FollowOn):
// (kind + 1) | before << 7 | arg << 8 | zigzag(its task - the first event's task) << 24 — 1 byte
// for a follow-on about the same task with no argument. The reader returns two events; the writer
// paid for one header, one timestamp and one publish. A second follow-on may follow
// (kSecondFollowOn).
inline constexpr size_t kEventFields = 8;
inline constexpr size_t kEventHeader = 5;
// Bit 7 of the kind byte: a second follow-on comes after the fields, as one byte holding its
// length, then its bytes (a task's end writes FrameFree + TaskStop + TaskDestroy as one record).
inline constexpr uint32_t kSecondFollowOn = 0x80;
// Room a record may need: its header, 8 bytes per field, the second follow-on's length byte and
// 8 bytes, and 7 bytes the last 8-byte store may write past the record's end.
inline constexpr size_t kMaxEncodedEvent = kEventHeader + 8 * kEventFields + 1 + 8 + 7;
static_assert(kEventKindCount < 127, "a kind (+ 1) fits the 7 low bits of a byte");

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
inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t z) {
  return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
}
// follow_field is the stored form of a packed FollowOn written with an event about `task`.
inline uint64_t follow_field(uint64_t packed, uint64_t task) {
  const int64_t step = static_cast<int64_t>(packed >> 24) - static_cast<int64_t>(task);
  return (packed & 0xffffff) | zigzag(step) << 24;
}
// A FollowOn travels from emit to encode as (kind + 1) | before << 7 | arg << 8 | task << 24;
// encode replaces the task by its difference from the first event's task (see the encoding).
inline constexpr uint64_t kFollowOnBefore = 0x80;
inline uint64_t pack_follow_on(const FollowOn& f) {
  return (static_cast<uint64_t>(f.kind) + 1) | (f.before ? kFollowOnBefore : 0) |
         static_cast<uint64_t>(f.arg) << 8 | static_cast<uint64_t>(f.task) << 24;
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
  uint64_t last_task = 0;    // previous event's task in this chunk (0 at a chunk's start)
  std::atomic<uint64_t>* published = nullptr;
  // The open record (Recorder::emit_at_open): written but not published, and still open for a
  // second follow-on while it is the last record (open_end == pos: nothing written after it).
  uint8_t* open_start = nullptr;
  uint8_t* open_end = nullptr;
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
    emit_fast<0, false>(ts, kind, worker, task, a0, a1, a2, loc, 0, 0);
  }
  // emit_at with a FollowOn appends two events at ts: the first as given, then `then` (see
  // FollowOn), for the price of about one.
  void emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
               uint64_t a2, StringId loc, const FollowOn& then) {
    emit_fast<1, false>(ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then), 0);
  }
  // emit_at with two FollowOns appends three events at ts: the first, `then`, `and_then` (a
  // task's end: FrameFree, TaskStop, TaskDestroy), still one record.
  void emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
               uint64_t a2, StringId loc, const FollowOn& then, const FollowOn& and_then) {
    emit_fast<2, false>(ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then),
                        detail::pack_follow_on(and_then));
  }
  // emit_at_inlined is emit_at with one FollowOn whose encoding is inlined into the caller, so
  // that its constant arguments (a zero loc or a2) fold away and no 11-argument call is made: for
  // the hottest event site of a runtime only (a channel send that readies its receiver), since
  // every site pays the encoding's code size.
  [[gnu::always_inline]] void emit_at_inlined(int64_t ts, EventKind kind, WorkerId worker,
                                              TaskId task, uint64_t a0, uint64_t a1, uint64_t a2,
                                              StringId loc, const FollowOn& then) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if (w.pos <= w.limit) [[likely]] {
        encode_inline<1>(w, ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then),
                         0);
        return;
      }
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then), 0);
  }
  // emit_at_open is emit_at with one FollowOn, leaving the record open: it is not published until
  // the thread's next event on this recorder, which may be a second follow-on of the same instant
  // (add_follow_on) — a poll boundary's PollEnd + PollBegin, then the first thing the new poll
  // does (its receive). The caller must write that next event soon (run_task: the poll whose
  // PollBegin this is always ends with a PollEnd), or readers will not see the record.
  void emit_at_open(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0,
                    uint64_t a1, uint64_t a2, StringId loc, const FollowOn& then) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if (w.pos <= w.limit) [[likely]] {
        encode<1, true>(w, ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then),
                        0);
        return;
      }
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then), 0);
  }
  // add_follow_on packs `and_then` into the calling thread's open record as its second follow-on
  // and publishes it — if that record is still the thread's last one on this recorder and has
  // time `ts` (the follow-on's time: the same instant). False: it is not (published already, or
  // something was written after it); the caller writes its event itself.
  bool add_follow_on(int64_t ts, const FollowOn& and_then) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder != id_) return false;
    detail::WriterState& w = *c.state;
    if (w.open_end != w.pos || w.last_ts != ts) return false;
    // The record's fields end with its first follow-on: the second one's length byte and bytes
    // go right after them (the layout encode<2> writes); room was checked for it (kMaxEncodedEvent).
    uint8_t* p = w.pos;
    uint8_t* const length_at = p++;
    *length_at = static_cast<uint8_t>(
        detail::put_field(p, detail::follow_field(detail::pack_follow_on(and_then), w.last_task)));
    *w.open_start |= static_cast<uint8_t>(detail::kSecondFollowOn);
    w.open_end = nullptr;
    w.pos = p;
    w.events += 1;
    w.published->store(detail::pack_published(w.events, static_cast<uint64_t>(p - w.base)),
                       std::memory_order_release);
    return true;
  }
  // emit_same_time appends an event stamped with the time of the calling thread's previous event
  // on this recorder — no clock read. Reading the clock is the largest part of an event's cost
  // on real threads (rdtsc is ~8 ns on the virtual machines here), so a runtime reads it once
  // per scheduling operation and stamps that operation's follow-on events (the wake after a
  // channel send, a queue-length counter) with this. Falls back to now() for a thread's first
  // event.
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0 = 0,
                      uint64_t a1 = 0, uint64_t a2 = 0, StringId loc = 0) {
    emit_fast<0, true>(0, kind, worker, task, a0, a1, a2, loc, 0, 0);
  }
  // emit_same_time with a FollowOn: both events at the previous event's time (see both).
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                      uint64_t a2, StringId loc, const FollowOn& then) {
    emit_fast<1, true>(0, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then), 0);
  }
  // emit_same_time with two FollowOns: three events at the previous event's time, one record.
  void emit_same_time(EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                      uint64_t a2, StringId loc, const FollowOn& then, const FollowOn& and_then) {
    emit_fast<2, true>(0, kind, worker, task, a0, a1, a2, loc, detail::pack_follow_on(then),
                       detail::pack_follow_on(and_then));
  }

  // Incremental reading. A Cursor remembers how far each writer buffer has been read.
  // A Cursor belongs to one Recorder (it resets itself if used with another one).
  struct Cursor {
    struct Position {
      const void* chunk = nullptr;  // the chunk being read
      size_t offset = 0;            // bytes of it already decoded
      uint64_t events = 0;          // events of it already returned
      int64_t last_ts = 0;          // decoding state at `offset`: previous ts,
      uint64_t last_task = 0;       //   and previous task
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
  // encoded_bytes is the size of those events as stored (see detail::): what tracing costs in
  // memory, without the chunks' unused tails.
  size_t encoded_bytes() const;

 private:
  struct ThreadBuffer;
  ThreadBuffer& local_buffer();
  void sync_cursor(Cursor& cursor) const;  // buffers_mu_ held
  // emit_fast is the inline fast path of the emit forms: one thread_local compare, a bounds check,
  // the encoding. kFollows: how many of `follow`, `follow2` are packed FollowOns (0..2).
  // kSameTime: ts is the thread's previous event time on this recorder (now() for its first
  // event), not the argument.
  template <int kFollows, bool kSameTime>
  [[gnu::always_inline]] void emit_fast(int64_t ts, EventKind kind, WorkerId worker, TaskId task,
                                        uint64_t a0, uint64_t a1, uint64_t a2, StringId loc,
                                        uint64_t follow, uint64_t follow2) {
    const detail::WriterCache& c = detail::t_writer;
    if (c.recorder == id_) [[likely]] {
      detail::WriterState& w = *c.state;
      if constexpr (kSameTime) ts = w.instant;
      if (w.pos <= w.limit) [[likely]] {
        encode<kFollows>(w, ts, kind, worker, task, a0, a1, a2, loc, follow, follow2);
        return;
      }
    } else if constexpr (kSameTime) {
      ts = now();
    }
    emit_slow(ts, kind, worker, task, a0, a1, a2, loc, follow, follow2);
  }
  void emit_slow(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                 uint64_t a2, StringId loc, uint64_t follow, uint64_t follow2);
  // encode writes one record: the event, then kFollows packed FollowOns (`follow`, `follow2`).
  // kOpen: leave it unpublished and open for a second follow-on (emit_at_open; kFollows == 1).
  // encode is left to the compiler to inline or not (most emit sites call one shared copy);
  // encode_inline is the same, always inlined (emit_at_inlined).
  template <int kFollows, bool kOpen = false>
  static void encode(detail::WriterState& w, int64_t ts, EventKind kind, WorkerId worker,
                     TaskId task, uint64_t a0, uint64_t a1, uint64_t a2, StringId loc,
                     uint64_t follow, uint64_t follow2) {
    encode_inline<kFollows, kOpen>(w, ts, kind, worker, task, a0, a1, a2, loc, follow, follow2);
  }
  template <int kFollows, bool kOpen = false>
  [[gnu::always_inline]] static void encode_inline(detail::WriterState& w, int64_t ts,
                                                   EventKind kind, WorkerId worker, TaskId task,
                                                   uint64_t a0, uint64_t a1, uint64_t a2,
                                                   StringId loc, uint64_t follow,
                                                   uint64_t follow2) {
    uint8_t* const start = w.pos;
    uint8_t* p = start + detail::kEventHeader;
    const uint64_t task_step =
        detail::zigzag(static_cast<int64_t>(task) - static_cast<int64_t>(w.last_task));
    uint32_t lengths = detail::put_field(p, detail::zigzag(ts - w.last_ts));
    lengths |= detail::put_field(p, task_step) << 4;
    lengths |= detail::put_field(p, worker) << 8;
    lengths |= detail::put_field(p, loc) << 12;
    lengths |= detail::put_field(p, a0) << 16;
    lengths |= detail::put_field(p, a1) << 20;
    lengths |= detail::put_field(p, a2) << 24;
    if constexpr (kFollows >= 1)
      lengths |= detail::put_field(p, detail::follow_field(follow, task)) << 28;
    uint32_t kind_byte = static_cast<uint32_t>(kind);
    if constexpr (kFollows == 2) {
      kind_byte |= detail::kSecondFollowOn;
      uint8_t* const length_at = p++;
      *length_at = static_cast<uint8_t>(detail::put_field(p, detail::follow_field(follow2, task)));
    }
    start[0] = static_cast<uint8_t>(kind_byte);
    std::memcpy(start + 1, &lengths, sizeof lengths);
    w.last_ts = ts;
    w.instant = ts;
    w.last_task = task;
    w.pos = p;
    w.events += 1 + kFollows;
    if constexpr (kOpen) {
      static_assert(kFollows == 1, "an open record has room for exactly one more follow-on");
      w.open_start = start;
      w.open_end = p;
      return;  // published by the thread's next record (or add_follow_on)
    }
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
