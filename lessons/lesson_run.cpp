// lessons/lesson_run.cpp — running, checking and annotating a lesson headless (see lesson_run.hpp).
#include "lessons/lesson_run.hpp"

#include <stdexcept>

#include "lessons/lesson_scenarios.hpp"

namespace as::lessons {

LessonRun run_lesson(const Lesson& lesson, bool real) {
  LessonRun out;
  out.player = std::make_unique<Player>(lesson);
  for (const auto& setup : lesson.runs) {
    const scenario::Scenario* sc = find_lesson_scenario(setup.scenario, side_model(setup.side));
    if (!sc)
      throw std::runtime_error(lesson.path + ": no " + std::string(side_name(setup.side)) +
                               " scenario '" + setup.scenario + "'");
    scenario::RunOptions options = setup.options;
    options.real = real;
    trace::Recorder rec;
    SideRun side;
    side.side = setup.side;
    side.scenario = setup.scenario;
    side.result = sc->run(options, rec);
    side.trace = trace::snapshot(rec);
    out.sides.push_back(std::move(side));
  }
  // Feed after all runs so each TraceData (and its string table) has its final address.
  for (const auto& side : out.sides) {
    const trace::TraceData* data = &side.trace;
    out.player->set_strings(side.side, [data](trace::StringId id) { return data->str(id); });
    out.player->feed(side.side, side.trace.events);
    out.player->finish(side.side);
  }
  return out;
}

CheckResult check_lesson(const LessonRun& run) {
  CheckResult r;
  const Player& p = *run.player;
  const Lesson& lesson = p.lesson();
  for (size_t i = 0; i < p.step_count(); ++i) {
    const Step& st = lesson.steps[i];
    const StepOutcome& o = p.outcome(i);
    std::string head = "step " + std::to_string(i + 1) + "/" + std::to_string(p.step_count()) +
                       " [" + std::string(side_name(st.side)) + "] " + st.title;
    if (o.state != StepOutcome::State::Reached) {
      r.ok = false;
      r.lines.push_back(head + ": FAILED: " + (o.problem.empty() ? "not reached" : o.problem) +
                        " (" + lesson.path + ":" + std::to_string(st.line) + ")");
      continue;
    }
    std::string where = "reached 'until: " + st.until.text + "' at event " + std::to_string(o.end) +
                        ", t=" + format_duration(o.end_ts);
    if (st.question) {
      const Question& q = *st.question;
      if (!o.answer) {
        r.ok = false;
        r.lines.push_back(head + ": FAILED: " + o.problem + " (" + lesson.path + ":" +
                          std::to_string(q.line) + ")");
        continue;
      }
      if (!same_answer(*o.answer, q.expect)) {
        r.ok = false;
        r.lines.push_back(head + ": FAILED: question '" + q.prompt + "' expects '" + q.expect +
                          "' but the run answered '" + *o.answer + "' (" + lesson.path + ":" +
                          std::to_string(q.line) + ")");
        continue;
      }
      where += "; answer '" + *o.answer + "' as expected";
    }
    r.lines.push_back(head + ": ok: " + where);
  }
  return r;
}

trace::TraceData annotated_trace(const LessonRun& run, Side side) {
  const SideRun* sr = nullptr;
  for (const auto& s : run.sides)
    if (s.side == side) sr = &s;
  if (!sr) return {};
  trace::TraceData data = sr->trace;
  const Player& p = *run.player;
  // Insert from the last step backwards so earlier insertion points stay valid.
  for (size_t i = p.step_count(); i-- > 0;) {
    const StepOutcome& o = p.outcome(i);
    if (o.side != side || o.state != StepOutcome::State::Reached) continue;
    const Step& st = p.lesson().steps[i];
    std::string text =
        "step " + std::to_string(i + 1) + "/" + std::to_string(p.step_count()) + ": " + st.title;
    data.strings.push_back(text);
    trace::Event e;
    e.kind = trace::EventKind::Annotation;
    e.ts = o.end_ts;
    e.worker = trace::kNoWorker;
    e.args[0] = data.strings.size() - 1;
    size_t at = std::min(o.end, data.events.size());
    data.events.insert(data.events.begin() + static_cast<std::ptrdiff_t>(at), e);
  }
  for (size_t i = 0; i < data.events.size(); ++i) data.events[i].seq = static_cast<uint32_t>(i);
  return data;
}

}  // namespace as::lessons
