// lessons/condition.hpp — what ends a lesson step, evaluated on the live trace.
//
//   until: task.block task=consumer        the next Block of task "consumer"
//   until: 3rd worker.steal                the third Steal after the step began
//   until: poll.end result=pending         the first poll that returned Pending
//   until: time >= 2ms                     the first event at virtual time ≥ 2 ms after start
//   until: end                             the scenario's end (RuntimeStop or end of stream)
//   until: now                             nothing to wait for (a narrative step)
//
// Owns: parsing a condition and tracking it over a stream of events (ConditionTracker).
// Invariant: ordinals count events from the start of the step, never from the start of the run —
// "next" always means "after where we stopped".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lessons/event_filter.hpp"

namespace as::lessons {

struct Condition {
  enum class Kind : uint8_t { Now, Event, Time, End };
  Kind kind = Kind::Now;
  EventPattern pattern;      // Kind::Event
  int64_t time_ns = 0;       // Kind::Time: virtual ns since the run started
  std::string text = "now";  // as written

  // parse reads a condition (see the examples above). Throws SyntaxError.
  static Condition parse(std::string_view text);
};

// ConditionTracker follows one condition over the events of one step window.
class ConditionTracker {
 public:
  explicit ConditionTracker(const Condition& c) : condition_(&c) {}
  explicit ConditionTracker(Condition&&) = delete;  // the tracker keeps a pointer: no temporaries
  // on_event tests the next event (already observed by ctx); true when the condition is met.
  bool on_event(const trace::Event& e, const TraceContext& ctx);
  // on_stream_end is called when the run ended; true if the condition is met by the end itself
  // (Condition::Kind::End without a RuntimeStop event).
  bool on_stream_end() const { return condition_->kind == Condition::Kind::End; }
  // matched_so_far counts pattern matches seen (for progress messages "2 of 3 steals").
  int matched_so_far() const { return matched_; }

 private:
  const Condition* condition_;
  int matched_ = 0;
};

}  // namespace as::lessons
