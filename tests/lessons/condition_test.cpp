// tests/lessons/condition_test.cpp — event patterns, conditions and answers on hand-made events.
#include <catch2/catch.hpp>

#include "lessons/answer.hpp"
#include "lessons/condition.hpp"
#include "tests/lessons/test_events.hpp"

using namespace as::lessons;
using as::trace::EventKind;
using as::trace::PollResult;
using as::trace::Reason;

namespace {
// fire_index returns the index of the event that meets the condition, or -1.
int fire_index(const Condition& c, const test::HandTrace& t) {
  TraceContext ctx(t.lookup());
  ConditionTracker tracker(c);
  for (size_t i = 0; i < t.events.size(); ++i) {
    ctx.observe(t.events[i]);
    if (tracker.on_event(t.events[i], ctx)) return static_cast<int>(i);
  }
  return -1;
}
}  // namespace

TEST_CASE("event names resolve by full name or unique suffix", "[lessons][condition]") {
  CHECK(find_kind("task.block") == EventKind::TaskBlock);
  CHECK(find_kind("block") == EventKind::TaskBlock);
  CHECK(find_kind("steal") == EventKind::Steal);
  CHECK(find_kind("poll.end") == EventKind::PollEnd);
  CHECK_THROWS_WITH(find_kind("start"),
                    Catch::Contains("ambiguous") && Catch::Contains("task.start"));
  CHECK_THROWS_WITH(find_kind("blok"), Catch::Contains("unknown event 'blok'"));
  CHECK_THROWS_WITH(find_kind("task.blok"), Catch::Contains("did you mean: task.block"));
}

TEST_CASE("values normalize like a reader says them", "[lessons][condition]") {
  CHECK(normalize_value("Chan_Recv") == "chan recv");
  CHECK(normalize_value("  chan -  recv ") == "chan recv");
  CHECK(same_answer("Pending", "pending"));
  CHECK_FALSE(same_answer("producer", "consumer"));
}

TEST_CASE("tokenize keeps quoted spaces and rejects an open quote", "[lessons][condition]") {
  auto t = tokenize(R"(task.block task="my task" reason=select)");
  REQUIRE(t.size() == 3);
  CHECK(t[1] == "task=my task");
  CHECK_THROWS_AS(tokenize(R"(task="open)"), SyntaxError);
}

TEST_CASE("durations parse and format", "[lessons][condition]") {
  CHECK(parse_duration("250ns") == 250);
  CHECK(parse_duration("3us") == 3000);
  CHECK(parse_duration("1.5ms") == 1'500'000);
  CHECK(parse_duration("2s") == 2'000'000'000);
  CHECK(parse_duration("42") == 42);
  CHECK_THROWS_AS(parse_duration("5 minutes"), SyntaxError);
  CHECK(format_duration(1'500'000) == "1.5ms");
  CHECK(format_duration(250) == "250ns");
  CHECK(format_duration(2'000'000'000) == "2s");
}

TEST_CASE("next Block of a named task", "[lessons][condition]") {
  test::HandTrace t;
  t.create(1, "producer");
  t.create(2, "consumer");
  t.block(1, Reason::ChanSend);  // 2
  t.block(2, Reason::ChanRecv);  // 3
  t.block(2, Reason::Sleep);     // 4
  CHECK(fire_index(Condition::parse("task.block task=consumer"), t) == 3);
  CHECK(fire_index(Condition::parse("2nd block task=consumer"), t) == 4);
  CHECK(fire_index(Condition::parse("block task=consumer reason=sleep"), t) == 4);
  CHECK(fire_index(Condition::parse("block reason=chan_send"), t) == 2);
  CHECK(fire_index(Condition::parse("block task=cons*"), t) == 3);
  CHECK(fire_index(Condition::parse("block task!=producer"), t) == 3);
  CHECK(fire_index(Condition::parse("block task=nobody"), t) == -1);
}

TEST_CASE("the 3rd steal, counted, with numeric tests", "[lessons][condition]") {
  test::HandTrace t;
  t.steal(0, 1, 4);  // 0
  t.steal(1, 0, 1);  // 1
  t.steal(0, 1, 2);  // 2
  t.steal(0, 1, 8);  // 3
  CHECK(fire_index(Condition::parse("3rd worker.steal"), t) == 2);
  CHECK(fire_index(Condition::parse("third steal"), t) == 2);
  CHECK(fire_index(Condition::parse("steal count>=5"), t) == 3);
  CHECK(fire_index(Condition::parse("steal from=1"), t) == 1);
  CHECK(fire_index(Condition::parse("2nd steal worker=P1"), t) == 2);
  CHECK(fire_index(Condition::parse("5th steal"), t) == -1);
}

TEST_CASE("first poll returning Pending", "[lessons][condition]") {
  test::HandTrace t;
  t.create(7, "reader");
  t.poll_end(7, PollResult::Ready);
  t.poll_end(7, PollResult::Pending);
  CHECK(fire_index(Condition::parse("first poll.end result=pending"), t) == 2);
  CHECK(fire_index(Condition::parse("poll.end result=ready"), t) == 1);
}

TEST_CASE("virtual time and the end of the run", "[lessons][condition]") {
  test::HandTrace t;
  t.add(EventKind::RuntimeStart, 0);  // ts 0
  t.create(1, "main");                // ts 100
  t.start(1);                         // ts 200
  t.stop_runtime();                   // ts 300
  CHECK(fire_index(Condition::parse("time >= 150ns"), t) == 2);
  CHECK(fire_index(Condition::parse("time>=0.2us"), t) == 2);
  CHECK(fire_index(Condition::parse("end"), t) == 3);
  CHECK(fire_index(Condition::parse("time >= 1s"), t) == -1);
  CHECK(Condition::parse("now").kind == Condition::Kind::Now);
  CHECK(Condition::parse("").kind == Condition::Kind::Now);
  Condition end = Condition::parse("end");
  ConditionTracker end_tracker(end);
  CHECK(end_tracker.on_stream_end());
}

TEST_CASE("malformed conditions name what is wrong", "[lessons][condition]") {
  CHECK_THROWS_WITH(Condition::parse("task.block reason=chan_rcv"),
                    Catch::Contains("not a value of reason") && Catch::Contains("chan recv"));
  CHECK_THROWS_WITH(Condition::parse("worker.steal reason=io"),
                    Catch::Contains("has no field 'reason'"));
  CHECK_THROWS_WITH(Condition::parse("poll.end result=maybe"), Catch::Contains("pending"));
  CHECK_THROWS_WITH(Condition::parse("block task>3"), Catch::Contains("not a number"));
  CHECK_THROWS_WITH(Condition::parse("steal count=lots"), Catch::Contains("needs a number"));
  CHECK_THROWS_WITH(Condition::parse("time <= 5ms"), Catch::Contains("time >= 5ms"));
  CHECK_THROWS_WITH(Condition::parse("3rd"), Catch::Contains("expected an event name"));
  CHECK_THROWS_WITH(Condition::parse("block task"), Catch::Contains("field=value"));
}

TEST_CASE("answers read the property of the nth match, or a count", "[lessons][answer]") {
  test::HandTrace t;
  t.create(1, "main");
  t.create(2, "worker");
  t.start(2, 1);
  t.block(2, Reason::ChanRecv);
  t.steal(0, 1, 3);
  t.steal(1, 0, 1);
  TraceContext ctx(t.lookup());
  for (const auto& e : t.events) ctx.observe(e);
  CHECK(Answer::parse("task of next task.start").read(t.events, ctx) ==
        std::optional<std::string>("worker"));
  CHECK(Answer::parse("worker of task.start").read(t.events, ctx) ==
        std::optional<std::string>("1"));
  CHECK(Answer::parse("reason of task.block").read(t.events, ctx) ==
        std::optional<std::string>("chan recv"));
  CHECK(Answer::parse("count of worker.steal").read(t.events, ctx) ==
        std::optional<std::string>("2"));
  CHECK(Answer::parse("count of steal from=1").read(t.events, ctx) ==
        std::optional<std::string>("1"));
  CHECK(Answer::parse("count of 2nd steal from=1").read(t.events, ctx) ==
        std::optional<std::string>("1"));
  CHECK(Answer::parse("from of 2nd steal").read(t.events, ctx) == std::optional<std::string>("1"));
  CHECK_FALSE(Answer::parse("task of task.destroy").read(t.events, ctx).has_value());
  CHECK_THROWS_WITH(Answer::parse("task task.start"), Catch::Contains("PROPERTY of EVENT"));
  CHECK_THROWS_WITH(Answer::parse("colour of task.start"), Catch::Contains("no field 'colour'"));
}
