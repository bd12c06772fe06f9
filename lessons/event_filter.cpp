// lessons/event_filter.cpp — parsing and matching event patterns (see event_filter.hpp).
#include "lessons/event_filter.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace as::lessons {

using trace::ArgType;
using trace::EventKind;

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_token = false, in_quote = false;
  for (char c : text) {
    if (in_quote) {
      if (c == '"') {
        in_quote = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      in_quote = true;
      in_token = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_token) out.push_back(std::move(cur));
      cur.clear();
      in_token = false;
    } else {
      cur += c;
      in_token = true;
    }
  }
  if (in_quote) throw SyntaxError("unterminated \" in '" + std::string(text) + "'");
  if (in_token) out.push_back(std::move(cur));
  return out;
}

std::string normalize_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == '_' || c == '-' || std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {
// edit_distance is the Levenshtein distance (for "did you mean" hints on short names).
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

EventKind find_kind(std::string_view name) {
  std::vector<EventKind> candidates;
  for (const auto& k : trace::kEventKinds) {
    if (k.name == name) return k.kind;
    if (k.name.size() > name.size() && k.name.ends_with(name) &&
        k.name[k.name.size() - name.size() - 1] == '.')
      candidates.push_back(k.kind);
  }
  if (candidates.size() == 1) return candidates[0];
  if (candidates.empty()) {
    // Suggest names that contain the word, or are within two typos of it (or of its suffix).
    std::string hint;
    for (const auto& k : trace::kEventKinds) {
      std::string_view tail = k.name.substr(k.name.rfind('.') + 1);
      if (k.name.find(name) != std::string_view::npos || edit_distance(k.name, name) <= 2 ||
          edit_distance(tail, name) <= 1)
        hint += (hint.empty() ? "" : ", ") + std::string(k.name);
    }
    throw SyntaxError("unknown event '" + std::string(name) + "'" +
                      (hint.empty()
                           ? std::string(" (event names are in core/trace/event_kinds.hpp)")
                           : " (did you mean: " + hint + "?)"));
  }
  std::string names;
  for (auto k : candidates) names += (names.empty() ? "" : ", ") + std::string(trace::info(k).name);
  throw SyntaxError("event '" + std::string(name) + "' is ambiguous: " + names);
}

namespace {

constexpr std::string_view kPollResults[] = {"ready", "pending"};
constexpr std::string_view kModels[] = {"goroutine", "future"};
constexpr std::string_view kQueues[] = {"local", "global", "runnext", "inject", "lifo", "blocking"};
constexpr std::string_view kErrors[] = {"deadlock",  "panic",     "stack overflow", "lost waker",
                                        "long poll", "self wake", "large future",   "other"};

template <size_t N>
std::string pick(const std::string_view (&names)[N], uint64_t v) {
  return v < N ? std::string(names[v]) : std::to_string(v);
}

bool parse_int(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string enum_value_name(EventKind kind, int slot, uint64_t value) {
  if (slot != 0) return std::to_string(value);
  switch (kind) {
    case EventKind::PollEnd:
      return pick(kPollResults, value);
    case EventKind::RuntimeStart:
      return pick(kModels, value);
    case EventKind::QueueLength:
      return pick(kQueues, value);
    case EventKind::RuntimeError:
      return pick(kErrors, value);
    default:
      return std::to_string(value);
  }
}

int64_t parse_duration(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string number(text.substr(0, i));
  std::string_view unit = text.substr(i);
  double scale = 0;
  if (unit.empty() || unit == "ns")
    scale = 1;
  else if (unit == "us" || unit == "µs")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  if (number.empty() || scale == 0 || std::count(number.begin(), number.end(), '.') > 1)
    throw SyntaxError("'" + std::string(text) + "' is not a duration (like 250ns, 3us, 1.5ms, 2s)");
  return static_cast<int64_t>(std::llround(std::stod(number) * scale));
}

std::string format_duration(int64_t ns) {
  struct Unit {
    int64_t scale;
    const char* name;
  };
  for (Unit u : {Unit{1'000'000'000, "s"}, Unit{1'000'000, "ms"}, Unit{1'000, "us"}}) {
    if (std::llabs(ns) < u.scale) continue;
    // Up to three decimals, trailing zeros dropped: 1500000 → "1.5ms".
    std::string out = std::to_string(ns / u.scale);
    int64_t frac = std::llabs(ns % u.scale) * 1000 / u.scale;
    if (frac != 0) {
      std::string digits = std::to_string(1000 + frac).substr(1);
      while (digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    return out + u.name;
  }
  return std::to_string(ns) + "ns";
}

// ---- Field --------------------------------------------------------------------------------------

Field Field::parse(EventKind kind, std::string_view name) {
  Field f;
  if (name == "task") {
    f.source = Source::Task;
    return f;
  }
  if (name == "worker" || name == "lane") {
    f.source = Source::Worker;
    return f;
  }
  if (name == "loc") {
    f.source = Source::Loc;
    return f;
  }
  if (name == "line") {
    f.source = Source::Line;
    return f;
  }
  const auto& info = trace::info(kind);
  std::string valid = "task, worker, loc, line";
  for (int i = 0; i < trace::kMaxArgs; ++i) {
    if (info.args[i].type == ArgType::None) continue;
    if (info.args[i].name == name) {
      f.source = Source::Arg;
      f.slot = i;
      return f;
    }
    valid += ", " + std::string(info.args[i].name);
  }
  throw SyntaxError(std::string(info.name) + " has no field '" + std::string(name) +
                    "' (it has: " + valid + ")");
}

std::string Field::name(EventKind kind) const {
  switch (source) {
    case Source::Task:
      return "task";
    case Source::Worker:
      return "worker";
    case Source::Loc:
      return "loc";
    case Source::Line:
      return "line";
    case Source::Arg:
      return std::string(trace::info(kind).args[slot].name);
  }
  return "?";
}

bool Field::numeric(EventKind kind) const {
  switch (source) {
    case Source::Worker:
    case Source::Line:
      return true;
    case Source::Task:
    case Source::Loc:
      return false;
    case Source::Arg: {
      auto t = trace::info(kind).args[slot].type;
      return t == ArgType::U64 || t == ArgType::I64 || t == ArgType::Nanos || t == ArgType::Worker;
    }
  }
  return false;
}

namespace {
int line_of(const trace::Event& e, const TraceContext& ctx) {
  const std::string& loc = ctx.string(e.loc);
  // "file:line function": the first ':' followed by digits.
  for (size_t i = loc.find(':'); i != std::string::npos; i = loc.find(':', i + 1)) {
    size_t j = i + 1;
    int line = 0;
    while (j < loc.size() && std::isdigit(static_cast<unsigned char>(loc[j])))
      line = line * 10 + (loc[j++] - '0');
    if (j > i + 1 && (j == loc.size() || loc[j] == ' ')) return line;
  }
  return 0;
}
}  // namespace

int64_t Field::number(const trace::Event& e, const TraceContext& ctx) const {
  switch (source) {
    case Source::Worker:
      return e.worker;
    case Source::Line:
      return line_of(e, ctx);
    case Source::Task:
      return e.task;
    case Source::Loc:
      return e.loc;
    case Source::Arg:
      return static_cast<int64_t>(e.args[slot]);
  }
  return 0;
}

std::string Field::text(const trace::Event& e, const TraceContext& ctx) const {
  switch (source) {
    case Source::Task:
      return ctx.task_name(e.task);
    case Source::Worker:
      return e.worker == trace::kNoWorker ? std::string("none") : std::to_string(e.worker);
    case Source::Loc:
      return ctx.string(e.loc);
    case Source::Line:
      return std::to_string(line_of(e, ctx));
    case Source::Arg:
      break;
  }
  const auto& arg = trace::info(e.kind).args[slot];
  uint64_t v = e.args[slot];
  switch (arg.type) {
    case ArgType::Task:
      return ctx.task_name(static_cast<trace::TaskId>(v));
    case ArgType::Worker:
      return v == trace::kNoWorker ? std::string("none") : std::to_string(v);
    case ArgType::Reason:
      return std::string(trace::reason_name(v));
    case ArgType::Enum:
      return enum_value_name(e.kind, slot, v);
    case ArgType::String:
      return ctx.string(static_cast<trace::StringId>(v));
    case ArgType::I64:
      return std::to_string(static_cast<int64_t>(v));
    case ArgType::Nanos:
      return format_duration(static_cast<int64_t>(v));
    case ArgType::U64:
    case ArgType::None:
      return std::to_string(v);
  }
  return std::to_string(v);
}

// ---- EventFilter --------------------------------------------------------------------------------

bool EventFilter::matches(const trace::Event& e, const TraceContext& ctx) const {
  if (e.kind != kind) return false;
  for (const auto& t : tests) {
    if (t.numeric) {
      int64_t v = t.field.number(e, ctx);
      bool ok = false;
      switch (t.op) {
        case FieldTest::Op::Eq:
          ok = v == t.number;
          break;
        case FieldTest::Op::Ne:
          ok = v != t.number;
          break;
        case FieldTest::Op::Lt:
          ok = v < t.number;
          break;
        case FieldTest::Op::Le:
          ok = v <= t.number;
          break;
        case FieldTest::Op::Gt:
          ok = v > t.number;
          break;
        case FieldTest::Op::Ge:
          ok = v >= t.number;
          break;
        case FieldTest::Op::Contains:
          ok = false;
          break;
      }
      if (!ok) return false;
      continue;
    }
    std::string v = normalize_value(t.field.text(e, ctx));
    bool ok = false;
    switch (t.op) {
      case FieldTest::Op::Eq:
        ok = !t.value.empty() && t.value.back() == '*'
                 ? v.starts_with(std::string_view(t.value).substr(0, t.value.size() - 1))
                 : v == t.value;
        break;
      case FieldTest::Op::Ne:
        ok = v != t.value;
        break;
      case FieldTest::Op::Contains:
        ok = v.find(t.value) != std::string::npos;
        break;
      default:
        ok = false;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

namespace {

// parse_ordinal reads "next", "first", "3rd", "10th"...; returns 0 if the token is not one.
int parse_ordinal(std::string_view w) {
  static constexpr std::pair<std::string_view, int> kWords[] = {
      {"next", 1},   {"first", 1}, {"the", -1},  {"second", 2},  {"third", 3},
      {"fourth", 4}, {"fifth", 5}, {"sixth", 6}, {"seventh", 7}, {"eighth", 8}};
  for (auto [word, n] : kWords)
    if (w == word) return n;
  if (w.size() >= 3) {
    std::string_view suffix = w.substr(w.size() - 2);
    if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") {
      int64_t n = 0;
      if (parse_int(w.substr(0, w.size() - 2), &n) && n > 0 && n < 1'000'000)
        return static_cast<int>(n);
    }
  }
  return 0;
}

FieldTest parse_test(EventKind kind, const std::string& token) {
  static constexpr std::pair<std::string_view, FieldTest::Op> kOps[] = {
      {"!=", FieldTest::Op::Ne},      {">=", FieldTest::Op::Ge}, {"<=", FieldTest::Op::Le},
      {"~", FieldTest::Op::Contains}, {"=", FieldTest::Op::Eq},  {">", FieldTest::Op::Gt},
      {"<", FieldTest::Op::Lt}};
  size_t pos = std::string::npos, len = 0;
  FieldTest t;
  for (auto [op, code] : kOps) {
    size_t p = token.find(op);
    if (p != std::string::npos && (p < pos || (p == pos && op.size() > len))) {
      pos = p;
      len = op.size();
      t.op = code;
    }
  }
  if (pos == std::string::npos || pos == 0)
    throw SyntaxError("expected field=value, got '" + token + "'");
  std::string name = token.substr(0, pos);
  std::string value = token.substr(pos + len);
  t.field = Field::parse(kind, name);
  bool numeric_field = t.field.numeric(kind);
  bool ordering = t.op == FieldTest::Op::Lt || t.op == FieldTest::Op::Le ||
                  t.op == FieldTest::Op::Gt || t.op == FieldTest::Op::Ge;
  if (ordering && !numeric_field)
    throw SyntaxError("field '" + name + "' is not a number; use =, != or ~");
  if (numeric_field && t.op != FieldTest::Op::Contains) {
    t.numeric = true;
    bool is_nanos = t.field.source == Field::Source::Arg &&
                    trace::info(kind).args[t.field.slot].type == ArgType::Nanos;
    if (is_nanos) {
      t.number = parse_duration(value);
    } else if (!parse_int(value, &t.number)) {
      if (t.field.source == Field::Source::Worker && value.size() > 1 &&
          (value[0] == 'P' || value[0] == 'p') && parse_int(value.substr(1), &t.number)) {
        // worker=P1 reads like Go's P names.
      } else {
        throw SyntaxError("field '" + name + "' needs a number, got '" + value + "'");
      }
    }
    return t;
  }
  t.value = normalize_value(value);
  if (t.value.empty() && t.op != FieldTest::Op::Ne && t.op != FieldTest::Op::Eq)
    throw SyntaxError("empty value in '" + token + "'");
  // Reason and enum values are checked now, so a typo is a load error.
  if (t.field.source == Field::Source::Arg && t.op != FieldTest::Op::Contains) {
    auto type = trace::info(kind).args[t.field.slot].type;
    bool known = true;
    std::string valid;
    if (type == ArgType::Reason) {
      known = false;
      for (auto r : trace::kReasonNames) {
        valid += (valid.empty() ? "" : ", ") + std::string(r);
        known = known || normalize_value(r) == t.value;
      }
    } else if (type == ArgType::Enum) {
      known = false;
      for (uint64_t v = 0; v < 16; ++v) {
        std::string n = enum_value_name(kind, t.field.slot, v);
        if (n == std::to_string(v)) break;
        valid += (valid.empty() ? "" : ", ") + n;
        known = known || normalize_value(n) == t.value;
      }
      if (valid.empty()) known = true;
    }
    if (!known)
      throw SyntaxError("'" + value + "' is not a value of " + name + " (one of: " + valid + ")");
  }
  return t;
}

}  // namespace

EventPattern EventPattern::parse(const std::vector<std::string>& tokens, size_t from) {
  EventPattern p;
  size_t i = from;
  for (; i < tokens.size(); ++i) {
    int n = parse_ordinal(tokens[i]);
    if (n == 0) break;
    if (n > 0) p.nth = n;
  }
  if (i >= tokens.size()) throw SyntaxError("expected an event name (like task.block)");
  p.filter.kind = find_kind(tokens[i]);
  for (++i; i < tokens.size(); ++i) {
    if (tokens[i] == "where" || tokens[i] == "with" || tokens[i] == "and") continue;
    p.filter.tests.push_back(parse_test(p.filter.kind, tokens[i]));
  }
  for (size_t k = from; k < tokens.size(); ++k) p.text += (k > from ? " " : "") + tokens[k];
  return p;
}

}  // namespace as::lessons
