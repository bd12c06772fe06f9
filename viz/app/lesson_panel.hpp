// viz/app/lesson_panel.hpp — a lesson in the sidebar: step text, predict-then-reveal questions,
// the scenario's source with the step's lines highlighted, and Next / Back that move the playhead
// to where each step ends in the trace.
//
// Owns: the lessons::Player (UI-free: lessons/player.hpp) and the wiring between it and the app:
// the lesson's run(s) start through AppState (side 1 on the main timeline with the playhead, a
// second side on the compare timeline), every batch the runs deliver is fed to the player in the
// model's order (so the player's event indices are the model's), and a finished run is finish()ed.
// When the shown step becomes Reached, the playhead jumps to its last event and playback pauses.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/lesson.hpp"
#include "lessons/player.hpp"
#include "viz/app/app_state.hpp"
#include "viz/app/markdown_text.hpp"

namespace as::viz {

class LessonPanel {
 public:
  // open finds lesson `id` (number, folder or slug) under lessons_dir ("" = default search),
  // starts its runs and shows `step`. nullptr + error when the lesson cannot be found or run.
  static std::unique_ptr<LessonPanel> open(AppState& state, const std::string& lessons_dir,
                                           const std::string& id, int step, std::string& error);

  // update feeds the player what the runs delivered this frame and follows the current step.
  void update(AppState& state);
  // draw fills the sidebar's lesson tab.
  void draw(AppState& state, bool has_mono_font);

  lessons::Player& player() { return *player_; }
  const lessons::Lesson& lesson() const { return player_->lesson(); }
  // show_step moves to step i and puts the playhead at its end (when Reached on the main side).
  bool show_step(AppState& state, size_t i);

 private:
  LessonPanel() = default;
  void apply_step(AppState& state);
  bool side_on_main(lessons::Side side) const { return side == main_side_; }

  std::optional<lessons::Player> player_;
  lessons::Side main_side_ = lessons::Side::Go;
  std::optional<lessons::Side> compare_side_;
  bool main_finished_fed_ = false, compare_finished_fed_ = false;
  size_t applied_step_ = static_cast<size_t>(-1);
  // The lesson's prose laid out for the panel (markdown_text.hpp): the introduction once, the
  // shown step's text when the step changes.
  std::vector<TextBlock> intro_blocks_;
  std::vector<TextBlock> step_blocks_;
  size_t blocks_step_ = static_cast<size_t>(-1);
  bool scroll_to_highlight_ =
      false;                  // the shown step changed: scroll its first highlight into view
  int last_source_line_ = 0;  // step whose end the playhead was moved to
};

}  // namespace as::viz
