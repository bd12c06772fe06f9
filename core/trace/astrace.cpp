// core/trace/astrace.cpp — the .astrace binary format: writer, validating reader.
//
// Owns: the byte layout below, and the rule that a file is untrusted input.
//
// BYTE LAYOUT (version 1). All integers little-endian; no padding anywhere.
//
//   Header, 16 bytes:
//     0   8  magic "ASTRACE\0" (41 53 54 52 41 43 45 00)
//     8   4  u32 version = 1
//     12  4  u32 flags = 0 (reserved; a reader rejects unknown bits)
//   Then blocks until END. Every block is:
//     0   4  u32 type (1 META, 2 STRINGS, 3 EVENTS, 4 END)
//     4   4  u32 payload length P in bytes
//     8   P  payload
//   META (at least one before END; the last one wins — a streaming writer writes one when it
//   starts and an updated one when it finishes):
//     u8 model (0 goroutine, 1 future), u8 simulated (0/1), u16 reserved = 0, u32 workers,
//     u64 seed, u32 runtime name length L, L bytes UTF-8 runtime name.          P = 20 + L
//   STRINGS (appends to the string table; id 0 is always the empty string and is not stored):
//     u32 first id (must equal the number of strings defined so far), u32 count N,
//     N × (u32 length L, L bytes).
//   EVENTS: u32 count N, u32 reserved = 0, N × 48-byte events.                   P = 8 + 48 N
//     event: i64 ts, u16 kind, u16 worker, u32 task, u32 loc (string id), u32 seq,
//            u64 arg0, u64 arg1, u64 arg2 — exactly the in-memory as::trace::Event.
//     Every string id an event uses (loc, String args) must be defined by an earlier STRINGS
//     block; kinds, reasons, enums and unused args are checked against the event table
//     (check_event). Events need not be in time order in the file (a streaming writer appends
//     batches per writer thread); the reader sorts them stably by (ts, seq) and renumbers seq to
//     the position in that order, so a file written from a snapshot reads back identical.
//   END (last block, nothing may follow): u64 total events, u32 total strings (including id 0),
//     u32 reserved = 0.                                                           P = 16
//
// Reader rules: every length and count is checked against the bytes that remain before anything
// is allocated, so a hostile file cannot make the reader allocate more than its own size; every
// defect throws TraceError("FILE: offset N: what") with N the offset of the offending field.
// A file without END (a writer that died, a truncated copy) is rejected.
#include "core/trace/astrace.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include <sys/stat.h>

namespace as::trace {

static_assert(std::endian::native == std::endian::little,
              ".astrace stores events as their in-memory bytes: little-endian hosts only");
static_assert(offsetof(Event, ts) == 0 && offsetof(Event, kind) == 8 &&
                  offsetof(Event, worker) == 10 && offsetof(Event, task) == 12 &&
                  offsetof(Event, loc) == 16 && offsetof(Event, seq) == 20 &&
                  offsetof(Event, args) == 24,
              "Event layout must match the documented .astrace event layout");

namespace {

constexpr size_t kHeaderBytes = 16;
constexpr size_t kBlockHeaderBytes = 8;
constexpr size_t kEventBytes = sizeof(Event);
constexpr size_t kMetaFixedBytes = 20;
constexpr size_t kEventsPerBlock = 65536;        // 3 MiB EVENTS blocks
constexpr size_t kStringsBlockBytes = 1u << 24;  // split STRINGS blocks at ~16 MiB
constexpr size_t kMaxStringBytes = 1u << 24;     // one string; a larger one is a corrupt file

// enum_limit is the number of valid values of an Enum argument (values must be below it).
uint64_t enum_limit(EventKind kind, int slot) {
  if (slot != 0) return 256;
  switch (kind) {
    case EventKind::RuntimeStart:
      return 2;  // ModelKind
    case EventKind::RuntimeError:
      return static_cast<uint64_t>(ErrorKind::Other) + 1;
    case EventKind::PollEnd:
      return 2;  // PollResult
    case EventKind::QueueLength:
      return static_cast<uint64_t>(QueueKind::Blocking) + 1;
    default:
      return 256;
  }
}

std::string with_errno(const std::string& what) {
  return what + ": " + std::generic_category().message(errno);
}

}  // namespace

bool check_event(const Event& e, size_t string_count, std::string* why) {
  const auto k = static_cast<size_t>(e.kind);
  if (k >= kEventKindCount) {
    if (why) *why = "unknown event kind " + std::to_string(k);
    return false;
  }
  if (e.loc >= string_count) {
    if (why) *why = "location string id " + std::to_string(e.loc) + " not in string table";
    return false;
  }
  const EventKindInfo& inf = kEventKinds[k];
  for (int i = 0; i < kMaxArgs; ++i) {
    const uint64_t v = e.args[i];
    const ArgType t = inf.args[i].type;
    uint64_t limit = 0;  // values must be < limit (0 = no limit)
    switch (t) {
      case ArgType::None:
        limit = 1;
        break;
      case ArgType::U64:
      case ArgType::I64:
      case ArgType::Nanos:
        break;
      case ArgType::Task:
        limit = uint64_t{1} << 32;
        break;
      case ArgType::Worker:
        limit = uint64_t{1} << 16;
        break;
      case ArgType::String:
        limit = string_count;
        break;
      case ArgType::Reason:  // the Reason, and (TaskUnblock) the queue the task was put in
        if ((v & 0xff) >= static_cast<uint64_t>(Reason::kCount) ||
            (v >> 8) > start_from(QueueKind::Blocking))
          limit = 1;  // reject below, with the value
        break;
      case ArgType::Enum:
        limit = enum_limit(e.kind, i);
        break;
    }
    if (limit != 0 && v >= limit) {
      if (why) {
        *why = std::string(inf.name) + " arg " + std::to_string(i);
        if (!inf.args[i].name.empty()) *why += " (" + std::string(inf.args[i].name) + ")";
        *why += t == ArgType::None ? " is unused but " + std::to_string(v)
                                   : " = " + std::to_string(v) + " out of range";
      }
      return false;
    }
  }
  return true;
}

// ---- writer -------------------------------------------------------------------------------

AstraceWriter::AstraceWriter(std::FILE* file, std::string name)
    : file_(file), name_(std::move(name)) {}

void AstraceWriter::put(const void* p, size_t n) {
  if (n == 0) return;
  if (std::fwrite(p, 1, n, file_) != n) throw TraceError(with_errno(name_ + ": write failed"));
  bytes_ += n;
}

namespace {
template <typename T>
void append_le(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian host (asserted above)
  out.append(b, sizeof(T));
}
}  // namespace

void AstraceWriter::block_header(BlockType type, uint64_t payload_bytes) {
  if (payload_bytes > UINT32_MAX) throw TraceError(name_ + ": block too large");
  const uint32_t h[2] = {static_cast<uint32_t>(type), static_cast<uint32_t>(payload_bytes)};
  put(h, sizeof h);
}

void AstraceWriter::header() {
  std::string h(kAstraceMagic, sizeof kAstraceMagic);
  append_le<uint32_t>(h, kAstraceVersion);
  append_le<uint32_t>(h, 0);
  put(h.data(), h.size());
}

void AstraceWriter::meta(const TraceMeta& m) {
  if (m.runtime.size() > kMaxStringBytes) throw TraceError(name_ + ": runtime name too long");
  std::string p;
  append_le<uint8_t>(p, static_cast<uint8_t>(m.model));
  append_le<uint8_t>(p, m.simulated ? 1 : 0);
  append_le<uint16_t>(p, 0);
  append_le<uint32_t>(p, m.workers);
  append_le<uint64_t>(p, m.seed);
  append_le<uint32_t>(p, static_cast<uint32_t>(m.runtime.size()));
  p += m.runtime;
  block_header(BlockType::Meta, p.size());
  put(p.data(), p.size());
}

void AstraceWriter::strings(const std::string* first, size_t n) {
  size_t i = 0;
  while (i < n) {
    std::string p;
    append_le<uint32_t>(p, static_cast<uint32_t>(string_count_));
    append_le<uint32_t>(p, 0);  // count, patched below
    uint32_t count = 0;
    while (i < n && (count == 0 || p.size() + first[i].size() + 4 <= kStringsBlockBytes)) {
      if (first[i].size() > kMaxStringBytes) throw TraceError(name_ + ": string too long");
      append_le<uint32_t>(p, static_cast<uint32_t>(first[i].size()));
      p += first[i];
      ++count;
      ++i;
    }
    std::memcpy(p.data() + 4, &count, 4);
    block_header(BlockType::Strings, p.size());
    put(p.data(), p.size());
    string_count_ += count;
    if (string_count_ > UINT32_MAX) throw TraceError(name_ + ": too many strings");
  }
}

void AstraceWriter::events(const Event* first, size_t n) {
  std::string why;
  for (size_t i = 0; i < n; ++i) {
    if (!check_event(first[i], string_count_, &why))
      throw TraceError(name_ + ": event " + std::to_string(event_count_ + i) + " (ts " +
                       std::to_string(first[i].ts) + "): " + why);
  }
  for (size_t done = 0; done < n;) {
    const size_t batch = std::min(kEventsPerBlock, n - done);
    block_header(BlockType::Events, 8 + batch * kEventBytes);
    const uint32_t h[2] = {static_cast<uint32_t>(batch), 0};
    put(h, sizeof h);
    put(first + done, batch * kEventBytes);
    done += batch;
  }
  event_count_ += n;
}

void AstraceWriter::end() {
  std::string p;
  append_le<uint64_t>(p, event_count_);
  append_le<uint32_t>(p, static_cast<uint32_t>(string_count_));
  append_le<uint32_t>(p, 0);
  block_header(BlockType::End, p.size());
  put(p.data(), p.size());
}

void write_astrace(const std::string& path, const TraceData& data) {
  if (data.strings.empty() || !data.strings[0].empty())
    throw TraceError(path + ": string table must start with the empty string");
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw TraceError(with_errno(path + ": cannot create " + tmp));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  try {
    AstraceWriter w(f, path);
    w.header();
    w.meta(data.meta);
    w.strings(data.strings.data() + 1, data.strings.size() - 1);
    w.events(data.events.data(), data.events.size());
    w.end();
    if (std::fclose(guard.release()) != 0) throw TraceError(with_errno(path + ": write failed"));
  } catch (...) {
    guard.reset();
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string msg = with_errno(path + ": cannot rename " + tmp);
    std::remove(tmp.c_str());
    throw TraceError(msg);
  }
}

// ---- reader -------------------------------------------------------------------------------

namespace {

// Parser walks the bytes with bounds checks; every failure names the file and the offset.
class Parser {
 public:
  Parser(std::string_view bytes, const std::string& name) : b_(bytes), name_(name) {}

  [[noreturn]] void fail(size_t offset, const std::string& what) const {
    throw TraceError(name_ + ": offset " + std::to_string(offset) + ": " + what);
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  void need(size_t n, const char* what) const {
    if (remaining() < n)
      fail(pos_, std::string("truncated ") + what + " (need " + std::to_string(n) +
                     " bytes, file has " + std::to_string(remaining()) + ")");
  }
  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string_view bytes(size_t n, const char* what) {
    need(n, what);
    std::string_view v = b_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  void seek(size_t p) { pos_ = p; }

 private:
  std::string_view b_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

TraceData parse_astrace(std::string_view bytes, const std::string& name) {
  Parser in(bytes, name);
  TraceData data;
  data.strings.emplace_back();
  // Every event takes kEventBytes of the file, so this bounds the count: no reallocation (and no
  // second pass over fresh memory) while appending, and no allocation beyond the file's size.
  data.events.reserve(bytes.size() / kEventBytes);

  const std::string_view magic = in.bytes(sizeof kAstraceMagic, "header");
  if (magic != std::string_view(kAstraceMagic, sizeof kAstraceMagic))
    in.fail(0, "not an .astrace file (bad magic)");
  const size_t version_at = in.pos();
  const auto version = in.get<uint32_t>("header");
  if (version != kAstraceVersion)
    in.fail(version_at, "unsupported .astrace version " + std::to_string(version) +
                            " (this build reads version " + std::to_string(kAstraceVersion) + ")");
  const size_t flags_at = in.pos();
  if (const auto flags = in.get<uint32_t>("header"); flags != 0)
    in.fail(flags_at, "unknown header flags " + std::to_string(flags));

  bool have_meta = false;
  bool have_end = false;
  while (!have_end) {
    if (in.remaining() == 0) in.fail(in.pos(), "file ends without END block (truncated)");
    const size_t block_at = in.pos();
    const auto type = in.get<uint32_t>("block header");
    const size_t length_at = in.pos();
    const auto length = in.get<uint32_t>("block header");
    if (length > in.remaining())
      in.fail(length_at, "block length " + std::to_string(length) + " exceeds the " +
                             std::to_string(in.remaining()) + " bytes left (truncated)");
    const size_t payload_at = in.pos();
    const size_t block_end = payload_at + length;
    switch (static_cast<BlockType>(type)) {
      case BlockType::Meta: {
        if (length < kMetaFixedBytes) in.fail(length_at, "META block too short");
        TraceMeta m;
        const size_t model_at = in.pos();
        const auto model = in.get<uint8_t>("META");
        if (model > 1) in.fail(model_at, "unknown model " + std::to_string(model));
        m.model = static_cast<ModelKind>(model);
        const size_t sim_at = in.pos();
        const auto sim = in.get<uint8_t>("META");
        if (sim > 1) in.fail(sim_at, "simulated flag must be 0 or 1");
        m.simulated = sim == 1;
        if (in.get<uint16_t>("META") != 0) in.fail(in.pos() - 2, "reserved META field not 0");
        m.workers = in.get<uint32_t>("META");
        m.seed = in.get<uint64_t>("META");
        const size_t len_at = in.pos();
        const auto len = in.get<uint32_t>("META");
        if (len != length - kMetaFixedBytes)
          in.fail(len_at, "runtime name length " + std::to_string(len) +
                              " does not match the META block length");
        m.runtime = std::string(in.bytes(len, "runtime name"));
        data.meta = std::move(m);
        have_meta = true;
        break;
      }
      case BlockType::Strings: {
        if (length < 8) in.fail(length_at, "STRINGS block too short");
        const size_t first_at = in.pos();
        const auto first = in.get<uint32_t>("STRINGS");
        if (first != data.strings.size())
          in.fail(first_at, "STRINGS block starts at id " + std::to_string(first) + ", expected " +
                                std::to_string(data.strings.size()));
        const size_t count_at = in.pos();
        const auto count = in.get<uint32_t>("STRINGS");
        if (count > (block_end - in.pos()) / 4)
          in.fail(count_at, "string count " + std::to_string(count) + " exceeds block size");
        if (data.strings.size() + count > UINT32_MAX) in.fail(count_at, "too many strings");
        data.strings.reserve(data.strings.size() + count);
        for (uint32_t i = 0; i < count; ++i) {
          const size_t len_at = in.pos();
          if (block_end - in.pos() < 4) in.fail(len_at, "string length runs past block end");
          const auto len = in.get<uint32_t>("string length");
          if (len > block_end - in.pos())
            in.fail(len_at, "string length " + std::to_string(len) + " runs past block end");
          data.strings.emplace_back(in.bytes(len, "string"));
        }
        if (in.pos() != block_end)
          in.fail(in.pos(),
                  "STRINGS block has " + std::to_string(block_end - in.pos()) + " trailing bytes");
        break;
      }
      case BlockType::Events: {
        if (length < 8) in.fail(length_at, "EVENTS block too short");
        const size_t count_at = in.pos();
        const auto count = in.get<uint32_t>("EVENTS");
        if (uint64_t{count} * kEventBytes != length - 8u)
          in.fail(count_at, "event count " + std::to_string(count) +
                                " does not match the EVENTS block length " +
                                std::to_string(length));
        if (in.get<uint32_t>("EVENTS") != 0) in.fail(count_at + 4, "reserved EVENTS field not 0");
        const size_t old = data.events.size();
        const std::string_view raw = in.bytes(size_t{count} * kEventBytes, "events");
        // One pass: copy each event out of the (unaligned) file bytes, check it, append it. The
        // vector was reserved for the whole file up front, so appending never reallocates.
        std::string why;
        const size_t string_count = data.strings.size();
        for (size_t i = 0; i < count; ++i) {
          Event e;
          std::memcpy(static_cast<void*>(&e), raw.data() + i * kEventBytes, kEventBytes);
          if (!check_event(e, string_count, &why))
            in.fail(payload_at + 8 + i * kEventBytes,
                    "event " + std::to_string(old + i) + ": " + why);
          data.events.push_back(e);
        }
        break;
      }
      case BlockType::End: {
        if (length != 16) in.fail(length_at, "END block must be 16 bytes");
        const size_t events_at = in.pos();
        const auto events = in.get<uint64_t>("END");
        if (events != data.events.size())
          in.fail(events_at, "END says " + std::to_string(events) + " events, file has " +
                                 std::to_string(data.events.size()));
        const size_t strings_at = in.pos();
        const auto strings = in.get<uint32_t>("END");
        if (strings != data.strings.size())
          in.fail(strings_at, "END says " + std::to_string(strings) + " strings, file has " +
                                  std::to_string(data.strings.size()));
        if (in.get<uint32_t>("END") != 0) in.fail(strings_at + 4, "reserved END field not 0");
        if (!have_meta) in.fail(block_at, "no META block before END");
        if (in.remaining() != 0)
          in.fail(in.pos(), std::to_string(in.remaining()) + " bytes after the END block");
        have_end = true;
        break;
      }
      default:
        in.fail(block_at, "unknown block type " + std::to_string(type));
    }
    in.seek(block_end);
  }

  // Sort by (ts, seq) keeping file order for full ties, then number events by position.
  auto& ev = data.events;
  const auto before = [](const Event& a, const Event& b) {
    return a.ts < b.ts || (a.ts == b.ts && a.seq < b.seq);
  };
  if (!std::is_sorted(ev.begin(), ev.end(), before)) std::stable_sort(ev.begin(), ev.end(), before);
  for (size_t i = 0; i < ev.size(); ++i) ev[i].seq = static_cast<uint32_t>(i);
  return data;
}

TraceData read_astrace(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw TraceError(with_errno(path + ": offset 0: cannot open"));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
  struct stat st {};
  if (::fstat(::fileno(f), &st) != 0)
    throw TraceError(with_errno(path + ": offset 0: cannot stat"));
  if (!S_ISREG(st.st_mode)) throw TraceError(path + ": offset 0: not a regular file");
  // Read the whole file: its size bounds every allocation the parser makes. The buffer is left
  // uninitialised (fread fills it): zeroing hundreds of MB first would cost a pass of its own.
  const auto size = static_cast<size_t>(st.st_size);
  auto buffer = std::make_unique_for_overwrite<char[]>(size + 1);
  size_t got = 0;
  while (got < size) {
    const size_t n = std::fread(buffer.get() + got, 1, size - got, f);
    if (n == 0) break;
    got += n;
  }
  std::string grown;  // the file may have grown since fstat: read to its end
  char chunk[1 << 16];
  while (got == size && !std::ferror(f) && !std::feof(f)) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, f);
    if (n == 0) break;
    grown.append(chunk, n);
  }
  if (std::ferror(f))
    throw TraceError(
        with_errno(path + ": offset " + std::to_string(got + grown.size()) + ": read failed"));
  if (!grown.empty()) {
    grown.insert(0, buffer.get(), got);
    return parse_astrace(grown, path);
  }
  return parse_astrace(std::string_view(buffer.get(), got), path);
}

}  // namespace as::trace
