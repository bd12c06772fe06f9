// core/trace/recorder.cpp — per-thread chunked event buffers and the string table.
//
// Owns: every event recorded by a runtime, in one ThreadBuffer per writing OS thread, and the
// interned strings.
//
// Invariants:
//   - A ThreadBuffer is written by exactly one OS thread (its owner) and is a singly linked list of
//     Chunks of encoded events (format: recorder.hpp, detail::). A Chunk is allocated once, never
//     moved and never freed before the Recorder dies, so a reader holding a Chunk pointer can never
//     see freed memory.
//   - The owner encodes an event at the tail chunk's free bytes with plain stores, then publishes
//     it with one release store of the chunk's progress word (events << 32 | bytes). A reader that
//     acquire-loads the word sees every byte below it fully written. When an event might not fit,
//     the owner links a successor (release store of `next`, unless reserve() linked one ahead of
//     time) and then sets the kClosed bit of the progress word; readers follow `next` only from a
//     closed chunk they have read to its end — no locks on either side.
//   - Writers find their buffer through thread_local caches keyed by the Recorder's id: the inline
//     detail::t_writer (most recent recorder: the whole hot-path lookup) and a 4-entry cache here
//     for threads that alternate between recorders. Ids come from a global counter and are never
//     reused, so an entry of a destroyed Recorder can never match a live one.
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
#include <cstring>
#include <deque>
#include <new>
#include <string>
#include <unordered_map>

#include <sys/mman.h>

namespace as::trace {

namespace {

std::atomic<uint64_t> g_next_recorder_id{1};
std::atomic<uint64_t> g_next_thread_token{1};

// A process-unique token for the calling OS thread (never reused, unlike std::thread::id).
uint64_t this_thread_token() {
  thread_local const uint64_t token = g_next_thread_token.fetch_add(1, std::memory_order_relaxed);
  return token;
}

int64_t call_std_function_clock(void* context) {
  return (*static_cast<Recorder::Clock*>(context))();
}

constexpr size_t kFirstChunkBytes = size_t{16} << 10;
// The largest chunk is one 2 MiB huge page (~170,000 typical events).
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kMaxChunkBytes = kHugePage;
constexpr size_t kMmapBytes = size_t{256} << 10;  // chunks this large come from mmap
// Set in a chunk's progress word once its writer has moved on to the next chunk.
constexpr uint64_t kClosed = uint64_t{1} << 63;
constexpr uint64_t kBytesMask = 0xffffffffu;
constexpr uint64_t kEventsMask = ~kClosed >> 32;

// Event storage. Large chunks are mapped 2 MiB-aligned and advised as huge pages, so filling
// them costs one page fault per 2 MiB; small ones come from new. The memory is left
// uninitialised: every byte is written before it is published.
uint8_t* map_huge(size_t bytes) {
  const size_t mapped = bytes + kHugePage;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  const auto base = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (base + kHugePage - 1) & ~(kHugePage - 1);
  const size_t length = (bytes + 4095) & ~size_t{4095};
  if (aligned > base) ::munmap(p, aligned - base);
  const uintptr_t tail = aligned + length;
  if (base + mapped > tail) ::munmap(reinterpret_cast<void*>(tail), base + mapped - tail);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<uint8_t*>(aligned);
}

// Full-size chunk memory of dead Recorders, kept mapped for the next one. A fresh page costs a
// fault and the kernel's zeroing (on these virtual machines ~0.5 ns per byte — as much as
// encoding the event); the app runs scenario after scenario in one process, each with a new
// Recorder, so reusing warm memory is the common case. Bounded: beyond kMaxPooled chunks
// (256 MiB) memory goes back to the system.
class ChunkMemoryPool {
 public:
  uint8_t* take() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return nullptr;
    uint8_t* p = free_.back();
    free_.pop_back();
    return p;
  }
  bool give(uint8_t* p) {
    std::lock_guard lock(mu_);
    if (free_.size() >= kMaxPooled) return false;
    free_.push_back(p);
    return true;
  }
  // release unmaps every pooled chunk (of kMaxChunkBytes); returns the bytes given back.
  size_t release() {
    std::lock_guard lock(mu_);
    const size_t bytes = free_.size() * kMaxChunkBytes;
    for (uint8_t* p : free_) ::munmap(p, kMaxChunkBytes);
    free_.clear();
    return bytes;
  }

 private:
  static constexpr size_t kMaxPooled = 128;
  std::mutex mu_;
  std::vector<uint8_t*> free_;
};
ChunkMemoryPool& chunk_pool() {
  static auto* pool = new ChunkMemoryPool;  // never destroyed: Recorders may die during exit
  return *pool;
}

uint8_t* allocate_bytes(size_t bytes) {
  if (bytes < kMmapBytes) return static_cast<uint8_t*>(::operator new(bytes));
  if (bytes == kMaxChunkBytes) {
    if (uint8_t* p = chunk_pool().take()) return p;
  }
  return map_huge(bytes);
}

void free_bytes(uint8_t* data, size_t bytes) {
  if (bytes < kMmapBytes) {
    ::operator delete(data);
  } else if (bytes != kMaxChunkBytes || !chunk_pool().give(data)) {
    ::munmap(data, (bytes + 4095) & ~size_t{4095});
  }
}

}  // namespace

// One block of encoded events. `data` never moves; the chunk owns it.
struct Chunk {
  explicit Chunk(uint64_t first, size_t cap)
      : first_event(first), capacity(cap), data(allocate_bytes(cap)) {}
  ~Chunk() { free_bytes(data, capacity); }
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;
  // Set by the owner before the chunk is published (the link to it is a release store).
  uint64_t first_event = 0;            // buffer index of the chunk's first event
  const size_t capacity;               // bytes in data
  std::atomic<uint64_t> published{0};  // events << 32 | bytes, plus kClosed
  std::atomic<Chunk*> next{nullptr};
  uint8_t* const data;
};

// Aligned to 128 bytes so two writers' hot WriterStates never share (or prefetch) a cache line.
struct alignas(128) Recorder::ThreadBuffer {
  explicit ThreadBuffer(uint64_t owner_token)
      : owner(owner_token), head(new Chunk(0, kFirstChunkBytes)) {
    tail = head;
    point_writer_at_tail();
  }
  ~ThreadBuffer() {
    Chunk* c = head;
    while (c != nullptr) {
      Chunk* n = c->next.load(std::memory_order_relaxed);
      delete c;
      c = n;
    }
  }
  ThreadBuffer(const ThreadBuffer&) = delete;
  ThreadBuffer& operator=(const ThreadBuffer&) = delete;

  void point_writer_at_tail() {
    writer.base = tail->data;
    writer.pos = tail->data;
    writer.limit = tail->data + tail->capacity - detail::kMaxEncodedEvent;
    writer.events = 0;
    writer.last_ts = 0;
    writer.last_task = 0;
    writer.published = &tail->published;
  }
  // grow moves the writer to the next chunk, linking a new, larger one unless reserve() already
  // did, then closes the old one. Owner thread only.
  void grow() {
    Chunk* old = tail;
    Chunk* next = old->next.load(std::memory_order_relaxed);
    if (next == nullptr) next = append_chunk(last_chunk());
    next->first_event = old->first_event + writer.events;
    // Readers may decode `next` only after seeing kClosed (release/acquire), which orders this
    // first_event store before their reads.
    old->published.store(
        detail::pack_published(writer.events, static_cast<uint64_t>(writer.pos - writer.base)) |
            kClosed,
        std::memory_order_release);
    tail = next;
    point_writer_at_tail();
  }
  Chunk* last_chunk() const {
    Chunk* c = tail;
    while (Chunk* n = c->next.load(std::memory_order_relaxed)) c = n;
    return c;
  }
  // append_chunk links a new chunk after `last`. Readers stop at a chunk that is not closed, so a
  // linked but still empty chunk is invisible to them until the writer closes its predecessor.
  static Chunk* append_chunk(Chunk* last) {
    const size_t cap = std::min(last->capacity * 2, kMaxChunkBytes);
    Chunk* c = new Chunk(0, cap);
    last->next.store(c, std::memory_order_release);
    return c;
  }
  // reserve makes sure `bytes` more bytes exist after the current position, touching every page.
  void reserve(size_t bytes) {
    Chunk* c = tail;
    const size_t used = static_cast<size_t>(writer.pos - writer.base);
    size_t room = tail->capacity - used - detail::kMaxEncodedEvent;
    prefault(tail, used);
    while (room < bytes) {
      Chunk* n = c->next.load(std::memory_order_relaxed);
      if (n == nullptr) n = append_chunk(c);
      prefault(n, 0);
      room += n->capacity - detail::kMaxEncodedEvent;
      c = n;
    }
  }
  static void prefault(Chunk* c, size_t from) {
    auto* p = reinterpret_cast<volatile uint8_t*>(c->data + from);
    const size_t bytes = c->capacity - from;
    for (size_t off = 0; off < bytes; off += 4096) p[off] = 0;
  }

  const uint64_t owner;  // this_thread_token() of the writer
  Chunk* const head;     // first chunk; the chain is owned through `next`
  Chunk* tail;           // owner thread only
  detail::WriterState writer;
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
    : clock_fn_(nullptr),
      clock_ctx_(nullptr),
      id_(g_next_recorder_id.fetch_add(1, std::memory_order_relaxed)),
      strings_(std::make_unique<StringTable>()) {
  (void)monotonic_calibration();  // once per process: keep the ~2 ms out of the first event
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
    clock_fn_ = nullptr;
    clock_ctx_ = nullptr;
  }
}

void Recorder::set_clock(RawClockFn fn, void* context) {
  clock_ = nullptr;
  clock_fn_ = fn;
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

namespace {
// short_function_name reduces a compiler's function signature to its qualified name:
// "void as::go::alice(Chan<int>&)" -> "as::go::alice"; a lambda reports its enclosing function
// ("main()::<lambda()>" -> "main").
std::string_view short_function_name(std::string_view f) {
  const size_t paren = f.find('(');
  if (paren != std::string_view::npos) f = f.substr(0, paren);
  // Drop the return type: the name is the last space-separated word outside template brackets.
  int depth = 0;
  for (size_t i = f.size(); i-- > 0;) {
    if (f[i] == '>') ++depth;
    if (f[i] == '<') --depth;
    if (f[i] == ' ' && depth == 0) return f.substr(i + 1);
  }
  return f;
}
}  // namespace

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
  const std::string_view function = short_function_name(loc.function_name());
  std::string text;
  text.reserve(file.size() + 16 + function.size());
  text.append(file);
  text += ':';
  text += std::to_string(loc.line());
  if (!function.empty()) {
    text += ' ';
    text += function;
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

size_t Recorder::release_pooled_memory() {
  return chunk_pool().release();
}

void Recorder::reserve(size_t events) {
  ThreadBuffer& b = local_buffer();
  b.reserve(events * detail::kMaxEncodedEvent);
  detail::t_writer = detail::WriterCache{id_, &b.writer};
}

void Recorder::emit_slow(int64_t ts, EventKind kind, WorkerId worker, TaskId task, uint64_t a0,
                         uint64_t a1, uint64_t a2, StringId loc, uint64_t follow,
                         uint64_t follow2) {
  ThreadBuffer& b = local_buffer();
  if (b.writer.pos > b.writer.limit) b.grow();
  detail::t_writer = detail::WriterCache{id_, &b.writer};
  if (follow2 != 0)
    encode<2>(b.writer, ts, kind, worker, task, a0, a1, a2, loc, follow, follow2);
  else if (follow != 0)
    encode<1>(b.writer, ts, kind, worker, task, a0, a1, a2, loc, follow, 0);
  else
    encode<0>(b.writer, ts, kind, worker, task, a0, a1, a2, loc, 0, 0);
}

// ---- reading ------------------------------------------------------------------------------

size_t Recorder::buffer_count() const {
  std::lock_guard lock(buffers_mu_);
  return buffers_.size();
}

namespace {

// get_field reads an n-byte little-endian field (byte by byte: the bytes after the event may
// still be being written by its owner).
uint64_t get_field(const uint8_t*& p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  p += n;
  return v;
}

// expand_follow_on returns the second event packed in `carrier` (see FollowOn and the encoding
// in recorder.hpp).
Event expand_follow_on(const Event& carrier, uint64_t packed) {
  Event f;
  f.ts = carrier.ts;
  f.worker = carrier.worker;
  f.kind = static_cast<EventKind>((packed & 0x7f) - 1);
  f.task = static_cast<TaskId>(static_cast<int64_t>(carrier.task) + detail::unzigzag(packed >> 24));
  const uint64_t arg = (packed >> 8) & 0xffff;
  if (f.kind == EventKind::TaskUnblock) {
    f.args[0] = carrier.task;
    f.args[1] = carrier.worker;
    f.args[2] = arg;
  } else if (f.kind == EventKind::ChanRecv) {
    f.args[0] = arg;  // the channel; len_after 0 (args[1]), ok (args[2])
    f.args[2] = 1;
  } else {
    f.args[0] = arg;
  }
  return f;
}

// decode_range appends the events encoded in [p, end) of a chunk; `at` holds the decoding state.
void decode_range(const Chunk& c, const uint8_t* p, const uint8_t* end,
                  Recorder::Cursor::Position& at, std::vector<Event>& out) {
  // field reads the next field, whose length is at bit `shift` of the lengths word.
  uint32_t lengths = 0;
  auto field = [&p, &lengths](uint32_t shift) { return get_field(p, (lengths >> shift) & 0xf); };
  while (p < end) {
    const uint32_t kind_byte = p[0];
    std::memcpy(&lengths, p + 1, sizeof lengths);
    p += detail::kEventHeader;
    Event e;
    e.kind = static_cast<EventKind>(kind_byte & 0x7f);
    e.ts = at.last_ts + detail::unzigzag(field(0));
    at.last_ts = e.ts;
    at.last_task =
        static_cast<uint64_t>(static_cast<int64_t>(at.last_task) + detail::unzigzag(field(4)));
    e.task = static_cast<TaskId>(at.last_task);
    e.worker = static_cast<WorkerId>(field(8));
    e.loc = static_cast<StringId>(field(12));
    e.args[0] = field(16);
    e.args[1] = field(20);
    e.args[2] = field(24);
    // Up to two follow-ons; those marked `before` come out ahead of e.
    uint64_t packed[2] = {field(28), 0};
    if ((kind_byte & detail::kSecondFollowOn) != 0) {
      const uint32_t length = *p++ & 0xf;
      packed[1] = get_field(p, length);
    }
    const auto push = [&](Event ev) {
      ev.seq = static_cast<uint32_t>(c.first_event + at.events);
      ++at.events;
      out.push_back(ev);
    };
    for (const uint64_t f : packed)
      if (f != 0 && (f & detail::kFollowOnBefore) != 0) push(expand_follow_on(e, f));
    push(e);
    for (const uint64_t f : packed)
      if (f != 0 && (f & detail::kFollowOnBefore) == 0) push(expand_follow_on(e, f));
  }
}

// read_new appends the events of one buffer published since `at` and advances it.
void read_new(Recorder::Cursor::Position& at, std::vector<Event>& out) {
  for (;;) {
    const Chunk* c = static_cast<const Chunk*>(at.chunk);
    const uint64_t word = c->published.load(std::memory_order_acquire);
    const size_t bytes = word & kBytesMask;
    if (at.offset < bytes) {
      decode_range(*c, c->data + at.offset, c->data + bytes, at, out);
      at.offset = bytes;
    }
    if ((word & kClosed) == 0) break;
    const Chunk* next = c->next.load(std::memory_order_acquire);
    at = Recorder::Cursor::Position{next};
  }
}

// published_events counts the events of a buffer's chain (closed chunks, then the open tail).
size_t published_events(const Chunk* c) {
  for (;;) {
    const uint64_t word = c->published.load(std::memory_order_acquire);
    const uint64_t events = (word >> 32) & kEventsMask;
    if ((word & kClosed) == 0) return c->first_event + events;
    c = c->next.load(std::memory_order_acquire);
  }
}

// published_bytes sums the encoded bytes of a buffer's chain.
size_t published_bytes(const Chunk* c) {
  size_t total = 0;
  for (;;) {
    const uint64_t word = c->published.load(std::memory_order_acquire);
    total += word & kBytesMask;
    if ((word & kClosed) == 0) return total;
    c = c->next.load(std::memory_order_acquire);
  }
}

}  // namespace

void Recorder::sync_cursor(Cursor& cursor) const {
  if (cursor.recorder != id_) cursor = Cursor{{}, id_};
  while (cursor.at.size() < buffers_.size())
    cursor.at.push_back(Cursor::Position{buffers_[cursor.at.size()]->head});
}

size_t Recorder::poll(Cursor& cursor, std::vector<Event>& out) const {
  const size_t before = out.size();
  std::lock_guard lock(buffers_mu_);
  sync_cursor(cursor);
  for (auto& at : cursor.at) read_new(at, out);
  return out.size() - before;
}

size_t Recorder::poll_buffers(Cursor& cursor, std::vector<std::vector<Event>>& per_buffer) const {
  size_t added = 0;
  std::lock_guard lock(buffers_mu_);
  sync_cursor(cursor);
  if (per_buffer.size() < buffers_.size()) per_buffer.resize(buffers_.size());
  for (size_t i = 0; i < buffers_.size(); ++i) {
    const size_t before = per_buffer[i].size();
    read_new(cursor.at[i], per_buffer[i]);
    added += per_buffer[i].size() - before;
  }
  return added;
}

size_t Recorder::event_count() const {
  std::lock_guard lock(buffers_mu_);
  size_t total = 0;
  for (const auto& b : buffers_) total += published_events(b->head);
  return total;
}

size_t Recorder::encoded_bytes() const {
  std::lock_guard lock(buffers_mu_);
  size_t total = 0;
  for (const auto& b : buffers_) total += published_bytes(b->head);
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
