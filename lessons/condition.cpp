// lessons/condition.cpp — parsing and tracking step conditions (see condition.hpp).
#include "lessons/condition.hpp"

namespace as::lessons {

Condition Condition::parse(std::string_view text) {
  Condition c;
  std::vector<std::string> tokens = tokenize(text);
  if (tokens.empty() || (tokens.size() == 1 && tokens[0] == "now")) {
    c.kind = Kind::Now;
    c.text = "now";
    return c;
  }
  c.text.clear();
  for (size_t i = 0; i < tokens.size(); ++i) c.text += (i ? " " : "") + tokens[i];
  if (tokens.size() == 1 && (tokens[0] == "end" || tokens[0] == "runtime.end")) {
    c.kind = Kind::End;
    return c;
  }
  if (tokens[0] == "time" || tokens[0].starts_with("time>=")) {
    // "time >= 5ms", "time>=5ms", "time >=5ms"
    std::string rest;
    for (size_t i = 0; i < tokens.size(); ++i) rest += tokens[i];
    rest = rest.substr(4);
    if (!rest.starts_with(">="))
      throw SyntaxError("a time condition reads 'time >= 5ms' (only >= makes sense for a stop)");
    c.kind = Kind::Time;
    c.time_ns = parse_duration(rest.substr(2));
    return c;
  }
  c.kind = Kind::Event;
  c.pattern = EventPattern::parse(tokens);
  return c;
}

bool ConditionTracker::on_event(const trace::Event& e, const TraceContext& ctx) {
  switch (condition_->kind) {
    case Condition::Kind::Now:
      return true;
    case Condition::Kind::End:
      return e.kind == trace::EventKind::RuntimeStop;
    case Condition::Kind::Time:
      return e.ts - ctx.start_ts() >= condition_->time_ns;
    case Condition::Kind::Event:
      if (condition_->pattern.filter.matches(e, ctx)) ++matched_;
      return matched_ >= condition_->pattern.nth;
  }
  return false;
}

}  // namespace as::lessons
