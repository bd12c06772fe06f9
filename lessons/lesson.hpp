// lessons/lesson.hpp — a lesson as a teacher wrote it: header, introduction, steps. Plain data.
//
// Owns: the in-memory form of one lessons/<nn>-<slug>/lesson.md file (see lessons/GUIDE.md for the
// text format). The parser (lesson_parser.hpp) builds it, the player (player.hpp) plays it, the app
// draws it. Nothing here runs code or looks at a trace.
//
// Invariants (guaranteed by the parser):
//   - runs holds one or two RunSetups with different sides (one per model; two = side by side);
//   - every Step::side is the side of one of the runs;
//   - conditions and answers are parsed and checked against the event table (condition.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/answer.hpp"
#include "lessons/condition.hpp"
#include "scenarios/scenario.hpp"

namespace as::lessons {

// Side names one of the two runs of a lesson: the goroutine program or the future program.
enum class Side : uint8_t { Go = 0, Future = 1 };
inline constexpr size_t kSideCount = 2;
inline constexpr std::string_view side_name(Side s) {
  return s == Side::Go ? "go" : "future";
}
inline constexpr scenario::Model side_model(Side s) {
  return s == Side::Go ? scenario::Model::Goroutine : scenario::Model::Future;
}
inline constexpr size_t side_index(Side s) {
  return static_cast<size_t>(s);
}

// Panel names the app's panels a step may point at. The app maps each to its own window.
enum class Panel : uint8_t {
  Timeline,   // worker and task lanes
  RunQueues,  // runnext / local / global queues, LIFO slot, inject queue
  Channels,   // channel buffers and wait queues
  Timers,     // timers / timer wheel
  Io,         // netpoller / reactor registrations
  Wakers,     // wakers held by pending futures
  Stacks,     // goroutine stacks and future frame sizes
  Inspector,  // the selected task's history and wake chain
  Source,     // the scenario's source code
  kCount
};
inline constexpr std::array<std::string_view, static_cast<size_t>(Panel::kCount)> kPanelNames = {
    "timeline", "runqueues", "channels", "timers", "io", "wakers", "stacks", "inspector", "source"};
inline constexpr std::string_view panel_name(Panel p) {
  return kPanelNames[static_cast<size_t>(p)];
}

// LineRange is an inclusive range of 1-based source lines.
struct LineRange {
  int first = 0;
  int last = 0;
};

// Highlights is what a step asks the app to make stand out while it is shown.
struct Highlights {
  std::vector<std::string> tasks;  // task names as given to spawn ("producer")
  std::vector<int> workers;        // worker lanes by id (P id for goroutines, executor thread)
  std::vector<Panel> panels;       // panels to bring forward
  std::vector<LineRange> lines;    // source lines of the step's side's scenario file
  std::vector<std::string> marks;  // source marks: every line containing "[[mark]]" (see GUIDE.md)
  bool empty() const {
    return tasks.empty() && workers.empty() && panels.empty() && lines.empty() && marks.empty();
  }
};

// RunSetup says which program a side runs and how: the scenario id (a lesson scenario from
// lesson_scenarios.hpp or a built-in one from scenarios/scenario.hpp) and its run options.
// Lessons run on the deterministic simulation unless the reader asks for real threads.
struct RunSetup {
  Side side = Side::Go;
  std::string scenario;          // scenario id, looked up for side_model(side)
  scenario::RunOptions options;  // procs, seed, executor, params; options.real stays false
  bool offers_real = false;      // the lesson makes sense on real threads too ("real: offered")
};

// Question is a predict-then-reveal question: the reader predicts, the trace answers.
struct Question {
  std::string prompt;                // "Which goroutine runs next?"
  std::vector<std::string> choices;  // may be empty (free prediction, just revealed)
  Answer answer;                     // how the real answer is read from the step's events
  std::string expect;                // the answer on the deterministic run; --check verifies it
  int line = 0;                      // line of "question:" in the lesson file
};

// Step is one stop of the lesson: text shown while the run advances to `until`.
struct Step {
  std::string title;     // from the "## " heading
  std::string text;      // Markdown body
  Side side = Side::Go;  // whose run this step advances and watches
  Condition until;       // ends the step (Condition::Kind::Now when omitted)
  Highlights highlight;
  std::optional<Question> question;
  int line = 0;  // line of the "## " heading in the lesson file
};

// Lesson is one parsed lesson file.
struct Lesson {
  int number = 0;              // from the folder name "04-channels" → 4
  std::string id;              // folder name, e.g. "04-channels"
  std::string slug;            // "channels"
  std::string title;           // header "title:"
  std::string summary;         // header "summary:" (one line for lists)
  std::string intro;           // Markdown before the first step
  std::vector<RunSetup> runs;  // one or two (side by side)
  std::vector<Step> steps;
  std::string path;  // the lesson.md file it was read from

  // run returns the setup of a side, or nullptr if the lesson has no run on that side.
  const RunSetup* run(Side s) const {
    for (const auto& r : runs)
      if (r.side == s) return &r;
    return nullptr;
  }
};

}  // namespace as::lessons
