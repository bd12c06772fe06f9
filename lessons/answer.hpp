// lessons/answer.hpp — how a predict-then-reveal question is answered by the trace itself.
//
//   answer: task of next task.start            which goroutine runs next?
//   answer: result of poll.end task=reader     what does the reader's next poll return?
//   answer: reason of task.block task=main     why does main block?
//   answer: count of worker.steal              how many steals happen in this step?
//   answer: line of task.block task=consumer   on which source line does the consumer block?
//
// Owns: parsing an answer expression and reading it from the events of a step window.
// The property is `task`, `worker`, `loc`, `line`, `count`, or any argument name of the event kind
// (see event_filter.hpp for how values are spelled). The reader's prediction is compared with the
// value read here — never with a value typed into the lesson by hand; `expect:` in the lesson file
// only lets `asyncscope lesson N --check` notice when the runtime's behaviour changes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lessons/event_filter.hpp"

namespace as::lessons {

struct Answer {
  bool count = false;  // "count of PATTERN": how many events of the window match
  Field property;      // otherwise: this field of the nth matching event
  EventPattern pattern;
  std::string text;  // as written

  // parse reads `PROPERTY of PATTERN` or `count of PATTERN`. Throws SyntaxError.
  static Answer parse(std::string_view text);

  // read returns the answer from a step window (events in order, each already observed by ctx),
  // or nullopt when the window holds no such event (the caller reports it).
  std::optional<std::string> read(std::span<const trace::Event> window,
                                  const TraceContext& ctx) const;
};

// same_answer compares a prediction with an answer the way values are compared in patterns
// (case-insensitive, '_' and '-' as spaces).
bool same_answer(std::string_view a, std::string_view b);

}  // namespace as::lessons
