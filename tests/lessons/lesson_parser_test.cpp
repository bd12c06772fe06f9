// tests/lessons/lesson_parser_test.cpp — the lesson text format: a good file, and every kind of
// mistake giving file, line and what.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "lessons/lesson_library.hpp"
#include "lessons/lesson_parser.hpp"

using namespace as::lessons;

namespace {

const char* kGood = R"(---
title: Channels and wakeups
summary: who wakes whom
go: pingpong
future: pingpong
procs: 2
future.executor: current
go.params: n=3 cap=0
---

An unbuffered channel is a rendezvous.

## Step: The consumer blocks
side: go
until: task.block task=consumer reason=chan_recv
highlight: task=consumer, worker=P0, panel=channels, lines=12-14, mark=recv
highlight: panel=timeline

The consumer arrives first and parks.

It stays parked.

## Who runs next?
question: Which goroutine runs next?
choices: producer | consumer
answer: task of next task.start
expect: producer
until: task.start

```
## not a step inside a code block
```

## The future side
side: future
until: 2nd poll.end result=pending

## The end
until: end
)";

LoadError error_of(const std::string& text, const std::string& folder = "04-channels") {
  auto r = parse_lesson(text, "lesson.md", folder);
  REQUIRE(std::holds_alternative<LoadError>(r));
  return std::get<LoadError>(r);
}

// with_header wraps step text in a valid header.
std::string with_header(const std::string& steps) {
  return "---\ntitle: T\ngo: pingpong\n---\n" + steps;  // steps start on line 5
}

}  // namespace

TEST_CASE("a well-formed lesson parses completely", "[lessons][parser]") {
  auto r = parse_lesson(kGood, "lessons/04-channels/lesson.md", "04-channels");
  if (auto* e = std::get_if<LoadError>(&r)) FAIL(e->message());
  const Lesson& l = std::get<Lesson>(r);
  CHECK(l.number == 4);
  CHECK(l.slug == "channels");
  CHECK(l.id == "04-channels");
  CHECK(l.title == "Channels and wakeups");
  CHECK(l.summary == "who wakes whom");
  CHECK(l.intro == "An unbuffered channel is a rendezvous.");
  REQUIRE(l.runs.size() == 2);
  CHECK(l.run(Side::Go)->options.procs == 2);
  CHECK(l.run(Side::Go)->options.params.at("cap") == "0");
  CHECK(l.run(Side::Go)->options.executor == "multi");
  CHECK(l.run(Side::Future)->options.executor == "current");
  CHECK(l.run(Side::Future)->options.params.empty());
  REQUIRE(l.steps.size() == 4);

  const Step& s0 = l.steps[0];
  CHECK(s0.title == "The consumer blocks");
  CHECK(s0.line == 13);
  CHECK(s0.side == Side::Go);
  CHECK(s0.until.kind == Condition::Kind::Event);
  CHECK(s0.until.pattern.filter.kind == as::trace::EventKind::TaskBlock);
  CHECK(s0.highlight.tasks == std::vector<std::string>{"consumer"});
  CHECK(s0.highlight.workers == std::vector<int>{0});
  CHECK(s0.highlight.panels == std::vector<Panel>{Panel::Channels, Panel::Timeline});
  REQUIRE(s0.highlight.lines.size() == 1);
  CHECK(s0.highlight.lines[0].first == 12);
  CHECK(s0.highlight.lines[0].last == 14);
  CHECK(s0.highlight.marks == std::vector<std::string>{"recv"});
  CHECK(s0.text == "The consumer arrives first and parks.\n\nIt stays parked.");

  const Step& s1 = l.steps[1];
  CHECK(s1.side == Side::Go);  // inherited from the step before
  REQUIRE(s1.question.has_value());
  CHECK(s1.question->prompt == "Which goroutine runs next?");
  CHECK(s1.question->choices == std::vector<std::string>{"producer", "consumer"});
  CHECK(s1.question->expect == "producer");
  CHECK(s1.text.find("## not a step") != std::string::npos);

  CHECK(l.steps[2].side == Side::Future);
  CHECK(l.steps[2].until.pattern.nth == 2);
  CHECK(l.steps[3].until.kind == Condition::Kind::End);
  CHECK(l.steps[3].side == Side::Future);
}

TEST_CASE("malformed lessons report file, line and what", "[lessons][parser]") {
  SECTION("no header") {
    auto e = error_of("# Title\n## Step\n");
    CHECK(e.line == 1);
    CHECK_THAT(e.message(), Catch::StartsWith("lesson.md:1: ") && Catch::Contains("'---'"));
  }
  SECTION("unclosed header") {
    CHECK_THAT(error_of("---\ntitle: x\n").what, Catch::Contains("never closed"));
  }
  SECTION("no title") {
    CHECK_THAT(error_of("---\ngo: x\n---\n## S\n").what, Catch::Contains("title"));
  }
  SECTION("no scenario") {
    CHECK_THAT(error_of("---\ntitle: x\n---\n## S\n").what, Catch::Contains("names no scenario"));
  }
  SECTION("unknown header key") {
    auto e = error_of("---\ntitle: x\nprocz: 2\n---\n");
    CHECK(e.line == 3);
    CHECK_THAT(e.what, Catch::Contains("unknown header key 'procz'"));
  }
  SECTION("bad procs") {
    CHECK(error_of("---\ntitle: x\ngo: p\nprocs: many\n---\n").line == 4);
  }
  SECTION("per-side key without that side") {
    CHECK_THAT(error_of("---\ntitle: x\ngo: p\nfuture.procs: 2\n---\n## S\n").what,
               Catch::Contains("no run on that side"));
  }
  SECTION("no steps") {
    CHECK_THAT(error_of(with_header("just text\n")).what, Catch::Contains("no steps"));
  }
  SECTION("unknown step key") {
    auto e = error_of(with_header("## S\nuntill: end\n"));
    CHECK(e.line == 6);
    CHECK_THAT(e.what, Catch::Contains("unknown step key 'untill'"));
  }
  SECTION("bad condition") {
    auto e = error_of(with_header("## S\nuntil: task.blok\n"));
    CHECK(e.line == 6);
    CHECK_THAT(e.what, Catch::Contains("until: unknown event 'task.blok'"));
  }
  SECTION("bad reason value") {
    CHECK_THAT(error_of(with_header("## S\nuntil: block reason=naps\n")).what,
               Catch::Contains("not a value of reason"));
  }
  SECTION("step on a side without a run") {
    auto e = error_of(with_header("## S\nside: future\n"));
    CHECK(e.line == 6);
    CHECK_THAT(e.what, Catch::Contains("names no 'future:'"));
  }
  SECTION("question without answer") {
    auto e = error_of(with_header("## S\nquestion: Who?\nexpect: a\n"));
    CHECK(e.line == 6);
    CHECK_THAT(e.what, Catch::Contains("no 'answer:'"));
  }
  SECTION("question without expect") {
    CHECK_THAT(error_of(with_header("## S\nquestion: Who?\nanswer: task of task.start\n")).what,
               Catch::Contains("no 'expect:'"));
  }
  SECTION("expect not among the choices") {
    CHECK_THAT(
        error_of(with_header("## S\nquestion: Who?\nchoices: a | b\nanswer: task of task.start\n"
                             "expect: c\n"))
            .what,
        Catch::Contains("not one of the choices"));
  }
  SECTION("choices before question") {
    CHECK_THAT(error_of(with_header("## S\nchoices: a | b\n")).what,
               Catch::Contains("must follow"));
  }
  SECTION("bad highlight") {
    CHECK_THAT(error_of(with_header("## S\nhighlight: panel=sidebar\n")).what,
               Catch::Contains("unknown panel 'sidebar'"));
    CHECK_THAT(error_of(with_header("## S\nhighlight: lines=9-3\n")).what,
               Catch::Contains("lines="));
    CHECK_THAT(error_of(with_header("## S\nhighlight: colour=red\n")).what,
               Catch::Contains("unknown highlight 'colour'"));
  }
  SECTION("bad folder name") {
    CHECK_THAT(error_of(with_header("## S\n"), "channels").what,
               Catch::Contains("<number>-<slug>"));
  }
  SECTION("open code block") {
    CHECK_THAT(error_of(with_header("## S\n\n```\ncode\n")).what, Catch::Contains("never closed"));
  }
}

TEST_CASE("a malformed lesson does not hide the others", "[lessons][parser]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("as_lessons_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "01-good");
  fs::create_directories(dir / "02-bad");
  fs::create_directories(dir / "not-a-lesson");
  std::ofstream(dir / "01-good" / "lesson.md") << with_header("## S\nuntil: end\n");
  std::ofstream(dir / "02-bad" / "lesson.md") << with_header("## S\nuntil: sometime\n");
  auto lib = LessonLibrary::load(dir.string());
  REQUIRE(lib.lessons().size() == 1);
  CHECK(lib.lessons()[0].id == "01-good");
  REQUIRE(lib.errors().size() == 1);
  CHECK_THAT(lib.errors()[0].message(), Catch::Contains("02-bad/lesson.md:6: until:"));
  CHECK(lib.find("1") == &lib.lessons()[0]);
  CHECK(lib.find("01") == &lib.lessons()[0]);
  CHECK(lib.find("good") == &lib.lessons()[0]);
  CHECK(lib.find("01-good") == &lib.lessons()[0]);
  CHECK(lib.find("2") == nullptr);
  CHECK(lib.error_for("2") != nullptr);
  CHECK(find_lessons_dir(dir.string()) == dir.string());
  std::string why;
  CHECK(find_lessons_dir((dir / "01-good").string(), &why).empty());
  CHECK_THAT(why, Catch::Contains("holds no"));
  fs::remove_all(dir);
}

TEST_CASE("the repository's lessons all load", "[lessons][parser]") {
  auto lib = LessonLibrary::load(std::string(ASYNCSCOPE_SOURCE_DIR) + "/lessons");
  for (const auto& e : lib.errors()) FAIL_CHECK(e.message());
  CHECK(lib.lessons().size() >= 13);
}
