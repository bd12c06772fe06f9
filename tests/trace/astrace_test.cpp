// tests/trace/astrace_test.cpp — the .astrace format: round trips, streaming, hostile input.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "core/trace/synthetic_trace.hpp"
#include "core/trace/trace_summary.hpp"
#include "tests/trace/trace_test_util.hpp"

using namespace as::trace;
using namespace as::trace::test;

namespace {

// A valid value for each argument type (Enum 1 is valid for every Enum argument).
uint64_t sample_arg(ArgType t, StringId str) {
  switch (t) {
    case ArgType::None:
      return 0;
    case ArgType::U64:
      return 0xfedcba9876543210ull;
    case ArgType::I64:
      return static_cast<uint64_t>(int64_t{-5});
    case ArgType::Nanos:
      return 1234567890123ull;
    case ArgType::Task:
      return 0xfffffffeull;
    case ArgType::Worker:
      return 3;
    case ArgType::String:
      return str;
    case ArgType::Reason:
      return static_cast<uint64_t>(Reason::Io);
    case ArgType::Enum:
      return 1;
  }
  return 0;
}

std::string small_valid_file() {
  Recorder rec;
  emit_synthetic_trace(rec, SyntheticOptions{40, 2, 3, 9});
  const std::string path = temp_path("small.astrace");
  write_astrace(path, snapshot(rec));
  std::string bytes = slurp(path);
  std::remove(path.c_str());
  return bytes;
}

}  // namespace

TEST_CASE("astrace: every event kind round-trips with all its arguments", "[astrace]") {
  Recorder rec;
  rec.meta().runtime = "round trip \"runtime\"";
  rec.meta().model = ModelKind::Future;
  rec.meta().seed = 0xabcdef0123456789ull;
  rec.meta().workers = 5;
  rec.meta().simulated = false;
  const StringId text = rec.intern("some text");
  const StringId loc = rec.intern("core/x.cpp:12 f");
  int64_t ts = 10;
  for (const EventKindInfo& k : kEventKinds) {
    uint64_t a[kMaxArgs];
    for (int i = 0; i < kMaxArgs; ++i) a[i] = sample_arg(k.args[i].type, text);
    rec.emit_at(ts, k.kind, static_cast<WorkerId>(ts % 3), static_cast<TaskId>(ts * 7), a[0], a[1],
                a[2], loc);
    ++ts;
  }
  rec.emit_at(ts, EventKind::TaskStart, kNoWorker, 0xffffffffu);  // extreme ids
  const TraceData original = snapshot(rec);
  REQUIRE(original.events.size() == kEventKindCount + 1);

  const std::string path = temp_path("every_kind.astrace");
  write_astrace(path, original);
  const TraceData back = read_astrace(path);
  CHECK(back.meta.runtime == original.meta.runtime);
  CHECK(back.meta.model == ModelKind::Future);
  CHECK(back.meta.seed == original.meta.seed);
  CHECK(back.meta.workers == 5);
  CHECK_FALSE(back.meta.simulated);
  CHECK(back.strings == original.strings);
  require_same_events(back.events, original.events);
  for (size_t i = 0; i < kEventKindCount; ++i) CHECK(back.events[i].kind == kEventKinds[i].kind);
  std::remove(path.c_str());
}

TEST_CASE("astrace: empty trace and synthetic trace round-trip", "[astrace]") {
  const std::string path = temp_path("rt.astrace");
  {
    Recorder rec;
    write_astrace(path, snapshot(rec));
    const TraceData back = read_astrace(path);
    CHECK(back.events.empty());
    CHECK(back.strings.size() == 1);
  }
  {
    Recorder rec;
    emit_synthetic_trace(rec, SyntheticOptions{70000, 3, 20, 5});  // > one EVENTS block
    const TraceData original = snapshot(rec);
    write_astrace(path, original);
    const TraceData back = read_astrace(path);
    CHECK(back.strings == original.strings);
    require_same_events(back.events, original.events);
  }
  std::remove(path.c_str());
}

TEST_CASE("astrace: check_event rejects out-of-range arguments", "[astrace]") {
  std::string why;
  Event e;
  e.kind = EventKind::TaskBlock;
  e.args[0] = static_cast<uint64_t>(Reason::ChanRecv);
  e.args[2] = 2;
  CHECK(check_event(e, 3, &why));
  CHECK_FALSE(check_event(e, 2, &why));  // object_name string id 2 not defined
  CHECK(why.find("object_name") != std::string::npos);
  e.args[2] = 0;
  e.args[0] = static_cast<uint64_t>(Reason::kCount);
  CHECK_FALSE(check_event(e, 3, &why));
  CHECK(why.find("reason") != std::string::npos);
  e.args[0] = 0;
  e.loc = 3;
  CHECK_FALSE(check_event(e, 3, &why));
  e.loc = 0;
  e.kind = EventKind::TaskStart;
  e.args[1] = 1;  // unused slot must be 0
  CHECK_FALSE(check_event(e, 3, &why));
  e = Event{};
  e.kind = static_cast<EventKind>(kEventKindCount);
  CHECK_FALSE(check_event(e, 3, &why));
  e.kind = EventKind::PollEnd;
  e.args[0] = 2;
  CHECK_FALSE(check_event(e, 3, &why));
  e.kind = EventKind::TaskUnblock;
  e.args[0] = uint64_t{1} << 32;  // task id wider than 32 bits
  CHECK_FALSE(check_event(e, 3, &why));
  // A reason may say which queue the task was put in (bits 8..15), nothing beyond.
  e.args[0] = 1;
  e.args[2] = unblock_reason(Reason::ChanRecv, QueueKind::Runnext);
  CHECK(check_event(e, 3, &why));
  CHECK(reason_name(e.args[2]) == "chan recv");
  CHECK(reason_of(e.args[2]) == Reason::ChanRecv);
  CHECK(queued_into(e.args[2]) == start_from(QueueKind::Runnext));
  e.args[2] = (start_from(QueueKind::Blocking) + 1) << 8;
  CHECK_FALSE(check_event(e, 3, &why));
  e.args[2] = uint64_t{1} << 16;
  CHECK_FALSE(check_event(e, 3, &why));
  e.kind = EventKind::PollEnd;  // a Pending poll's reason
  e.args[0] = 1;
  e.args[1] = static_cast<uint64_t>(Reason::Io);
  e.args[2] = 7;
  CHECK(check_event(e, 3, &why));
  e.args[1] = static_cast<uint64_t>(Reason::kCount);
  CHECK_FALSE(check_event(e, 3, &why));
}

TEST_CASE("astrace: writer refuses events the reader would reject", "[astrace]") {
  TraceData d;
  d.strings = {""};
  Event e;
  e.kind = EventKind::Annotation;
  e.args[0] = 5;  // no such string
  d.events.push_back(e);
  const std::string path = temp_path("bad_write.astrace");
  CHECK_THROWS_AS(write_astrace(path, d), TraceError);
  std::ifstream probe(path);
  CHECK_FALSE(probe.good());  // nothing left behind
}

TEST_CASE("astrace: truncation at every byte offset is a clean error", "[astrace][corrupt]") {
  const std::string bytes = small_valid_file();
  REQUIRE_NOTHROW(parse_astrace(bytes, "small.astrace"));
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    try {
      parse_astrace(std::string_view(bytes).substr(0, n), "small.astrace");
      FAIL("truncated file was accepted");
    } catch (const TraceError& e) {
      const std::string msg = e.what();
      REQUIRE(msg.rfind("small.astrace: offset ", 0) == 0);
    }
  }
}

TEST_CASE("astrace: flipped bytes give a clean error or a valid trace", "[astrace][corrupt]") {
  const std::string bytes = small_valid_file();
  size_t rejected = 0, accepted = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char pattern : {0x01, 0x10, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ pattern);
      try {
        const TraceData d = parse_astrace(bad, "flipped.astrace");
        // Accepted: must still be internally consistent, and safe for every consumer.
        std::string why;
        for (const Event& e : d.events) REQUIRE(check_event(e, d.strings.size(), &why));
        std::ostringstream json;
        write_perfetto_json(json, d);
        CHECK(summarize(d).events == d.events.size());
        ++accepted;
      } catch (const TraceError& e) {
        REQUIRE(std::string(e.what()).rfind("flipped.astrace: offset ", 0) == 0);
        ++rejected;
      }
    }
  }
  CHECK(rejected > 0);
  CHECK(accepted > 0);  // flips inside timestamps or strings are valid traces
}

TEST_CASE("astrace: specific defects are named with their offset", "[astrace][corrupt]") {
  const std::string good = small_valid_file();
  const auto error_of = [](const std::string& b) {
    try {
      parse_astrace(b, "f");
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(error_of("hello world, not a trace") == "f: offset 0: not an .astrace file (bad magic)");
  std::string v = good;
  v[8] = 9;
  CHECK(error_of(v) == "f: offset 8: unsupported .astrace version 9 (this build reads version 1)");
  std::string trailing = good + "x";
  CHECK(error_of(trailing).find("bytes after the END block") != std::string::npos);
  // A block claiming 4 GiB: refused before allocating.
  std::string huge = good.substr(0, 16);
  const char block[8] = {3, 0, 0, 0, '\xff', '\xff', '\xff', '\x7f'};
  huge.append(block, 8);
  CHECK(error_of(huge) ==
        "f: offset 20: block length 2147483647 exceeds the 0 bytes left (truncated)");
  // Unknown block type.
  std::string unknown = good.substr(0, 16);
  const char ub[8] = {9, 0, 0, 0, 0, 0, 0, 0};
  unknown.append(ub, 8);
  CHECK(error_of(unknown) == "f: offset 16: unknown block type 9");
}

TEST_CASE("astrace: out-of-range ids in events are refused at the event's offset",
          "[astrace][corrupt]") {
  const std::string good = small_valid_file();
  // Walk the blocks to the first EVENTS block.
  size_t pos = 16, events_at = 0;
  while (pos + 8 <= good.size()) {
    uint32_t type = 0, length = 0;
    std::memcpy(&type, good.data() + pos, 4);
    std::memcpy(&length, good.data() + pos + 4, 4);
    if (type == static_cast<uint32_t>(BlockType::Events)) {
      events_at = pos + 16;  // block header (8) + count and reserved (8)
      break;
    }
    pos += 8 + length;
  }
  REQUIRE(events_at != 0);
  const auto patched = [&](size_t field, const void* value, size_t n) {
    std::string b = good;
    std::memcpy(b.data() + events_at + field, value, n);
    try {
      parse_astrace(b, "f");
    } catch (const TraceError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string at = "f: offset " + std::to_string(events_at) + ": event 0: ";
  const uint32_t big_id = 9999;
  CHECK(patched(offsetof(Event, loc), &big_id, 4) ==
        at + "location string id 9999 not in string table");
  const uint16_t bad_kind = 200;
  CHECK(patched(offsetof(Event, kind), &bad_kind, 2) == at + "unknown event kind 200");
}

TEST_CASE("astrace: missing file names the path", "[astrace]") {
  try {
    read_astrace("/nonexistent/dir/x.astrace");
    FAIL("no error");
  } catch (const TraceError& e) {
    CHECK(std::string(e.what()).rfind("/nonexistent/dir/x.astrace: offset 0: cannot open", 0) == 0);
  }
}
