// tests/lessons/lesson_run_test.cpp — a whole lesson run headless on the simulation: the check
// verdict, its failure messages when the text and the run disagree, and the step annotations of
// an export.
#include <catch2/catch.hpp>

#include "lessons/lesson_library.hpp"
#include "lessons/lesson_run.hpp"

using namespace as::lessons;

namespace {
Lesson repo_lesson(const std::string& id) {
  auto lib = LessonLibrary::load(std::string(ASYNCSCOPE_SOURCE_DIR) + "/lessons");
  const Lesson* l = lib.find(id);
  REQUIRE(l != nullptr);
  return *l;
}
}  // namespace

TEST_CASE("lesson 1 runs both sides and passes its check", "[lessons][run]") {
  Lesson lesson = repo_lesson("1");
  LessonRun run = run_lesson(lesson);
  REQUIRE(run.sides.size() == 2);
  for (const auto& s : run.sides) {
    CHECK(s.result.exit_code == 0);
    CHECK_FALSE(s.trace.events.empty());
  }
  CheckResult r = check_lesson(run);
  for (const auto& line : r.lines) INFO(line);
  CHECK(r.ok);
  CHECK(r.lines.size() == lesson.steps.size());
  CHECK(run.player->all_resolved());
}

TEST_CASE("a wrong expectation fails the check with file and line", "[lessons][run]") {
  Lesson lesson = repo_lesson("1");
  Step* with_question = nullptr;
  for (auto& st : lesson.steps)
    if (st.question) {
      with_question = &st;
      break;
    }
  REQUIRE(with_question != nullptr);
  with_question->question->expect = "nobody";
  CheckResult r = check_lesson(run_lesson(lesson));
  CHECK_FALSE(r.ok);
  bool found = false;
  for (const auto& line : r.lines)
    found = found || (line.find("expects 'nobody'") != std::string::npos &&
                      line.find("lesson.md:") != std::string::npos);
  CHECK(found);
}

TEST_CASE("a condition the run never meets fails the check", "[lessons][run]") {
  Lesson lesson = repo_lesson("1");
  lesson.steps[0].until = Condition::parse("1000th worker.steal");
  CheckResult r = check_lesson(run_lesson(lesson));
  CHECK_FALSE(r.ok);
  REQUIRE_FALSE(r.lines.empty());
  CHECK_THAT(r.lines[0], Catch::Contains("FAILED") && Catch::Contains("saw"));
}

TEST_CASE("exported traces carry one annotation per step of that side", "[lessons][run]") {
  Lesson lesson = repo_lesson("1");
  LessonRun run = run_lesson(lesson);
  for (Side side : {Side::Go, Side::Future}) {
    as::trace::TraceData data = annotated_trace(run, side);
    size_t steps_on_side = 0;
    for (const auto& st : lesson.steps) steps_on_side += st.side == side ? 1 : 0;
    size_t annotations = 0;
    for (size_t i = 0; i < data.events.size(); ++i) {
      const auto& e = data.events[i];
      CHECK(e.seq == i);
      if (i > 0) CHECK(data.events[i - 1].ts <= e.ts);
      if (e.kind == as::trace::EventKind::Annotation &&
          data.str(static_cast<as::trace::StringId>(e.args[0])).starts_with("step "))
        ++annotations;
    }
    CHECK(annotations == steps_on_side);
  }
}
