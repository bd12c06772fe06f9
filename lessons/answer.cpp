// lessons/answer.cpp — reading a question's answer from a step window (see answer.hpp).
#include "lessons/answer.hpp"

namespace as::lessons {

Answer Answer::parse(std::string_view text) {
  std::vector<std::string> tokens = tokenize(text);
  if (tokens.size() < 3 || tokens[1] != "of")
    throw SyntaxError(
        "an answer reads 'PROPERTY of EVENT', e.g. 'task of next task.start' or "
        "'count of worker.steal'");
  Answer a;
  a.pattern = EventPattern::parse(tokens, 2);
  if (tokens[0] == "count") {
    a.count = true;
  } else {
    a.property = Field::parse(a.pattern.filter.kind, tokens[0]);
  }
  for (size_t i = 0; i < tokens.size(); ++i) a.text += (i ? " " : "") + tokens[i];
  return a;
}

std::optional<std::string> Answer::read(std::span<const trace::Event> window,
                                        const TraceContext& ctx) const {
  int seen = 0;
  for (const auto& e : window) {
    if (!pattern.filter.matches(e, ctx)) continue;
    ++seen;
    if (!count && seen == pattern.nth) return property.text(e, ctx);
  }
  if (count) return std::to_string(seen);
  return std::nullopt;
}

bool same_answer(std::string_view a, std::string_view b) {
  return normalize_value(a) == normalize_value(b);
}

}  // namespace as::lessons
