// lessons/player.cpp — the UI-free lesson player (see player.hpp for how a UI drives it).
//
// Step resolution is a small state machine over the unresolved step: a ConditionTracker scans the
// events of the step's side from where the previous step on that side ended. Events of the other
// side are only stored; they are scanned when a step on that side becomes the one being resolved.
#include "lessons/player.hpp"

#include <algorithm>
#include <cctype>

#include "lessons/lesson_scenarios.hpp"
#include "lessons/source_text.hpp"

namespace as::lessons {

Player::Player(Lesson lesson) : lesson_(std::move(lesson)) {
  outcomes_.resize(lesson_.steps.size());
  presentations_.resize(lesson_.steps.size());
  for (size_t i = 0; i < lesson_.steps.size(); ++i) outcomes_[i].side = lesson_.steps[i].side;
  for (const auto& run : lesson_.runs) {
    if (const auto* sc = find_lesson_scenario(run.scenario, side_model(run.side)))
      sides_[side_index(run.side)].source_path = sc->source_file;
  }
  resolve();  // steps that wait for nothing resolve at once
}

void Player::set_strings(Side side, StringLookup strings) {
  sides_[side_index(side)].ctx.set_strings(std::move(strings));
}

void Player::feed(Side side, std::span<const trace::Event> events) {
  SideState& s = sides_[side_index(side)];
  s.events.reserve(s.events.size() + events.size());
  for (const auto& e : events) {
    s.ctx.observe(e);
    s.events.push_back(e);
  }
  resolve();
}

void Player::finish(Side side) {
  sides_[side_index(side)].finished = true;
  resolve();
}

void Player::resolve() {
  while (resolved_ < lesson_.steps.size()) {
    const Step& step = lesson_.steps[resolved_];
    SideState& s = sides_[side_index(step.side)];
    if (!tracker_) {
      tracker_.emplace(step.until);
      scan_ = s.next_start;
      outcomes_[resolved_].begin = scan_;
    }
    if (step.until.kind == Condition::Kind::Now) {
      resolve_step_reached(resolved_, s.next_start);
      continue;
    }
    bool hit = false;
    while (scan_ < s.events.size()) {
      const trace::Event& e = s.events[scan_++];
      if (tracker_->on_event(e, s.ctx)) {
        hit = true;
        break;
      }
    }
    if (hit) {
      resolve_step_reached(resolved_, scan_);
      continue;
    }
    if (!s.finished) return;  // wait for more events
    if (tracker_->on_stream_end()) {
      resolve_step_reached(resolved_, s.events.size());
      continue;
    }
    std::string progress;
    if (step.until.kind == Condition::Kind::Event && step.until.pattern.nth > 1)
      progress = " (saw " + std::to_string(tracker_->matched_so_far()) + " of " +
                 std::to_string(step.until.pattern.nth) + ")";
    fail_from(resolved_, "the " + std::string(side_name(step.side)) +
                             " run ended before 'until: " + step.until.text + "'" + progress);
    return;
  }
}

void Player::resolve_step_reached(size_t step, size_t end_index) {
  const Step& st = lesson_.steps[step];
  SideState& s = sides_[side_index(st.side)];
  StepOutcome& o = outcomes_[step];
  o.state = StepOutcome::State::Reached;
  o.end = std::max(end_index, o.begin);
  o.end_ts = o.end > 0 ? s.events[o.end - 1].ts : s.ctx.start_ts();
  if (st.question) {
    std::span<const trace::Event> window(s.events.data() + o.begin, o.end - o.begin);
    o.answer = st.question->answer.read(window, s.ctx);
    if (!o.answer)
      o.problem = "no '" + st.question->answer.pattern.text + "' happened in this step, so '" +
                  st.question->answer.text + "' has no value";
  }
  s.next_start = o.end;
  ++resolved_;
  tracker_.reset();
}

void Player::fail_from(size_t step, const std::string& problem) {
  for (size_t i = step; i < outcomes_.size(); ++i) {
    outcomes_[i].state = StepOutcome::State::NotReached;
    outcomes_[i].problem = i == step ? problem : "an earlier step was not reached";
  }
  resolved_ = outcomes_.size();
  tracker_.reset();
}

bool Player::next() {
  if (current_ + 1 >= lesson_.steps.size()) return false;
  if (outcomes_[current_].state != StepOutcome::State::Reached) return false;
  ++current_;
  return true;
}

bool Player::previous() {
  if (current_ == 0) return false;
  --current_;
  return true;
}

bool Player::go_to(size_t step) {
  if (step >= lesson_.steps.size()) return false;
  for (size_t i = 0; i < step; ++i)
    if (outcomes_[i].state != StepOutcome::State::Reached) return false;
  current_ = step;
  return true;
}

void Player::predict(size_t choice) {
  const Step& st = lesson_.steps[current_];
  Presentation& p = presentations_[current_];
  if (!st.question || p.revealed || choice >= st.question->choices.size()) return;
  p.prediction = choice;
}

bool Player::reveal() {
  if (!lesson_.steps[current_].question) return false;
  if (outcomes_[current_].state != StepOutcome::State::Reached) return false;
  presentations_[current_].revealed = true;
  return true;
}

std::optional<bool> Player::prediction_correct() const {
  const Step& st = lesson_.steps[current_];
  const Presentation& p = presentations_[current_];
  const StepOutcome& o = outcomes_[current_];
  if (!st.question || !p.revealed || !p.prediction || !o.answer) return std::nullopt;
  return same_answer(st.question->choices[*p.prediction], *o.answer);
}

bool parse_location(std::string_view loc, std::string* file, int* line) {
  for (size_t i = loc.find(':'); i != std::string_view::npos; i = loc.find(':', i + 1)) {
    size_t j = i + 1;
    int n = 0;
    while (j < loc.size() && std::isdigit(static_cast<unsigned char>(loc[j])) && n < 10'000'000)
      n = n * 10 + (loc[j++] - '0');
    if (j > i + 1 && (j == loc.size() || loc[j] == ' ')) {
      if (file) *file = std::string(loc.substr(0, i));
      if (line) *line = n;
      return true;
    }
  }
  return false;
}

int Player::event_line(Side side, const trace::Event& e) const {
  const SideState& s = sides_[side_index(side)];
  if (e.loc == 0 || s.source_path.empty()) return 0;
  std::string file;
  int line = 0;
  if (!parse_location(s.ctx.string(e.loc), &file, &line) || file.empty()) return 0;
  const std::string& path = s.source_path;
  bool same = path == file || (path.size() > file.size() && path.ends_with(file) &&
                               path[path.size() - file.size() - 1] == '/');
  return same ? line : 0;
}

SourceView Player::source(Side side, size_t playhead_end) const {
  const SideState& s = sides_[side_index(side)];
  SourceView v;
  v.path = s.source_path;
  v.text = find_source(s.source_path);
  const Step& st = lesson_.steps[current_];
  if (st.side == side) {
    for (const auto& r : st.highlight.lines)
      for (int l = r.first; l <= r.last; ++l) v.highlighted.push_back(l);
    if (!st.highlight.marks.empty() && !v.text.empty()) {
      int line = 1;
      size_t start = 0;
      while (start <= v.text.size()) {
        size_t nl = v.text.find('\n', start);
        std::string_view text_line = v.text.substr(
            start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        for (const auto& m : st.highlight.marks)
          if (text_line.find("[[" + m + "]]") != std::string_view::npos)
            v.highlighted.push_back(line);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
        ++line;
      }
    }
    std::sort(v.highlighted.begin(), v.highlighted.end());
    v.highlighted.erase(std::unique(v.highlighted.begin(), v.highlighted.end()),
                        v.highlighted.end());
  }
  // The current line: the latest event up to the playhead that happened in this file. Lessons are
  // short, but bound the look-back so a long real-threads run cannot make a frame slow.
  size_t end = std::min(playhead_end, s.events.size());
  size_t limit = end > 200'000 ? end - 200'000 : 0;
  for (size_t i = end; i > limit; --i) {
    int l = event_line(side, s.events[i - 1]);
    if (l > 0) {
      v.current_line = l;
      break;
    }
  }
  return v;
}

}  // namespace as::lessons
