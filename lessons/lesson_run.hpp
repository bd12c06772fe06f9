// lessons/lesson_run.hpp — a lesson run headless: every side's scenario run to its end on the
// deterministic simulation (or real threads), its events fed through a Player, then checked.
//
// Owns: what `asyncscope lesson N --check` and `--export` do below the command line. The app does
// not use this (it runs scenarios live and feeds the Player itself, see player.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/trace/trace_data.hpp"
#include "lessons/lesson.hpp"
#include "lessons/player.hpp"

namespace as::lessons {

// SideRun is one side's finished run.
struct SideRun {
  Side side = Side::Go;
  std::string scenario;        // scenario id
  trace::TraceData trace;      // every event, sorted by time
  scenario::RunResult result;  // exit code and the runtime's report (panic, deadlock...)
};

struct LessonRun {
  std::vector<SideRun> sides;
  std::unique_ptr<Player> player;  // fed with every side's events, every side finished
};

// run_lesson runs each side of the lesson to the end. `real` runs on OS threads instead of the
// simulation (only sensible when RunSetup::offers_real). Throws std::runtime_error when a
// scenario id is unknown or a scenario throws.
LessonRun run_lesson(const Lesson& lesson, bool real = false);

// CheckResult is the verdict of --check: every step reached, every answer as expected.
struct CheckResult {
  bool ok = true;
  std::vector<std::string>
      lines;  // one human line per step ("step 3 ok: ...", "step 4 FAILED: ...")
};
CheckResult check_lesson(const LessonRun& run);

// annotated_trace returns a side's trace with one Annotation event per step of that side, at the
// event that ended the step ("step 3/7: The consumer blocks"), for lecture exports.
trace::TraceData annotated_trace(const LessonRun& run, Side side);

}  // namespace as::lessons
