// lessons/player.hpp — the UI-free lesson player: plays a Lesson against the live trace of its
// run(s) and tells a UI (the desktop app) or a headless check (`asyncscope lesson N --check`)
// where each step ends, what to highlight, which source line is current and what the answer to
// each question turned out to be.
//
// How a UI uses it (the app, viz/app):
//   1. Load lessons with LessonLibrary (lesson_library.hpp); pick a Lesson.
//   2. For each RunSetup in lesson.runs: find its scenario with find_lesson_scenario()
//      (lesson_scenarios.hpp), make a Recorder, start the run off the UI thread, and call
//      player.set_strings(side, [&rec](StringId id) { return rec.string(id); }).
//   3. Every frame: rec.poll(cursor, fresh) and player.feed(side, fresh) — the player keeps its own
//      copy of the events it is given, in arrival order (index 0 = first event fed for that side).
//      When the run returns, player.finish(side).
//   4. Show step player.current(): its title/text/highlights (lesson().steps[i]), its question.
//      outcome(i) says whether the step's condition has been reached yet and where: move the
//      playhead of side outcome(i).side to outcome(i).end_ts (or event index end-1) and pause
//      there. Before it is reached, let the run advance (play / step the simulation).
//   5. Buttons: next() / previous() / go_to(i); predict(choice) then reveal(). The verdict is
//      prediction_correct(): the prediction compared with the answer read from the trace.
//   6. Source panel: source(side, playhead_event_index) gives the scenario's embedded source text,
//      the lines the step highlights and the line of the latest event at the playhead that
//      happened in that file.
//
// Evaluation is incremental and independent of what the UI shows: as events arrive, the player
// resolves steps in order (step k+1 starts right after the event that ended step k on its side),
// so a UI that lags behind the run, a UI that scrubs back, and the headless check see the same
// step boundaries.
//
// Thread-safety: none; call from one thread (the UI thread). The StringLookup given to
// set_strings() is called from feed() and from the accessors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/event.hpp"
#include "lessons/lesson.hpp"
#include "lessons/trace_context.hpp"

namespace as::lessons {

// StepOutcome is what the trace has said so far about one step.
struct StepOutcome {
  enum class State : uint8_t {
    Pending,     // earlier steps not resolved yet, or condition not reached yet on a running side
    Reached,     // the condition was met: [begin, end) is the step's window
    NotReached,  // the side's run ended (or an earlier step failed) without meeting the condition
  };
  State state = State::Pending;
  Side side = Side::Go;
  size_t begin = 0;    // index of the window's first event on `side`
  size_t end = 0;      // one past the event that met the condition (Reached only)
  int64_t end_ts = 0;  // ts of that event — where the playhead stops (Reached only)
  std::optional<std::string> answer;  // the question's answer read from the window (Reached)
  std::string problem;                // why NotReached, or why the answer could not be read
};

// SourceView is what the source panel shows for one side at one playhead position.
struct SourceView {
  std::string path;              // repo-relative path of the scenario file ("" if unknown)
  std::string_view text;         // the file as compiled (embedded at build time); may be empty
  std::vector<int> highlighted;  // 1-based lines the current step highlights (sorted, unique)
  int current_line = 0;  // line of the latest event up to the playhead in this file; 0 = none
};

class Player {
 public:
  // Player copies the lesson. The player starts at step 0 with no events.
  explicit Player(Lesson lesson);

  const Lesson& lesson() const { return lesson_; }
  size_t step_count() const { return lesson_.steps.size(); }

  // --- feeding the trace -------------------------------------------------------------------------
  // set_strings gives the string table of a side's run (needed before feed for that side).
  void set_strings(Side side, StringLookup strings);
  // feed appends events of one side (in the order the run emitted them) and resolves steps.
  void feed(Side side, std::span<const trace::Event> events);
  // finish says the side's run has returned: steps waiting on it are resolved (End) or fail.
  void finish(Side side);
  bool finished(Side side) const { return sides_[side_index(side)].finished; }
  // events returns everything fed for a side, in feed order (index = event index used here).
  const std::vector<trace::Event>& events(Side side) const {
    return sides_[side_index(side)].events;
  }
  const TraceContext& context(Side side) const { return sides_[side_index(side)].ctx; }

  // --- step resolution (independent of what is shown)
  // ---------------------------------------------
  const StepOutcome& outcome(size_t step) const { return outcomes_.at(step); }
  // all_resolved is true when every step is Reached or NotReached.
  bool all_resolved() const { return resolved_ == outcomes_.size(); }

  // --- what is shown ----------------------------------------------------------------------------
  size_t current() const { return current_; }
  const Step& current_step() const { return lesson_.steps.at(current_); }
  // next moves to the following step if the current one is Reached; false otherwise (or at end).
  bool next();
  // previous moves back one step (its prediction and reveal are kept); false at step 0.
  bool previous();
  // go_to shows step i if every step before it is Reached (or i == 0); false otherwise.
  bool go_to(size_t step);
  // at_last_step is true on the last step.
  bool at_last_step() const { return current_ + 1 >= lesson_.steps.size(); }

  // --- predict, then reveal (current step) ------------------------------------------------------
  // predict records the reader's choice (index into question->choices) before the reveal.
  // Ignored when the step has no question, the index is out of range or it was already revealed.
  void predict(size_t choice);
  std::optional<size_t> prediction() const { return presentations_.at(current_).prediction; }
  // reveal shows the answer; allowed only once the step is Reached. Returns whether it did.
  bool reveal();
  bool revealed() const { return presentations_.at(current_).revealed; }
  // prediction_correct: after reveal() with a prediction, whether it matched what happened.
  std::optional<bool> prediction_correct() const;

  // --- source panel
  // ------------------------------------------------------------------------------- source returns
  // the scenario source of a side with the current step's highlighted lines (when the step is on
  // that side) and the line of the latest event with a location in that file among events [0,
  // playhead_end). Pass events(side).size() for "now".
  SourceView source(Side side, size_t playhead_end) const;
  // event_line returns the source line of an event if its location is in the side's scenario
  // file, else 0.
  int event_line(Side side, const trace::Event& e) const;
  // source_path is the repo-relative scenario file of a side (from the scenario registry);
  // set_source_path overrides it (tests, or a UI showing another file).
  const std::string& source_path(Side side) const { return sides_[side_index(side)].source_path; }
  void set_source_path(Side side, std::string path) {
    sides_[side_index(side)].source_path = std::move(path);
  }

 private:
  struct SideState {
    TraceContext ctx;
    std::vector<trace::Event> events;
    size_t next_start = 0;  // where the next unresolved step on this side begins
    bool finished = false;
    std::string source_path;  // scenario file of this side (repo-relative)
  };
  struct Presentation {
    std::optional<size_t> prediction;
    bool revealed = false;
  };

  void resolve();
  void resolve_step_reached(size_t step, size_t end_index);
  void fail_from(size_t step, const std::string& problem);

  Lesson lesson_;
  SideState sides_[kSideCount];
  std::vector<StepOutcome> outcomes_;
  std::vector<Presentation> presentations_;
  size_t resolved_ = 0;  // steps [0, resolved_) are Reached or NotReached
  size_t scan_ = 0;      // for the step being resolved: next event index to test
  std::optional<ConditionTracker> tracker_;  // for the step being resolved
  size_t current_ = 0;
};

// parse_location splits an event location "dir/file.cpp:42 function" into file and line.
// Returns false if it has no ":<line>".
bool parse_location(std::string_view loc, std::string* file, int* line);

}  // namespace as::lessons
