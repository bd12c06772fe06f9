// core/trace/perfetto_json.cpp — Chrome Trace Event JSON export (Perfetto, chrome://tracing).
//
// Owns: the mapping from asyncscope events to trace-viewer concepts.
//   process (pid 1)        the runtime; process_name = TraceMeta::runtime (+ sim seed)
//   thread tid 1           "runtime": runtime-wide events and causes that happen on no worker
//   thread tid w+2         worker w; thread_name from worker.start's name, else "worker w"
//                          (tid 0 is avoided: viewers treat it as the idle/swapper thread)
//   "X" slice              one task run on a worker: TaskStart/PollBegin .. TaskStop/TaskBlock/
//                          PollEnd (its end reason: what a Pending poll waits for)/TaskDestroy (or
//                          the next run / worker idle / trace end)
//   "s"/"f" flow "wake"    every TaskUnblock and WakerWake: from the cause (the waking task's run
//                          slice, else the waking worker) to the woken task's next run slice
//   "C" counter            QueueLength (one track per queue kind and owner), StackBytes
//   "i" instant            runtime errors, steals, user annotations and regions
//
// Invariants the output keeps (tests/trace/perfetto_json_test.cpp checks them):
//   - ts in µs with 3 decimals (1 ns), rebased so the first event is at 0; X slices have dur ≥ 0.
//   - Slices of one thread never partially overlap: a thread runs one task at a time, so a new
//     run closes the previous one first.
//   - Every flow has exactly one start and one end. A flow is written only once its woken task
//     runs again (a wake that never leads to a run has no arrow), and both ends sit strictly inside
//     a slice: trace viewers bind "s" to the slice open at its ts and "f" (bp "e") to the slice
//     enclosing it, so the binding must not depend on how they order equal timestamps.
//
// Display time: simulated traces have many events at the same virtual ns. To give viewers an
// unambiguous order, display times are the real times spread so that consecutive events are at
// least kTieStep ns apart (display[i] = max(ts[i] - ts[0], display[i-1] + kTieStep)). On real
// traces events are rarely that close, so times are unchanged; the .astrace file keeps exact ts.
//
// Speed: one pass over the events, output built in a local buffer with hand-written number
// formatting and string escaping (pre-escaped once per string id), flushed in 1 MiB pieces.
#include "core/trace/perfetto_json.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <unordered_map>
#include <utility>

namespace as::trace {

namespace {

constexpr int64_t kTieStep = 4;  // ns between consecutive display times (see above)
constexpr int64_t kMaxDisplayNs = int64_t{1} << 60;  // clamp for absurd spans (~36 years)
constexpr int kRuntimeTid = 1;
constexpr int kFirstWorkerTid = 2;
constexpr int kPid = 1;

// ---- output buffer ------------------------------------------------------------------------

class JsonOut {
 public:
  explicit JsonOut(std::ostream& os) : os_(os) { buf_.reserve(kFlushBytes + 4096); }
  ~JsonOut() = default;

  void raw(std::string_view s) { buf_.append(s); }
  void ch(char c) { buf_.push_back(c); }
  void i64(int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  void u64(uint64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  // micros writes ns as µs with exactly three decimals ("12.345"); ns ≥ 0.
  void micros(int64_t ns) {
    if (ns < 0) {
      ch('-');
      ns = -ns;
    }
    i64(ns / 1000);
    const int frac = static_cast<int>(ns % 1000);
    char d[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                 static_cast<char>('0' + frac % 10)};
    buf_.append(d, 4);
  }
  // begin_event starts a new array element ("{" preceded by "," when needed).
  void begin_event() {
    if (first_) {
      first_ = false;
    } else {
      buf_.append(",\n", 2);
    }
    ch('{');
  }
  void end_event() {
    ch('}');
    if (buf_.size() >= kFlushBytes) flush();
  }
  void flush() {
    os_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  std::ostream& os_;
  std::string buf_;
  bool first_ = true;
};

// ---- JSON string escaping -----------------------------------------------------------------

// Length of the valid UTF-8 sequence at s[i..], or 0 if the bytes there are not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const size_t left = s.size() - i;
  const auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

// Length of the invalid bytes at s[i..] to replace by one U+FFFD: the "maximal subpart" of a
// sequence (a valid lead byte followed by the valid continuation bytes that are there), else 1.
size_t invalid_utf8_prefix(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  size_t k = 1;
  while (k <= need && i + k < s.size()) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) break;
    ++k;
  }
  return k;
}

// escape_json returns s as the body of a JSON string (without quotes): quotes, backslashes and
// control characters escaped, invalid UTF-8 bytes replaced by U+FFFD.
std::string escape_json(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD replacement character
      i += invalid_utf8_prefix(s, i);
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// ---- the exporter -------------------------------------------------------------------------

struct OpenRun {
  bool open = false;
  TaskId task = 0;
  int64_t start = 0;  // display ns
};

struct PendingFlow {
  int tid;            // cause thread
  int64_t at;         // display ns of the cause
  bool needs_marker;  // no slice was open on the cause thread: draw a tiny "wake" slice there
  const char* why;    // reason name
};

struct TaskInfo {
  StringId name = 0;
  int running_tid = -1;  // thread whose open run is this task, -1 if not running
  std::vector<PendingFlow> flows;
};

class Exporter {
 public:
  Exporter(std::ostream& os, const TraceData& data) : out_(os), data_(data) {
    escaped_.resize(data.strings.size());
    escaped_ready_.assign(data.strings.size(), false);
  }

  void run() {
    out_.raw("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    write_metadata();
    const auto& ev = data_.events;
    const int64_t t0 = ev.empty() ? 0 : ev.front().ts;
    int64_t display = -kTieStep;
    for (const Event& e : ev) {
      // Unsigned difference, clamped: a hostile file may span the whole int64 range.
      const uint64_t since = static_cast<uint64_t>(e.ts) - static_cast<uint64_t>(t0);
      const auto rebased = static_cast<int64_t>(std::min<uint64_t>(since, kMaxDisplayNs));
      display = std::min(std::max(rebased, display + kTieStep), kMaxDisplayNs);
      handle(e, display);
    }
    // Close runs still open at the end of the trace, one tie step after the last event so that
    // flow ends placed inside them stay strictly inside.
    for (size_t tid = 0; tid < runs_.size(); ++tid)
      if (runs_[tid].open) close_run(static_cast<int>(tid), display + kTieStep, "trace end");
    out_.raw("\n]}\n");
    out_.flush();
  }

 private:
  // ---- helpers ----
  const std::string& esc(StringId id) {
    static const std::string empty;
    if (id >= escaped_.size()) return empty;
    if (!escaped_ready_[id]) {
      escaped_[id] = escape_json(data_.strings[id]);
      escaped_ready_[id] = true;
    }
    return escaped_[id];
  }
  static int tid_of(WorkerId w) {
    return w == kNoWorker ? kRuntimeTid : static_cast<int>(w) + kFirstWorkerTid;
  }
  OpenRun& run_of(int tid) {
    if (static_cast<size_t>(tid) >= runs_.size()) runs_.resize(static_cast<size_t>(tid) + 1);
    return runs_[static_cast<size_t>(tid)];
  }
  TaskInfo& task(TaskId t) { return tasks_[t]; }

  void head(char ph, int tid, int64_t ts) {
    out_.begin_event();
    out_.raw("\"ph\":\"");
    out_.ch(ph);
    out_.raw("\",\"pid\":");
    out_.i64(kPid);
    out_.raw(",\"tid\":");
    out_.i64(tid);
    out_.raw(",\"ts\":");
    out_.micros(ts);
  }
  void task_name(TaskId t) {
    auto it = tasks_.find(t);
    if (it != tasks_.end() && it->second.name != 0) {
      out_.raw(esc(it->second.name));
    } else {
      out_.raw("task ");
      out_.u64(t);
    }
  }

  void write_metadata() {
    // Which workers exist, and their names (first worker.start wins).
    std::vector<StringId> names;
    std::vector<bool> seen;
    const auto note = [&](WorkerId w, StringId name) {
      if (w == kNoWorker) return;
      if (w >= seen.size()) {
        seen.resize(w + 1u, false);
        names.resize(w + 1u, 0);
      }
      seen[w] = true;
      if (names[w] == 0) names[w] = name;
    };
    for (const Event& e : data_.events) {
      note(e.worker, e.kind == EventKind::WorkerStart ? static_cast<StringId>(e.args[0]) : 0);
      const EventKindInfo& inf = info(e.kind);
      for (int a = 0; a < kMaxArgs; ++a)
        if (inf.args[a].type == ArgType::Worker && e.args[a] != kNoWorker)
          note(static_cast<WorkerId>(e.args[a]), 0);
      if (e.kind == EventKind::TaskCreate) tasks_[e.task].name = static_cast<StringId>(e.args[1]);
    }
    const auto& m = data_.meta;
    out_.begin_event();
    out_.raw("\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"");
    out_.raw(escape_json(m.runtime));
    if (m.simulated) {
      out_.raw(" (simulated, seed ");
      out_.u64(m.seed);
      out_.raw(")");
    }
    out_.raw("\"}");
    out_.end_event();
    thread_meta(kRuntimeTid, "runtime");
    // An instant at 0 marks the trace start (and makes the rebased origin visible).
    out_.begin_event();
    out_.raw(
        "\"ph\":\"i\",\"pid\":1,\"tid\":1,\"ts\":0.000,\"s\":\"g\",\"cat\":\"trace\","
        "\"name\":\"trace start\",\"args\":{\"seed\":");
    out_.u64(m.seed);
    out_.raw(",\"events\":");
    out_.u64(data_.events.size());
    out_.raw("}");
    out_.end_event();
    for (size_t w = 0; w < seen.size(); ++w) {
      if (!seen[w]) continue;
      const std::string name =
          names[w] != 0 ? escape_json(data_.str(names[w])) : "worker " + std::to_string(w);
      thread_meta(static_cast<int>(w) + kFirstWorkerTid, name);
    }
  }
  void thread_meta(int tid, const std::string& escaped_name) {
    out_.begin_event();
    out_.raw("\"ph\":\"M\",\"pid\":1,\"tid\":");
    out_.i64(tid);
    out_.raw(",\"name\":\"thread_name\",\"args\":{\"name\":\"");
    out_.raw(escaped_name);
    out_.raw("\"}");
    out_.end_event();
    out_.begin_event();
    out_.raw("\"ph\":\"M\",\"pid\":1,\"tid\":");
    out_.i64(tid);
    out_.raw(",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":");
    out_.i64(tid);
    out_.raw("}");
    out_.end_event();
  }

  // ---- runs (X slices) ----
  void open_run(int tid, TaskId t, int64_t at) {
    TaskInfo& ti = task(t);
    if (ti.running_tid == tid) return;  // already running here (e.g. TaskStart then PollBegin)
    if (ti.running_tid >= 0) close_run(ti.running_tid, at, "migrated");
    OpenRun& r = run_of(tid);
    if (r.open) close_run(tid, at, "preempted by next run");
    r = OpenRun{true, t, at};
    TaskInfo& now = task(t);  // (close_run may not rehash, but keep the reference fresh)
    now.running_tid = tid;
    // Flows waiting for this task's next run end inside it, 1 ns after it starts.
    for (const PendingFlow& f : now.flows) write_flow(f, tid, at + 1);
    now.flows.clear();
  }
  void close_run(int tid, int64_t at, std::string_view why) {
    OpenRun& r = run_of(tid);
    if (!r.open) return;
    r.open = false;
    head('X', tid, r.start);
    out_.raw(",\"dur\":");
    out_.micros(at - r.start);
    out_.raw(",\"cat\":\"task\",\"name\":\"");
    task_name(r.task);
    out_.raw("\",\"args\":{\"task\":");
    out_.u64(r.task);
    out_.raw(",\"end\":\"");
    out_.raw(why);
    out_.raw("\"}");
    out_.end_event();
    auto it = tasks_.find(r.task);
    if (it != tasks_.end() && it->second.running_tid == tid) it->second.running_tid = -1;
  }
  void close_task(const Event& e, int64_t at, std::string_view why) {
    auto it = tasks_.find(e.task);
    if (it == tasks_.end() || it->second.running_tid < 0) return;
    close_run(it->second.running_tid, at, why);
  }

  // ---- flows ----
  void wake(const Event& e, int64_t at, TaskId by_task, WorkerId by_worker, const char* why) {
    int tid = -1;
    if (by_task != 0) {
      auto it = tasks_.find(by_task);
      if (it != tasks_.end() && it->second.running_tid >= 0) tid = it->second.running_tid;
    }
    if (tid < 0 && by_worker != kNoWorker) tid = tid_of(by_worker);
    if (tid < 0) tid = tid_of(e.worker);
    const bool inside = run_of(tid).open;
    task(e.task).flows.push_back(PendingFlow{tid, at, !inside, why});
  }
  void write_flow(const PendingFlow& f, int to_tid, int64_t to_at) {
    const uint64_t id = ++flow_ids_;
    int64_t from_at = f.at;
    if (f.needs_marker) {
      // A 2 ns slice around the cause so the arrow has a slice to start from; display times are
      // kTieStep (4 ns) apart, so it cannot overlap a neighbouring run on this thread.
      head('X', f.tid, f.at);
      out_.raw(",\"dur\":0.002,\"cat\":\"wake\",\"name\":\"wake (");
      out_.raw(f.why);
      out_.raw(")\"");
      out_.end_event();
      from_at = f.at + 1;
    }
    head('s', f.tid, from_at);
    out_.raw(",\"cat\":\"wakeup\",\"name\":\"wake\",\"id\":");
    out_.u64(id);
    out_.raw(",\"args\":{\"reason\":\"");
    out_.raw(f.why);
    out_.raw("\"}");
    out_.end_event();
    head('f', to_tid, to_at);
    out_.raw(",\"cat\":\"wakeup\",\"name\":\"wake\",\"id\":");
    out_.u64(id);
    out_.raw(",\"bp\":\"e\"");
    out_.end_event();
  }

  // ---- counters and instants ----
  void counter_queue(const Event& e, int64_t at) {
    write_queue_counter(e.args[0], e.args[1], e.args[2], at);
  }
  void write_queue_counter(uint64_t q, uint64_t owner, uint64_t length, int64_t at) {
    static constexpr const char* kQueue[] = {"local",  "global", "runnext",
                                             "inject", "lifo",   "blocking"};
    if (q == static_cast<uint64_t>(QueueKind::Runnext) ||
        q == static_cast<uint64_t>(QueueKind::Lifo))
      slot_length_[{q, owner}] = length;
    head('C', kRuntimeTid, at);
    out_.raw(",\"name\":\"queue ");
    out_.raw(q < std::size(kQueue) ? kQueue[q] : "other");
    if (owner != kNoWorker) {
      out_.raw(" w");
      out_.u64(owner);
    }
    out_.raw("\",\"args\":{\"length\":");
    out_.u64(length);
    out_.raw("}");
    out_.end_event();
  }
  // A task started from a one-slot queue (TaskStart arg0) empties it without a QueueLength event:
  // drop that slot's counter track to 0 here.
  void slot_emptied_by_start(const Event& e, int64_t at) {
    for (const QueueKind q : {QueueKind::Runnext, QueueKind::Lifo}) {
      if (e.args[0] != start_from(q)) continue;
      const auto it = slot_length_.find({static_cast<uint64_t>(q), e.worker});
      if (it != slot_length_.end() && it->second != 0)
        write_queue_counter(static_cast<uint64_t>(q), e.worker, 0, at);
    }
  }
  // An unblock that says it put the task in a one-slot queue (Go's ready() → runnext) fills it
  // without a QueueLength event: raise that slot's counter track to 1 here.
  void slot_filled_by_unblock(const Event& e, int64_t at) {
    const uint64_t into = queued_into(e.args[2]);
    for (const QueueKind q : {QueueKind::Runnext, QueueKind::Lifo}) {
      if (into != start_from(q)) continue;
      const auto it = slot_length_.find({static_cast<uint64_t>(q), e.worker});
      if (it == slot_length_.end() || it->second != 1)
        write_queue_counter(static_cast<uint64_t>(q), e.worker, 1, at);
    }
  }
  void counter_stack(const Event& e, int64_t at) {
    head('C', kRuntimeTid, at);
    out_.raw(",\"name\":\"stack bytes\",\"args\":{\"committed\":");
    out_.u64(e.args[0]);
    out_.raw(",\"used\":");
    out_.u64(e.args[1]);
    out_.raw("}");
    out_.end_event();
  }
  void instant(const Event& e, int64_t at, bool global, std::string_view name, StringId text) {
    head('i', global ? kRuntimeTid : tid_of(e.worker), at);
    out_.raw(global ? ",\"s\":\"g\"" : ",\"s\":\"t\"");
    out_.raw(",\"cat\":\"");
    out_.raw(info(e.kind).name);
    out_.raw("\",\"name\":\"");
    out_.raw(name);
    if (text != 0) {
      out_.raw(": ");
      out_.raw(esc(text));
    }
    out_.raw("\",\"args\":{\"task\":");
    out_.u64(e.task);
    out_.raw(",\"a0\":");
    out_.u64(e.args[0]);
    out_.raw(",\"a1\":");
    out_.u64(e.args[1]);
    out_.raw(",\"a2\":");
    out_.u64(e.args[2]);
    out_.raw("}");
    out_.end_event();
  }

  void handle(const Event& e, int64_t at) {
    switch (e.kind) {
      case EventKind::TaskCreate:
        task(e.task).name = static_cast<StringId>(e.args[1]);
        break;
      case EventKind::TaskStart:
        slot_emptied_by_start(e, at);
        open_run(tid_of(e.worker), e.task, at);
        break;
      case EventKind::PollBegin:
        open_run(tid_of(e.worker), e.task, at);
        break;
      case EventKind::TaskStop:
      case EventKind::TaskDestroy:
        close_task(e, at, reason_name(e.args[0]));
        break;
      case EventKind::TaskBlock:
        close_task(e, at, reason_name(e.args[0]));
        break;
      case EventKind::PollEnd:
        // A Pending poll names what the task now waits for (the task.block of goroutines).
        close_task(e, at,
                   e.args[0] == 0   ? std::string_view("ready")
                   : e.args[1] != 0 ? reason_name(e.args[1])
                                    : std::string_view("pending"));
        break;
      case EventKind::WorkerIdle:
      case EventKind::WorkerStop:
        close_run(tid_of(e.worker), at, "worker idle");
        break;
      case EventKind::TaskUnblock:
        wake(e, at, static_cast<TaskId>(e.args[0]), static_cast<WorkerId>(e.args[1]),
             reason_cstr(e.args[2]));
        slot_filled_by_unblock(e, at);
        break;
      case EventKind::WakerWake:
        wake(e, at, static_cast<TaskId>(e.args[0]), static_cast<WorkerId>(e.args[1]), "waker");
        break;
      case EventKind::QueueLength:
        counter_queue(e, at);
        break;
      case EventKind::StackBytes:
        counter_stack(e, at);
        break;
      case EventKind::RuntimeError: {
        static constexpr const char* kErr[] = {"deadlock",     "panic",     "stack overflow",
                                               "lost waker",   "long poll", "self wake",
                                               "large future", "error"};
        instant(e, at, true, e.args[0] < std::size(kErr) ? kErr[e.args[0]] : "error",
                static_cast<StringId>(e.args[1]));
        break;
      }
      case EventKind::Steal:
        instant(e, at, false, "steal", 0);
        break;
      case EventKind::Annotation:
        instant(e, at, true, "annotation", static_cast<StringId>(e.args[0]));
        break;
      case EventKind::RegionBegin:
        instant(e, at, false, "region begin", static_cast<StringId>(e.args[0]));
        break;
      case EventKind::RegionEnd:
        instant(e, at, false, "region end", static_cast<StringId>(e.args[0]));
        break;
      default:
        break;
    }
  }
  static const char* reason_cstr(uint64_t r) { return reason_name(r).data(); }

  JsonOut out_;
  const TraceData& data_;
  std::vector<std::string> escaped_;
  std::vector<bool> escaped_ready_;
  std::vector<OpenRun> runs_;  // index = tid
  std::unordered_map<TaskId, TaskInfo> tasks_;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> slot_length_;  // (queue, owner) -> length
  uint64_t flow_ids_ = 0;
};

}  // namespace

void write_perfetto_json(std::ostream& out, const TraceData& data) {
  Exporter(out, data).run();
}

void write_perfetto_json_file(const std::string& path, const TraceData& data) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw TraceError(path + ": cannot create " + tmp);
    write_perfetto_json(out, data);
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw TraceError(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw TraceError(path + ": cannot rename " + tmp);
  }
}

}  // namespace as::trace
