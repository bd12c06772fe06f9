// core/trace/recorder.cpp — per-thread chunked event buffers and the string table.
//
// Owns: every event recorded by a runtime, in one ThreadBuffer per writing OS thread, and the
// interned strings.
//
// Invariants:
//   - A ThreadBuffer is written by exactly one OS thread (its owner) and is a singly linked list of
//     Chunks. A Chunk is allocated once, never moved and never freed before the Recorder dies, so a
//     reader holding a Chunk pointer can never see freed memory.
//   - The owner fills event slot n of the tail chunk with plain stores, then publishes it with one
//     release store `count = n + 1`. A reader that acquire-loads `count` sees every slot below it
//     fully written. A full chunk (count == capacity) links its successor with a release store of
//     `next`, so readers walk chunks with acquire loads only — no locks on either side.
//   - Writers find their buffer through a small thread_local cache keyed by the Recorder's id. Ids
//     come from a global counter and are never reused, so a cache entry of a destroyed Recorder can
//     never match a live one, and several Recorders can be written by the same thread.
//   - Nothing observable depends on thread ids, pointer values or hash-map iteration order: string
//     ids are assigned in call order, buffers are indexed in registration order, and collect()
//     sorts by (ts, buffer index, order in buffer). A simulation on one OS thread is therefore
//     byte-for-byte reproducible.
//
// Why this shape: it is the design of Tracy's and Go's trace buffers reduced to its core — one
// writer per buffer makes the hot path a handful of stores, and never moving memory makes
// concurrent readers safe without reference counting.
#include "core/trace/recorder.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>

namespace as::trace {

namespace {

std::atomic<uint64_t> g_next_recorder_id{1};
std::atomic<uint64_t> g_next_thread_token{1};

// A process-unique token for the calling OS thread (never reused, unlike std::thread::id).
uint64_t this_thread_token() {
  thread_local const uint64_t token = g_next_thread_token.fetch_add(1, std::memory_order_relaxed);
  return token;
}

int64_t steady_now(void*) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t call_std_function_clock(void* context) {
  return (*static_cast<Recorder::Clock*>(context))();
}

constexpr size_t kFirstChunkEvents = 512;
constexpr size_t kMaxChunkEvents = 16384;

}  // namespace

// One block of events. `events` is allocated together with the header and never moves.
struct Chunk {
  explicit Chunk(size_t first_index, size_t cap)
      : begin(first_index), capacity(cap), events(new Event[cap]) {}
  const size_t begin;     // buffer index of events[0]
  const size_t capacity;  // slots in events
  std::atomic<size_t> count{0};
  std::atomic<Chunk*> next{nullptr};
  std::unique_ptr<Event[]> events;
};

struct Recorder::ThreadBuffer {
  explicit ThreadBuffer(uint64_t owner_token)
      : owner(owner_token), head(new Chunk(0, kFirstChunkEvents)), tail(head.get()) {
    tail_events = tail->events.get();
    tail_capacity = tail->capacity;
  }
  ~ThreadBuffer() {
    // Free the chain iteratively (a unique_ptr chain would recurse).
    Chunk* c = head.release();
    while (c != nullptr) {
      Chunk* n = c->next.load(std::memory_order_relaxed);
      delete c;
      c = n;
    }
  }

  // grow links a new, larger tail chunk. Owner thread only.
  void grow() {
    const size_t cap = std::min(tail_capacity * 2, kMaxChunkEvents);
    Chunk* c = new Chunk(tail->begin + tail_capacity, cap);
    tail->next.store(c, std::memory_order_release);
    tail = c;
    tail_events = c->events.get();
    tail_capacity = cap;
    tail_count = 0;
  }

  const uint64_t owner;         // this_thread_token() of the writer
  std::unique_ptr<Chunk> head;  // first chunk; the chain is owned through `next`

  // Writer-only state (touched by the owner thread only).
  Chunk* tail;
  Event* tail_events;
  size_t tail_capacity;
  size_t tail_count = 0;
  uint32_t next_seq = 0;
};

struct Recorder::StringTable {
  std::deque<std::string> by_id;  // stable storage: index = id
  std::unordered_map<std::string_view, StringId> ids;
  struct LocationKey {
    const char* file;
    const char* function;
    uint32_t line;
    bool operator==(const LocationKey&) const = default;
  };
  struct LocationHash {
    size_t operator()(const LocationKey& k) const {
      return std::hash<const void*>()(k.file) * 31 + std::hash<const void*>()(k.function) * 7 +
             k.line;
    }
  };
  // Cache of source_location → id, keyed by the compiler's string pointers (used only as keys).
  std::unordered_map<LocationKey, StringId, LocationHash> locations;
};

namespace {

// The thread_local cache: a few (recorder id → buffer) pairs, most recently used first.
struct CacheEntry {
  uint64_t recorder = 0;
  void* buffer = nullptr;
};
constexpr int kCacheEntries = 4;
thread_local CacheEntry t_cache[kCacheEntries];

}  // namespace

Recorder::Recorder()
    : clock_fn_(&steady_now),
      clock_ctx_(nullptr),
      id_(g_next_recorder_id.fetch_add(1, std::memory_order_relaxed)),
      strings_(std::make_unique<StringTable>()) {
  strings_->by_id.emplace_back();
  strings_->ids.emplace(std::string_view(strings_->by_id.front()), 0);
}

Recorder::~Recorder() = default;

void Recorder::set_clock(Clock clock) {
  clock_ = std::move(clock);
  if (clock_) {
    clock_fn_ = &call_std_function_clock;
    clock_ctx_ = &clock_;
  } else {
    clock_fn_ = &steady_now;
    clock_ctx_ = nullptr;
  }
}

void Recorder::set_clock(RawClockFn fn, void* context) {
  clock_ = nullptr;
  clock_fn_ = fn != nullptr ? fn : &steady_now;
  clock_ctx_ = fn != nullptr ? context : nullptr;
}

// ---- strings ------------------------------------------------------------------------------

StringId Recorder::intern(std::string_view s) {
  if (s.empty()) return 0;
  std::lock_guard lock(strings_mu_);
  auto it = strings_->ids.find(s);
  if (it != strings_->ids.end()) return it->second;
  const auto id = static_cast<StringId>(strings_->by_id.size());
  strings_->by_id.emplace_back(s);
  strings_->ids.emplace(std::string_view(strings_->by_id.back()), id);
  return id;
}

StringId Recorder::intern_location(const std::source_location& loc) {
  const StringTable::LocationKey key{loc.file_name(), loc.function_name(), loc.line()};
  {
    std::lock_guard lock(strings_mu_);
    auto it = strings_->locations.find(key);
    if (it != strings_->locations.end()) return it->second;
  }
  // Keep the last two path components: "dir/file.cpp".
  std::string_view file = loc.file_name();
  size_t cut = file.rfind('/');
  if (cut != std::string_view::npos && cut > 0) {
    const size_t prev = file.rfind('/', cut - 1);
    if (prev != std::string_view::npos) file.remove_prefix(prev + 1);
  }
  std::string text;
  text.reserve(file.size() + 16 + std::strlen(loc.function_name()));
  text.append(file);
  text += ':';
  text += std::to_string(loc.line());
  if (loc.function_name()[0] != '\0') {
    text += ' ';
    text += loc.function_name();
  }
  const StringId id = intern(text);
  std::lock_guard lock(strings_mu_);
  strings_->locations.emplace(key, id);
  return id;
}

std::string Recorder::string(StringId id) const {
  std::lock_guard lock(strings_mu_);
  return id < strings_->by_id.size() ? strings_->by_id[id] : std::string();
}

std::vector<std::string> Recorder::strings() const {
  std::lock_guard lock(strings_mu_);
  return {strings_->by_id.begin(), strings_->by_id.end()};
}

std::vector<std::string> Recorder::strings_range(size_t first, size_t end) const {
  std::lock_guard lock(strings_mu_);
  end = std::min(end, strings_->by_id.size());
  if (first >= end) return {};
  return {strings_->by_id.begin() + static_cast<std::ptrdiff_t>(first),
          strings_->by_id.begin() + static_cast<std::ptrdiff_t>(end)};
}

size_t Recorder::string_count() const {
  std::lock_guard lock(strings_mu_);
  return strings_->by_id.size();
}

// ---- writing ------------------------------------------------------------------------------

Recorder::ThreadBuffer& Recorder::local_buffer() {
  if (t_cache[0].recorder == id_) return *static_cast<ThreadBuffer*>(t_cache[0].buffer);
  for (int i = 1; i < kCacheEntries; ++i) {
    if (t_cache[i].recorder == id_) {
      const CacheEntry hit = t_cache[i];
      for (int j = i; j > 0; --j) t_cache[j] = t_cache[j - 1];
      t_cache[0] = hit;
      return *static_cast<ThreadBuffer*>(hit.buffer);
    }
  }
  // Slow path: find this thread's buffer (evicted from the cache) or register a new one.
  const uint64_t token = this_thread_token();
  ThreadBuffer* buffer = nullptr;
  {
    std::lock_guard lock(buffers_mu_);
    for (auto& b : buffers_)
      if (b->owner == token) buffer = b.get();
    if (buffer == nullptr) {
      buffers_.push_back(std::make_unique<ThreadBuffer>(token));
      buffer = buffers_.back().get();
    }
  }
  for (int j = kCacheEntries - 1; j > 0; --j) t_cache[j] = t_cache[j - 1];
  t_cache[0] = CacheEntry{id_, buffer};
  return *buffer;
}

void Recorder::emit(EventKind kind, WorkerId worker, TaskId task, uint64_t a0, uint64_t a1,
                    uint64_t a2, StringId loc) {
  emit_at(now(), kind, worker, task, a0, a1, a2, loc);
}

void Recorder::emit_at(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0,
                       uint64_t a1, uint64_t a2, StringId loc) {
  ThreadBuffer& b = local_buffer();
  if (b.tail_count == b.tail_capacity) b.grow();
  Event& e = b.tail_events[b.tail_count];
  e.ts = ts;
  e.kind = kind;
  e.worker = worker;
  e.task = task;
  e.loc = loc;
  e.seq = b.next_seq++;
  e.args[0] = a0;
  e.args[1] = a1;
  e.args[2] = a2;
  b.tail->count.store(++b.tail_count, std::memory_order_release);
}

// ---- reading ------------------------------------------------------------------------------

size_t Recorder::buffer_count() const {
  std::lock_guard lock(buffers_mu_);
  return buffers_.size();
}

size_t Recorder::poll(Cursor& cursor, std::vector<Event>& out) const {
  if (cursor.recorder != id_) cursor = Cursor{{}, {}, id_};
  const size_t before = out.size();
  std::lock_guard lock(buffers_mu_);
  for (size_t i = 0; i < buffers_.size(); ++i) {
    if (i >= cursor.read.size()) {
      cursor.read.push_back(0);
      cursor.chunk.push_back(buffers_[i]->head.get());
    }
    const Chunk* c = static_cast<const Chunk*>(cursor.chunk[i]);
    size_t read = cursor.read[i];
    for (;;) {
      const size_t count = c->count.load(std::memory_order_acquire);
      const size_t offset = read - c->begin;
      if (offset < count) {
        out.insert(out.end(), c->events.get() + offset, c->events.get() + count);
        read = c->begin + count;
      }
      if (count < c->capacity) break;
      const Chunk* next = c->next.load(std::memory_order_acquire);
      if (next == nullptr) break;
      c = next;
    }
    cursor.read[i] = read;
    cursor.chunk[i] = c;
  }
  return out.size() - before;
}

size_t Recorder::event_count() const {
  std::lock_guard lock(buffers_mu_);
  size_t total = 0;
  for (const auto& b : buffers_) {
    const Chunk* c = b->head.get();
    for (;;) {
      const size_t count = c->count.load(std::memory_order_acquire);
      if (count < c->capacity) {
        total += c->begin + count;
        break;
      }
      const Chunk* next = c->next.load(std::memory_order_acquire);
      if (next == nullptr) {
        total += c->begin + count;
        break;
      }
      c = next;
    }
  }
  return total;
}

std::vector<Event> Recorder::collect() const {
  std::vector<Event> events;
  Cursor cursor;
  poll(cursor, events);  // buffer by buffer, each in its own order
  const auto by_ts = [](const Event& a, const Event& b) { return a.ts < b.ts; };
  // Stable: equal timestamps keep (buffer index, order in buffer) — deterministic.
  if (!std::is_sorted(events.begin(), events.end(), by_ts))
    std::stable_sort(events.begin(), events.end(), by_ts);
  for (size_t i = 0; i < events.size(); ++i) events[i].seq = static_cast<uint32_t>(i);
  return events;
}

}  // namespace as::trace
