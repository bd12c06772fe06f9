// tests/future/trace_form_test.cpp — the shape of a future runtime's trace, on sim and os, on
// every executor: one event per wake (TaskUnblock when it schedules the task, WakerWake when it
// schedules nothing), a Pending poll's PollEnd naming what the task waits for (no TaskBlock),
// a wake caused by a channel send stamped with the send's time, and each writer thread's events
// in time order even though follow-on events share one clock read.
#include <map>
#include <set>
#include <vector>

#include "tests/future/runtime_bodies.hpp"

using namespace as::future;
using namespace as::future::test;
using as::trace::Event;
using as::trace::EventKind;
using as::trace::Reason;

namespace {

void check_trace_form(const Env& e) {
  as::trace::Recorder rec;
  body_pingpong(e, &rec);
  as::trace::Recorder::Cursor cursor;
  std::vector<std::vector<Event>> per_buffer;
  rec.poll_buffers(cursor, per_buffer);

  std::set<uint64_t> channels;
  size_t unblocks = 0, pending_polls = 0, sends = 0;
  for (const auto& events : per_buffer) {
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& ev = events[i];
      if (i > 0) REQUIRE(events[i - 1].ts <= ev.ts);  // each writer's events in time order
      CHECK(ev.kind != EventKind::TaskBlock);         // folded into PollEnd for futures
      if (ev.kind == EventKind::ChanMake) channels.insert(ev.args[0]);
      if (ev.kind == EventKind::ChanSend) ++sends;
      if (ev.kind == EventKind::PollEnd &&
          ev.args[0] == static_cast<uint64_t>(as::trace::PollResult::Pending) && ev.args[1] != 0) {
        ++pending_polls;
        const auto why = static_cast<Reason>(ev.args[1]);
        CHECK((why == Reason::ChanRecv || why == Reason::ChanSend || why == Reason::Join));
        if (why != Reason::Join) CHECK(channels.count(ev.args[2]) == 1);
      }
      if (ev.kind == EventKind::TaskUnblock &&
          static_cast<Reason>(ev.args[2]) == Reason::ChanSend) {
        ++unblocks;
        // The wake a send causes: right after that send, on the same thread, at the same time,
        // and not doubled by a WakerWake.
        REQUIRE(i > 0);
        CHECK(events[i - 1].kind == EventKind::ChanSend);
        CHECK(events[i - 1].ts == ev.ts);
        if (i + 1 < events.size()) {
          const Event& next = events[i + 1];
          CHECK(!(next.kind == EventKind::WakerWake && next.task == ev.task && next.ts == ev.ts));
        }
      }
    }
  }
  CHECK(sends >= 2000);
  CHECK(unblocks > 0);
  CHECK(pending_polls > 0);
}

}  // namespace

TEST_CASE("trace form: sim", "[future][trace]") {
  for (const Env& e : envs(false)) {
    SECTION(e.name) {
      check_trace_form(e);
    }
  }
}

TEST_CASE("trace form: os", "[future][trace][os]") {
  for (const Env& e : envs(true)) {
    SECTION(e.name) {
      check_trace_form(e);
    }
  }
}
