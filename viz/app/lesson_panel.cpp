// viz/app/lesson_panel.cpp — see lesson_panel.hpp.
#include "viz/app/lesson_panel.hpp"

#include <imgui.h>

#include <algorithm>

#include "lessons/lesson_library.hpp"
#include "lessons/lesson_scenarios.hpp"
#include "viz/app/markdown_text.hpp"

namespace as::viz {
namespace {

using lessons::Side;
using lessons::StepOutcome;

const char* outcome_text(StepOutcome::State s) {
  switch (s) {
    case StepOutcome::State::Pending:
      return "running...";
    case StepOutcome::State::Reached:
      return "reached";
    case StepOutcome::State::NotReached:
      return "not reached";
  }
  return "?";
}

}  // namespace

std::unique_ptr<LessonPanel> LessonPanel::open(AppState& state, const std::string& lessons_dir,
                                               const std::string& id, int step,
                                               std::string& error) {
  std::string why;
  const std::string dir = lessons::find_lessons_dir(lessons_dir, &why);
  if (dir.empty()) {
    error = "no lessons folder found" + (why.empty() ? std::string() : ": " + why);
    return nullptr;
  }
  const lessons::LessonLibrary lib = lessons::LessonLibrary::load(dir);
  const lessons::Lesson* lesson = lib.find(id);
  if (lesson == nullptr) {
    const auto* bad = lib.error_for(id);
    error = bad ? bad->message() : "no lesson '" + id + "' in " + dir;
    return nullptr;
  }
  if (lesson->runs.empty() || lesson->steps.empty()) {
    error = "lesson " + lesson->id + " has no run or no steps";
    return nullptr;
  }
  std::unique_ptr<LessonPanel> panel(new LessonPanel());
  panel->player_.emplace(*lesson);
  panel->intro_blocks_ = markdown_blocks(lesson->intro);
  // Side 1 on the main timeline (playhead, stepping); a second side on the compare timeline.
  const lessons::RunSetup& first = lesson->runs.front();
  const scenario::Scenario* s1 =
      lessons::find_lesson_scenario(first.scenario, lessons::side_model(first.side));
  if (s1 == nullptr) {
    error = "lesson " + lesson->id + ": unknown scenario '" + first.scenario + "'";
    return nullptr;
  }
  panel->main_side_ = first.side;
  state.clear_compare();
  state.run_scenario_with(*s1, first.options, false);
  state.main.live.keep_delivered = true;
  LiveRun* main_live = &state.main.live;
  panel->player_->set_strings(first.side,
                              [main_live](trace::StringId i) { return main_live->string(i); });
  if (lesson->runs.size() > 1) {
    const lessons::RunSetup& second = lesson->runs[1];
    const scenario::Scenario* s2 =
        lessons::find_lesson_scenario(second.scenario, lessons::side_model(second.side));
    if (s2 != nullptr) {
      panel->compare_side_ = second.side;
      state.run_scenario_with(*s2, second.options, true);
      state.compare.live.keep_delivered = true;
      LiveRun* cmp_live = &state.compare.live;
      panel->player_->set_strings(second.side,
                                  [cmp_live](trace::StringId i) { return cmp_live->string(i); });
    }
  }
  state.main.title = "lesson " + lesson->id + ": " + lesson->title;
  panel->player_->go_to(static_cast<size_t>(std::max(step, 0)));
  return panel;
}

void LessonPanel::update(AppState& state) {
  if (!player_) return;
  if (auto batch = state.main.live.take_delivered(); !batch.empty())
    player_->feed(main_side_, batch);
  if (!main_finished_fed_ && !state.main.live.active() && state.main.model.event_count() > 0) {
    player_->finish(main_side_);
    main_finished_fed_ = true;
  }
  if (compare_side_) {
    if (auto batch = state.compare.live.take_delivered(); !batch.empty())
      player_->feed(*compare_side_, batch);
    if (!compare_finished_fed_ && !state.compare.live.active() &&
        state.compare.model.event_count() > 0) {
      player_->finish(*compare_side_);
      compare_finished_fed_ = true;
    }
  }
  apply_step(state);
}

void LessonPanel::apply_step(AppState& state) {
  const size_t i = player_->current();
  const StepOutcome& o = player_->outcome(i);
  const lessons::Step& step = player_->current_step();
  if (applied_step_ != i) {
    state.highlight_tasks = step.highlight.tasks;
    state.focus_panel = step.highlight.panels.empty()
                            ? ""
                            : std::string(lessons::panel_name(step.highlight.panels.front()));
    // Select the first highlighted task so the inspector shows it.
    const auto& tasks = state.main.model.tasks();
    for (const auto& name : step.highlight.tasks) {
      auto it = std::find_if(tasks.begin(), tasks.end(), [&](const TaskInfo& t) {
        return state.main.model.str(t.name) == name;
      });
      if (it != tasks.end()) {
        state.select_task(it->id);
        break;
      }
    }
  }
  if (o.state == StepOutcome::State::Reached && applied_step_ != i) {
    applied_step_ = i;
    if (side_on_main(o.side) && o.end > 0) state.scrub_to_event(static_cast<EventIndex>(o.end - 1));
  }
}

bool LessonPanel::show_step(AppState& state, size_t i) {
  if (!player_ || !player_->go_to(i)) return false;
  applied_step_ = static_cast<size_t>(-1);
  apply_step(state);
  return true;
}

void LessonPanel::draw(AppState& state, bool has_mono_font) {
  if (!player_) return;
  lessons::Player& p = *player_;
  const lessons::Lesson& lesson = p.lesson();
  const size_t i = p.current();
  const lessons::Step& step = p.current_step();
  const StepOutcome& o = p.outcome(i);
  ImGui::TextWrapped("%s", lesson.title.c_str());
  ImGui::TextDisabled("step %zu of %zu  (%s)", i + 1, p.step_count(), outcome_text(o.state));
  ImGui::BeginDisabled(i == 0);
  if (ImGui::Button("< Back")) {
    p.previous();
    applied_step_ = static_cast<size_t>(-1);
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(p.at_last_step() || o.state != StepOutcome::State::Reached);
  if (ImGui::Button("Next >")) {
    p.next();
    applied_step_ = static_cast<size_t>(-1);
    // Let the run continue until the next step's condition is met.
    if (p.outcome(p.current()).state == StepOutcome::State::Pending) state.set_playing(true);
  }
  ImGui::EndDisabled();
  if (o.state == StepOutcome::State::Pending && !state.playing()) {
    ImGui::SameLine();
    if (ImGui::Button("Run to step")) state.set_playing(true);
  }
  ImFont* mono = has_mono_font && ImGui::GetIO().Fonts->Fonts.Size > 1
                     ? ImGui::GetIO().Fonts->Fonts[1]
                     : nullptr;
  // The step changed: lay out its prose once; the introduction is open on the first step only.
  const bool new_step = blocks_step_ != i;
  if (new_step) {
    step_blocks_ = markdown_blocks(step.text);
    blocks_step_ = i;
    scroll_to_highlight_ = true;
  }
  ImGui::Separator();
  if (new_step) ImGui::SetNextItemOpen(i == 0, ImGuiCond_Always);
  if (!intro_blocks_.empty() && ImGui::CollapsingHeader("Introduction")) {
    draw_markdown(intro_blocks_, mono);
    ImGui::Separator();
  }
  ImGui::TextWrapped("%s", step.title.c_str());
  ImGui::Spacing();
  draw_markdown(step_blocks_, mono);
  if (o.state == StepOutcome::State::NotReached && !o.problem.empty())
    ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1), "%s", o.problem.c_str());

  if (step.question) {
    ImGui::Separator();
    const lessons::Question& q = *step.question;
    ImGui::TextWrapped("Predict: %s", q.prompt.c_str());
    const auto prediction = p.prediction();
    for (size_t c = 0; c < q.choices.size(); ++c) {
      const bool chosen = prediction && *prediction == c;
      if (ImGui::RadioButton((q.choices[c] + "##choice" + std::to_string(c)).c_str(), chosen) &&
          !p.revealed())
        p.predict(c);
    }
    ImGui::BeginDisabled(p.revealed() || o.state != StepOutcome::State::Reached);
    if (ImGui::Button("Reveal")) p.reveal();
    ImGui::EndDisabled();
    if (p.revealed()) {
      ImGui::TextWrapped("The trace says: %s", o.answer ? o.answer->c_str() : "(no answer)");
      if (auto correct = p.prediction_correct())
        ImGui::TextColored(
            *correct ? ImVec4(0.0f, 0.62f, 0.45f, 1) : ImVec4(0.84f, 0.37f, 0.0f, 1), "%s",
            *correct ? "Your prediction was right." : "Not what happened - look at the timeline.");
    }
  }

  // Source of the step's side, with highlighted lines and the line at the playhead.
  const size_t playhead_end =
      side_on_main(step.side) ? (state.playhead() == kNoEvent ? 0 : state.playhead() + size_t{1})
                              : p.events(step.side).size();
  const lessons::SourceView src = p.source(step.side, playhead_end);
  if (!src.text.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("%s", src.path.c_str());
    ImGui::BeginChild("##source", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
    if (mono) ImGui::PushFont(mono);
    int line_no = 1;
    size_t pos = 0;
    const ImU32 hl = with_alpha(state.palette.state(StateColour::Runnable), 0x50);
    const ImU32 cur = with_alpha(state.palette.state(StateColour::Running), 0x70);
    while (pos <= src.text.size()) {
      const size_t nl = src.text.find('\n', pos);
      const std::string_view line =
          src.text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      const bool highlighted =
          std::binary_search(src.highlighted.begin(), src.highlighted.end(), line_no);
      const bool current = line_no == src.current_line;
      if (highlighted || current) {
        const ImVec2 a = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddRectFilled(
            a,
            ImVec2(a.x + ImGui::GetContentRegionAvail().x + 2000, a.y + ImGui::GetTextLineHeight()),
            current ? cur : hl);
      }
      ImGui::Text("%3d %s", line_no, std::string(line).c_str());
      // A new step brings its first highlighted line into view, once, when no line of this file
      // is at the playhead (else the view follows that line).
      if (scroll_to_highlight_ && highlighted && src.current_line == 0) {
        ImGui::SetScrollHereY(0.3f);
        scroll_to_highlight_ = false;
      }
      if (current && last_source_line_ != line_no) {
        ImGui::SetScrollHereY(
            0.3f);  // follow the playhead once per line change, then let the user scroll
        last_source_line_ = line_no;
      }
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
      ++line_no;
    }
    if (mono) ImGui::PopFont();
    ImGui::EndChild();
  }
}

}  // namespace as::viz
