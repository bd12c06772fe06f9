// tests/lessons/player_test.cpp — the UI-free player on hand-made events: step windows, two sides,
// predict-then-reveal, failures and the source view.
#include <catch2/catch.hpp>

#include "lessons/lesson_parser.hpp"
#include "lessons/player.hpp"
#include "lessons/source_text.hpp"
#include "tests/lessons/test_events.hpp"

using namespace as::lessons;
using as::trace::EventKind;
using as::trace::Reason;

namespace {
Lesson parse(const std::string& text) {
  auto r = parse_lesson(text, "lesson.md", "01-test");
  if (auto* e = std::get_if<LoadError>(&r)) FAIL(e->message());
  return std::get<Lesson>(r);
}

const char* kTwoSides = R"(---
title: Two sides
go: g
future: f
---
## Producer starts
side: go
question: Which goroutine runs first?
choices: producer | consumer
answer: task of task.start
expect: producer
until: task.start

## Consumer blocks
until: block task=consumer

## Future pending
side: future
until: poll.end result=pending

## Go ends
side: go
until: end
)";
}  // namespace

TEST_CASE("steps resolve in order across two sides as events arrive", "[lessons][player]") {
  Player p(parse(kTwoSides));
  test::HandTrace go, fut;
  p.set_strings(Side::Go, go.lookup());
  p.set_strings(Side::Future, fut.lookup());
  go.create(1, "producer");       // 0
  go.create(2, "consumer");       // 1
  go.start(1);                    // 2
  go.start(2);                    // 3
  go.block(2, Reason::ChanRecv);  // 4

  // The future side's events arrive first: nothing resolves until the go side catches up.
  fut.create(9, "reader");
  fut.poll_end(9, as::trace::PollResult::Pending);
  p.feed(Side::Future, fut.events);
  CHECK(p.outcome(0).state == StepOutcome::State::Pending);

  p.feed(Side::Go, std::span(go.events).first(3));
  REQUIRE(p.outcome(0).state == StepOutcome::State::Reached);
  CHECK(p.outcome(0).begin == 0);
  CHECK(p.outcome(0).end == 3);
  CHECK(p.outcome(0).end_ts == go.events[2].ts);
  CHECK(p.outcome(0).answer == std::optional<std::string>("producer"));
  CHECK(p.outcome(1).state == StepOutcome::State::Pending);

  p.feed(Side::Go, std::span(go.events).subspan(3));
  REQUIRE(p.outcome(1).state == StepOutcome::State::Reached);
  CHECK(p.outcome(1).begin == 3);
  CHECK(p.outcome(1).end == 5);
  // The future step scans the stored backlog of its side.
  REQUIRE(p.outcome(2).state == StepOutcome::State::Reached);
  CHECK(p.outcome(2).side == Side::Future);
  CHECK(p.outcome(2).end == 2);
  CHECK(p.outcome(3).state == StepOutcome::State::Pending);

  // "end" is met by the end of the stream when no RuntimeStop was traced.
  p.finish(Side::Go);
  REQUIRE(p.outcome(3).state == StepOutcome::State::Reached);
  CHECK(p.outcome(3).begin == 5);
  CHECK(p.outcome(3).end == 5);
  CHECK(p.all_resolved());
}

TEST_CASE("a condition never met fails the step and the ones after it", "[lessons][player]") {
  Player p(parse("---\ntitle: t\ngo: g\n---\n## A\nuntil: 3rd steal\n\n## B\nuntil: end\n"));
  test::HandTrace t;
  p.set_strings(Side::Go, t.lookup());
  t.steal(0, 1, 1);
  t.steal(1, 0, 1);
  p.feed(Side::Go, t.events);
  CHECK(p.outcome(0).state == StepOutcome::State::Pending);
  p.finish(Side::Go);
  CHECK(p.outcome(0).state == StepOutcome::State::NotReached);
  CHECK_THAT(p.outcome(0).problem,
             Catch::Contains("ended before") && Catch::Contains("saw 2 of 3"));
  CHECK(p.outcome(1).state == StepOutcome::State::NotReached);
  CHECK(p.all_resolved());
}

TEST_CASE("narrative steps resolve at once, RuntimeStop ends 'end'", "[lessons][player]") {
  Player p(parse("---\ntitle: t\ngo: g\n---\n## Intro\n\ntext\n\n## Run\nuntil: end\n"));
  CHECK(p.outcome(0).state == StepOutcome::State::Reached);
  CHECK(p.outcome(0).end == 0);
  test::HandTrace t;
  p.set_strings(Side::Go, t.lookup());
  t.create(1, "main");
  t.stop_runtime();
  t.create(2, "late");
  p.feed(Side::Go, t.events);
  REQUIRE(p.outcome(1).state == StepOutcome::State::Reached);
  CHECK(p.outcome(1).end == 2);
}

TEST_CASE("predict then reveal compares with what the trace did", "[lessons][player]") {
  Player p(parse(kTwoSides));
  test::HandTrace go;
  p.set_strings(Side::Go, go.lookup());
  go.create(1, "producer");
  go.create(2, "consumer");
  CHECK_FALSE(p.reveal());  // not reached yet: nothing to reveal
  p.predict(1);             // "consumer"
  CHECK(p.prediction() == std::optional<size_t>(1));
  p.predict(7);  // out of range: ignored
  CHECK(p.prediction() == std::optional<size_t>(1));
  CHECK_FALSE(p.next());  // step 0 not reached
  go.start(1);
  p.feed(Side::Go, go.events);
  CHECK_FALSE(p.prediction_correct().has_value());  // not revealed yet
  CHECK(p.reveal());
  CHECK(p.revealed());
  CHECK(p.prediction_correct() == std::optional<bool>(false));
  p.predict(0);  // after the reveal the prediction is frozen
  CHECK(p.prediction() == std::optional<size_t>(1));

  CHECK(p.next());
  CHECK(p.current() == 1);
  CHECK_FALSE(p.revealed());
  CHECK_FALSE(p.go_to(3));  // step 1 and 2 not reached
  CHECK(p.previous());
  CHECK(p.current() == 0);
  CHECK(p.revealed());  // kept
  CHECK_FALSE(p.previous());
}

TEST_CASE("a correct prediction is recognised", "[lessons][player]") {
  Player p(parse(kTwoSides));
  test::HandTrace go;
  p.set_strings(Side::Go, go.lookup());
  go.create(1, "producer");
  go.start(1);
  p.feed(Side::Go, go.events);
  p.predict(0);
  REQUIRE(p.reveal());
  CHECK(p.prediction_correct() == std::optional<bool>(true));
}

TEST_CASE("an answer with no matching event is reported, not invented", "[lessons][player]") {
  Player p(
      parse("---\ntitle: t\ngo: g\n---\n## A\nquestion: who blocks?\nanswer: task of block\n"
            "expect: x\nuntil: end\n"));
  test::HandTrace t;
  p.set_strings(Side::Go, t.lookup());
  t.create(1, "main");
  p.feed(Side::Go, t.events);
  p.finish(Side::Go);
  REQUIRE(p.outcome(0).state == StepOutcome::State::Reached);
  CHECK_FALSE(p.outcome(0).answer.has_value());
  CHECK_THAT(p.outcome(0).problem, Catch::Contains("no 'block' happened"));
}

TEST_CASE("event locations map to lines of the side's source file", "[lessons][player]") {
  std::string out_file;
  int line = 0;
  CHECK(parse_location("01-spawn/scenario.cpp:42 main()", &out_file, &line));
  CHECK(out_file == "01-spawn/scenario.cpp");
  CHECK(line == 42);
  CHECK(parse_location("a/b.cpp:7", &out_file, &line));
  CHECK(line == 7);
  CHECK_FALSE(parse_location("no line here", &out_file, &line));

  Player p(parse("---\ntitle: t\ngo: g\n---\n## A\nhighlight: lines=3-4, line=9\nuntil: end\n"));
  p.set_source_path(Side::Go, "lessons/01-test/scenario.cpp");
  test::HandTrace t;
  p.set_strings(Side::Go, t.lookup());
  t.create(1, "main");
  t.events.back().loc = t.intern("01-test/scenario.cpp:12 main");
  t.start(1);
  t.add(EventKind::TaskBlock, 1).loc = t.intern("other/file.cpp:99 f");
  p.feed(Side::Go, t.events);
  CHECK(p.event_line(Side::Go, t.events[0]) == 12);
  CHECK(p.event_line(Side::Go, t.events[2]) == 0);
  SourceView v = p.source(Side::Go, t.events.size());
  CHECK(v.path == "lessons/01-test/scenario.cpp");
  CHECK(v.highlighted == std::vector<int>{3, 4, 9});
  CHECK(v.current_line == 12);
  CHECK(p.source(Side::Go, 0).current_line == 0);
}

TEST_CASE("embedded sources are the files as compiled", "[lessons][source]") {
  REQUIRE_FALSE(embedded_sources().empty());
  for (const auto& s : embedded_sources()) {
    CHECK_FALSE(s.text.empty());
    CHECK(find_source(s.path) == s.text);
  }
  CHECK(find_source("no/such/file.cpp").empty());
}
