// lessons/event_filter.hpp — "which events?" in a lesson: an event kind plus tests on its fields,
// e.g. `task.block task=consumer reason="chan recv"` or `3rd worker.steal count>=2`.
//
// Owns: parsing such a pattern from the words a teacher wrote, and matching it against events.
// Every name is checked against the event table (core/trace/event_kinds.hpp) when the lesson is
// loaded, so a typo is a load error with a hint, never a condition that silently never fires.
//
// Field values are compared the way a reader would say them: task ids become task names, reasons
// their names ("chan recv"), enums their names ("pending"), strings their text; comparisons ignore
// case, and '_' / '-' count as spaces, so reason=chan_recv matches "chan recv".
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/event.hpp"
#include "lessons/trace_context.hpp"

namespace as::lessons {

// SyntaxError is a mistake in a lesson's condition/answer/highlight text. The lesson parser adds
// the file and line.
struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// tokenize splits on spaces; "double quoted" parts keep their spaces (quotes removed).
// Throws SyntaxError on an unterminated quote.
std::vector<std::string> tokenize(std::string_view text);

// normalize_value lowercases, maps '_' and '-' to ' ', collapses and trims spaces.
std::string normalize_value(std::string_view v);

// find_kind resolves an event name: the full table name ("task.block") or a unique dotted suffix
// ("block", "poll.end"). Throws SyntaxError naming the candidates when unknown or ambiguous.
trace::EventKind find_kind(std::string_view name);

// enum_value_name is the reader's name of an Enum argument value ("pending" for PollEnd result 1).
std::string enum_value_name(trace::EventKind kind, int slot, uint64_t value);

// Field selects what of an event a test or an answer reads.
struct Field {
  enum class Source : uint8_t { Task, Worker, Loc, Line, Arg };
  Source source = Source::Task;
  int slot = 0;  // Source::Arg: argument slot 0..2

  // parse resolves a field name for events of `kind`: task, worker, loc, line or an argument name
  // of that kind. Throws SyntaxError listing the valid names.
  static Field parse(trace::EventKind kind, std::string_view name);
  // numeric tells whether <, <=, >, >= apply (numbers, durations, worker ids, line numbers).
  bool numeric(trace::EventKind kind) const;
  // text formats the field of e the way a reader names it (task name, reason name, number...).
  std::string text(const trace::Event& e, const TraceContext& ctx) const;
  // number is the raw numeric value (for numeric fields).
  int64_t number(const trace::Event& e, const TraceContext& ctx) const;
  // name is the field's name for messages.
  std::string name(trace::EventKind kind) const;
};

// FieldTest is one `field OP value` test of a pattern.
struct FieldTest {
  enum class Op : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Contains };
  Field field;
  Op op = Op::Eq;
  std::string value;   // normalized text (Eq, Ne, Contains); a trailing '*' on Eq is a prefix match
  int64_t number = 0;  // numeric operand (Lt..Ge; also Eq/Ne when the field is numeric)
  bool numeric = false;
};

// EventFilter is an event kind plus field tests that must all hold.
struct EventFilter {
  trace::EventKind kind = trace::EventKind::Annotation;
  std::vector<FieldTest> tests;

  bool matches(const trace::Event& e, const TraceContext& ctx) const;
};

// EventPattern is an ordinal plus a filter: "the nth event matching filter".
struct EventPattern {
  int nth = 1;
  EventFilter filter;
  std::string text;  // as written, for messages

  // parse reads `[ordinal] kind [field OP value]...` from tokens[from..]. Ordinals: next, first,
  // second, third, 1st, 2nd, 3rd, 4th, ... Throws SyntaxError.
  static EventPattern parse(const std::vector<std::string>& tokens, size_t from = 0);
};

// parse_duration reads "250ns", "3us", "3µs", "1.5ms", "2s" (a bare number is ns). Throws
// SyntaxError.
int64_t parse_duration(std::string_view text);
// format_duration writes ns as the shortest exact unit ("1.5ms", "250ns").
std::string format_duration(int64_t ns);

}  // namespace as::lessons
