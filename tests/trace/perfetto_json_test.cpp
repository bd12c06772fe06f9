// tests/trace/perfetto_json_test.cpp — structural checks of the Chrome Trace Event JSON export.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/trace/perfetto_json.hpp"
#include "core/trace/synthetic_trace.hpp"

using namespace as::trace;
using nlohmann::json;

namespace {

json export_json(const TraceData& d) {
  std::ostringstream out;
  write_perfetto_json(out, d);
  return json::parse(out.str());  // throws (fails the test) on invalid JSON
}

int64_t ns(const json& v) {
  return static_cast<int64_t>(std::llround(v.get<double>() * 1000.0));
}

struct Slice {
  int64_t start, end;
};

// Checks every structural promise of the exporter; returns the number of flows.
size_t check_structure(const json& doc) {
  REQUIRE(doc.is_object());
  REQUIRE(doc.at("displayTimeUnit") == "ns");
  const json& evs = doc.at("traceEvents");
  REQUIRE(evs.is_array());

  bool process_name = false;
  std::set<int> named_threads;
  std::map<int, std::vector<Slice>> slices;  // tid -> X slices
  int64_t min_ts = INT64_MAX;
  for (const json& e : evs) {
    const std::string ph = e.at("ph");
    REQUIRE(e.at("pid") == 1);
    REQUIRE(e.at("tid").get<int>() > 0);  // tid 0 is the idle thread to viewers
    if (ph == "M") {
      if (e.at("name") == "process_name") process_name = true;
      if (e.at("name") == "thread_name") named_threads.insert(e.at("tid").get<int>());
      continue;
    }
    const int64_t ts = ns(e.at("ts"));
    min_ts = std::min(min_ts, ts);
    if (ph == "X") {
      REQUIRE(e.contains("dur"));
      const int64_t dur = ns(e.at("dur"));
      REQUIRE(dur >= 0);
      slices[e.at("tid").get<int>()].push_back({ts, ts + dur});
    }
  }
  CHECK(process_name);
  CHECK(min_ts == 0);
  for (const auto& [tid, list] : slices) CHECK(named_threads.count(tid) == 1);

  // Slices of a thread nest: no partial overlap.
  for (auto& [tid, list] : slices) {
    std::sort(list.begin(), list.end(), [](const Slice& a, const Slice& b) {
      return a.start < b.start || (a.start == b.start && a.end > b.end);
    });
    std::vector<Slice> stack;
    for (const Slice& s : list) {
      while (!stack.empty() && stack.back().end <= s.start) stack.pop_back();
      if (!stack.empty()) {
        INFO("tid " << tid << " slice [" << s.start << "," << s.end << "] inside ["
                    << stack.back().start << "," << stack.back().end << "]");
        REQUIRE(s.end <= stack.back().end);
      }
      stack.push_back(s);
    }
  }

  // Every flow id has exactly one start and one end, each strictly inside a slice of its thread.
  std::map<uint64_t, int> starts, ends;
  const auto inside = [&](const json& e) {
    const int64_t ts = ns(e.at("ts"));
    for (const Slice& s : slices[e.at("tid").get<int>()])
      if (s.start < ts && ts < s.end) return true;
    return false;
  };
  for (const json& e : evs) {
    const std::string ph = e.at("ph");
    if (ph != "s" && ph != "f") continue;
    REQUIRE(inside(e));
    const auto id = e.at("id").get<uint64_t>();
    if (ph == "s") {
      ++starts[id];
    } else {
      ++ends[id];
      REQUIRE(e.at("bp") == "e");
    }
  }
  REQUIRE(starts.size() == ends.size());
  for (const auto& [id, n] : starts) {
    REQUIRE(n == 1);
    REQUIRE(ends[id] == 1);
  }
  return starts.size();
}

}  // namespace

TEST_CASE("perfetto json: synthetic trace is structurally valid", "[json]") {
  for (int workers : {1, 2, 4}) {
    Recorder rec;
    emit_synthetic_trace(rec, SyntheticOptions{5000, workers, 12, 3});
    const json doc = export_json(snapshot(rec));
    const size_t flows = check_structure(doc);
    CHECK(flows > 0);
    bool queue_counter = false, stack_counter = false;
    for (const json& e : doc.at("traceEvents")) {
      if (e.at("ph") != "C") continue;
      if (e.at("name") == "queue local w0") queue_counter = true;
      if (e.at("name") == "stack bytes") stack_counter = true;
    }
    CHECK(queue_counter);
    CHECK(stack_counter);
  }
}

TEST_CASE("perfetto json: a wakeup becomes one flow from waker's run to wakee's run", "[json]") {
  Recorder rec;
  rec.meta().runtime = "hand";
  const StringId a = rec.intern("sender"), b = rec.intern("receiver");
  rec.emit_at(100, EventKind::TaskCreate, 0, 1, 0, a, 0);
  rec.emit_at(100, EventKind::TaskCreate, 0, 2, 1, b, 0);
  rec.emit_at(100, EventKind::TaskStart, 1, 2);  // same virtual ns: ties are spread for viewers
  rec.emit_at(100, EventKind::TaskBlock, 1, 2, static_cast<uint64_t>(Reason::ChanRecv), 7, 0);
  rec.emit_at(200, EventKind::TaskStart, 0, 1);
  rec.emit_at(300, EventKind::TaskUnblock, 0, 2, 1, 0, static_cast<uint64_t>(Reason::ChanSend));
  rec.emit_at(400, EventKind::TaskStop, 0, 1, static_cast<uint64_t>(Reason::Done));
  rec.emit_at(500, EventKind::TaskStart, 1, 2);
  // Task 2 never stops: closed at trace end. A wake with no waking task starts on a marker.
  rec.emit_at(600, EventKind::TaskUnblock, kNoWorker, 1, 0, kNoWorker,
              static_cast<uint64_t>(Reason::Sleep));
  rec.emit_at(700, EventKind::TaskStart, 0, 1);
  const json doc = export_json(snapshot(rec));
  CHECK(check_structure(doc) == 2);

  std::vector<json> x, s, f;
  for (const json& e : doc.at("traceEvents")) {
    if (e.at("ph") == "X" && e.at("cat") == "task") x.push_back(e);
    if (e.at("ph") == "s") s.push_back(e);
    if (e.at("ph") == "f") f.push_back(e);
  }
  REQUIRE(x.size() == 4);
  std::map<std::string, int> runs;
  for (const json& e : x) ++runs[e.at("name").get<std::string>()];
  CHECK(runs["sender"] == 2);
  CHECK(runs["receiver"] == 2);
  REQUIRE(s.size() == 2);
  // First flow: from sender's run on worker 0 to receiver's second run on worker 1.
  const json& s1 = s[0].at("id") == 1 ? s[0] : s[1];
  const json& f1 = f[0].at("id") == 1 ? f[0] : f[1];
  CHECK(s1.at("tid") == 2);  // worker 0
  CHECK(f1.at("tid") == 3);  // worker 1
  CHECK(s1.at("args").at("reason") == "chan send");
  CHECK(ns(f1.at("ts")) == 400 + 1);  // 1 ns into the run starting at 500 - 100 (rebased)
}

TEST_CASE("perfetto json: strings are escaped, invalid UTF-8 replaced", "[json]") {
  Recorder rec;
  rec.meta().runtime = std::string("rt \"q\" \\ \x01 \xff end");
  const StringId name =
      rec.intern(std::string("t\"ab\\\n\t\x02 \xc3\xa9 \xe2\x82 \xed\xa0\x80 ok"));
  const StringId note = rec.intern("note \xf0\x9f\x98\x80");
  rec.emit_at(1, EventKind::TaskCreate, 0, 5, 0, name, 0);
  rec.emit_at(2, EventKind::TaskStart, 0, 5);
  rec.emit_at(3, EventKind::Annotation, kNoWorker, 0, note);
  rec.emit_at(4, EventKind::TaskStop, 0, 5, 0);
  const json doc = export_json(snapshot(rec));
  check_structure(doc);
  std::string slice_name, process, annotation;
  for (const json& e : doc.at("traceEvents")) {
    if (e.at("ph") == "X") slice_name = e.at("name");
    if (e.at("ph") == "M" && e.at("name") == "process_name") process = e.at("args").at("name");
    if (e.at("ph") == "i" && e.at("cat") == "user.annotation") annotation = e.at("name");
  }
  CHECK(slice_name ==
        "t\"ab\\\n\t\x02 \xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd ok");
  CHECK(process.rfind("rt \"q\" \\ \x01 \xef\xbf\xbd end", 0) == 0);
  CHECK(annotation == "annotation: note \xf0\x9f\x98\x80");
}

TEST_CASE("perfetto json: empty trace is valid", "[json]") {
  Recorder rec;
  const json doc = export_json(snapshot(rec));
  CHECK(doc.at("traceEvents").size() >= 2);  // process and runtime thread metadata
}

TEST_CASE("perfetto json: random event soup keeps every structural promise", "[json]") {
  // Arbitrary (valid) events in arbitrary order: starts of running tasks, stops of idle ones,
  // wakes of tasks that never run, many events at one timestamp. The export must stay well-formed.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    uint64_t x = seed * 0x9e3779b97f4a7c15ull;
    const auto rnd = [&x](uint64_t n) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x % n;
    };
    Recorder rec;
    const StringId name = rec.intern("t");
    int64_t ts = 0;
    for (int i = 0; i < 1500; ++i) {
      ts += static_cast<int64_t>(rnd(3));  // many ties
      const auto kind = static_cast<EventKind>(rnd(kEventKindCount));
      const EventKindInfo& inf = info(kind);
      uint64_t a[kMaxArgs] = {0, 0, 0};
      for (int k = 0; k < kMaxArgs; ++k) {
        switch (inf.args[k].type) {
          case ArgType::None:
            break;
          case ArgType::Task:
            a[k] = rnd(5);
            break;
          case ArgType::Worker:
            a[k] = rnd(4) == 0 ? kNoWorker : rnd(3);
            break;
          case ArgType::String:
            a[k] = name;
            break;
          case ArgType::Reason:
            a[k] = rnd(static_cast<uint64_t>(Reason::kCount));
            break;
          case ArgType::Enum:
            a[k] = rnd(2);
            break;
          default:
            a[k] = rnd(100);
        }
      }
      const auto worker = static_cast<WorkerId>(rnd(4) == 0 ? kNoWorker : rnd(3));
      rec.emit_at(ts, kind, worker, static_cast<TaskId>(rnd(5)), a[0], a[1], a[2]);
    }
    INFO("seed " << seed);
    check_structure(export_json(snapshot(rec)));
  }
}

TEST_CASE("perfetto json: extreme timestamps from a hostile file stay well-formed", "[json]") {
  TraceData d;
  d.strings = {""};
  Event e;
  e.kind = EventKind::TaskStart;
  e.worker = 0;
  e.task = 1;
  e.ts = INT64_MIN;
  d.events.push_back(e);
  e.kind = EventKind::TaskStop;
  e.ts = INT64_MAX;
  d.events.push_back(e);
  check_structure(export_json(d));
  TraceData empty_strings;  // no string table at all
  empty_strings.events = d.events;
  check_structure(export_json(empty_strings));
}

TEST_CASE("perfetto json: a task started from runnext or the LIFO slot empties its counter",
          "[json]") {
  Recorder rec;
  const auto runnext = static_cast<uint64_t>(QueueKind::Runnext);
  const auto lifo = static_cast<uint64_t>(QueueKind::Lifo);
  rec.emit_at(100, EventKind::TaskCreate, 0, 1, 0, rec.intern("a"), 0);
  rec.emit_at(100, EventKind::QueueLength, 0, 0, runnext, 0, 1);
  rec.emit_at(200, EventKind::TaskStart, 0, 1, start_from(QueueKind::Runnext));
  rec.emit_at(300, EventKind::TaskStop, 0, 1, static_cast<uint64_t>(Reason::Yield));
  rec.emit_at(300, EventKind::QueueLength, 1, 0, lifo, 1, 1);
  rec.emit_at(400, EventKind::TaskStart, 1, 1, start_from(QueueKind::Local));  // not from LIFO
  rec.emit_at(500, EventKind::TaskStop, 1, 1, static_cast<uint64_t>(Reason::Yield));
  rec.emit_at(600, EventKind::TaskStart, 1, 1, start_from(QueueKind::Lifo));
  const json doc = export_json(snapshot(rec));
  check_structure(doc);
  std::map<std::string, std::vector<std::pair<int64_t, uint64_t>>> counters;
  for (const json& e : doc.at("traceEvents"))
    if (e.at("ph") == "C")
      counters[e.at("name").get<std::string>()].emplace_back(
          ns(e.at("ts")), e.at("args").at("length").get<uint64_t>());
  // Rebased (100 ns is 0; the exporter spreads equal timestamps by a few ns for viewers).
  const auto values = [&](const std::string& name) {
    std::vector<uint64_t> v;
    for (const auto& [t, len] : counters[name]) v.push_back(len);
    return v;
  };
  CHECK(values("queue runnext w0") == std::vector<uint64_t>{1, 0});
  CHECK(values("queue lifo w1") == std::vector<uint64_t>{1, 0});
  REQUIRE(counters["queue runnext w0"].size() == 2);
  REQUIRE(counters["queue lifo w1"].size() == 2);
  CHECK(std::abs(counters["queue runnext w0"][1].first - 100) < 10);  // at the start
  CHECK(std::abs(counters["queue lifo w1"][1].first - 500) < 10);     // not at the start from Local
}

TEST_CASE("perfetto json: a Pending poll's slice ends with what the future waits for", "[json]") {
  Recorder rec;
  rec.meta().model = ModelKind::Future;
  rec.emit_at(100, EventKind::TaskCreate, 0, 1, 0, rec.intern("reader"), 0);
  rec.emit_at(200, EventKind::PollBegin, 0, 1);
  rec.emit_at(300, EventKind::PollEnd, 0, 1, static_cast<uint64_t>(PollResult::Pending),
              static_cast<uint64_t>(Reason::Io), 7);
  rec.emit_at(400, EventKind::PollBegin, 0, 1);
  rec.emit_at(500, EventKind::PollEnd, 0, 1, static_cast<uint64_t>(PollResult::Pending));
  rec.emit_at(600, EventKind::PollBegin, 0, 1);
  rec.emit_at(700, EventKind::PollEnd, 0, 1, static_cast<uint64_t>(PollResult::Ready));
  const json doc = export_json(snapshot(rec));
  check_structure(doc);
  std::vector<std::string> ends;
  for (const json& e : doc.at("traceEvents"))
    if (e.at("ph") == "X") ends.push_back(e.at("args").at("end").get<std::string>());
  CHECK(ends == std::vector<std::string>{"io", "pending", "ready"});
}

TEST_CASE("perfetto json: an unblock into runnext raises the runnext counter", "[json]") {
  Recorder rec;
  rec.emit_at(100, EventKind::TaskCreate, 0, 1, 0, rec.intern("a"), 0);
  rec.emit_at(100, EventKind::TaskCreate, 0, 2, 0, rec.intern("b"), 0);
  rec.emit_at(200, EventKind::TaskStart, 0, 1);
  rec.emit_at(300, EventKind::TaskBlock, 0, 1, static_cast<uint64_t>(Reason::ChanRecv), 8);
  rec.emit_at(400, EventKind::TaskStart, 0, 2);
  rec.emit_at(500, EventKind::TaskUnblock, 0, 1, 2, 0,
              unblock_reason(Reason::ChanRecv, QueueKind::Runnext));
  rec.emit_at(600, EventKind::TaskStop, 0, 2, static_cast<uint64_t>(Reason::Done));
  rec.emit_at(700, EventKind::TaskStart, 0, 1, start_from(QueueKind::Runnext));
  const json doc = export_json(snapshot(rec));
  check_structure(doc);
  std::vector<uint64_t> runnext;
  std::string flow_reason;
  for (const json& e : doc.at("traceEvents")) {
    if (e.at("ph") == "C" && e.at("name") == "queue runnext w0")
      runnext.push_back(e.at("args").at("length").get<uint64_t>());
  }
  CHECK(runnext == std::vector<uint64_t>{1, 0});
}
