// lessons/lesson_parser.cpp — the lesson text format (see lesson_parser.hpp and lessons/GUIDE.md).
//
// The parser walks the file line by line with one small state: header, intro, step settings, step
// body. Every error is thrown as a ParseFailure carrying the line, caught once in parse_lesson and
// turned into a LoadError — so a lesson is either fully valid or not loaded at all.
#include "lessons/lesson_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace as::lessons {
namespace {

struct ParseFailure {
  int line;
  std::string what;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_number(std::string_view s, int64_t* out) {
  s = trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// split_setting splits "key: value" (key = lowercase letters, digits, '.', '_'); false otherwise.
bool split_setting(std::string_view line, std::string* key, std::string* value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view k = line.substr(0, colon);
  for (char c : k)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_'))
      return false;
  if (colon + 1 < line.size() && line[colon + 1] != ' ' && line[colon + 1] != '\t') return false;
  *key = std::string(k);
  *value = std::string(trim(line.substr(colon + 1)));
  return true;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t p = s.find(sep, start);
    std::string_view part =
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
    part = trim(part);
    if (!part.empty()) out.emplace_back(part);
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::string join_known(std::initializer_list<std::string_view> keys) {
  std::string s;
  for (auto k : keys) s += (s.empty() ? "" : ", ") + std::string(k);
  return s;
}

Side parse_side(std::string_view v, int line) {
  if (v == "go" || v == "goroutine" || v == "goroutines") return Side::Go;
  if (v == "future" || v == "futures") return Side::Future;
  throw ParseFailure{line, "side must be 'go' or 'future', not '" + std::string(v) + "'"};
}

void parse_highlight(std::string_view value, Highlights& h, int line) {
  for (const auto& item : split_list(value, ',')) {
    size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw ParseFailure{
          line, "highlight items read key=value (task=, worker=, panel=, lines=, mark=), got '" +
                    item + "'"};
    std::string key(trim(std::string_view(item).substr(0, eq)));
    std::string val(trim(std::string_view(item).substr(eq + 1)));
    if (val.size() >= 2 && val.front() == '"' && val.back() == '"')
      val = val.substr(1, val.size() - 2);
    if (val.empty()) throw ParseFailure{line, "empty value in highlight '" + item + "'"};
    if (key == "task") {
      h.tasks.push_back(val);
    } else if (key == "worker" || key == "lane") {
      int64_t n = 0;
      std::string_view digits = val;
      if (!digits.empty() && (digits[0] == 'P' || digits[0] == 'p')) digits.remove_prefix(1);
      if (!parse_number(digits, &n) || n < 0 || n >= trace::kNoWorker)
        throw ParseFailure{line,
                           "worker highlight needs a worker id like 0 or P0, got '" + val + "'"};
      h.workers.push_back(static_cast<int>(n));
    } else if (key == "panel") {
      auto it = std::find(kPanelNames.begin(), kPanelNames.end(), val);
      if (it == kPanelNames.end()) {
        std::string names;
        for (auto p : kPanelNames) names += (names.empty() ? "" : ", ") + std::string(p);
        throw ParseFailure{line, "unknown panel '" + val + "' (one of: " + names + ")"};
      }
      h.panels.push_back(static_cast<Panel>(it - kPanelNames.begin()));
    } else if (key == "lines" || key == "line") {
      size_t dash = val.find('-');
      int64_t a = 0, b = 0;
      bool ok = dash == std::string::npos
                    ? parse_number(val, &a) && (b = a, true)
                    : parse_number(std::string_view(val).substr(0, dash), &a) &&
                          parse_number(std::string_view(val).substr(dash + 1), &b);
      if (!ok || a < 1 || b < a || b > 1'000'000)
        throw ParseFailure{line, "lines= needs a line or a range like 12-14, got '" + val + "'"};
      h.lines.push_back({static_cast<int>(a), static_cast<int>(b)});
    } else if (key == "mark") {
      h.marks.push_back(val);
    } else {
      throw ParseFailure{
          line, "unknown highlight '" + key + "' (one of: task, worker, panel, lines, mark)"};
    }
  }
}

// Header keys that may be prefixed by "go." or "future." to apply to one side only.
void apply_run_option(scenario::RunOptions& o, const std::string& key, const std::string& value,
                      int line) {
  int64_t n = 0;
  if (key == "procs") {
    if (!parse_number(value, &n) || n < 1 || n > 256)
      throw ParseFailure{line, "procs must be a number from 1 to 256, got '" + value + "'"};
    o.procs = static_cast<int>(n);
  } else if (key == "seed") {
    if (!parse_number(value, &n) || n < 0)
      throw ParseFailure{line, "seed must be a non-negative number, got '" + value + "'"};
    o.seed = static_cast<uint64_t>(n);
  } else if (key == "executor") {
    if (value != "current" && value != "multi")
      throw ParseFailure{line, "executor must be 'current' or 'multi', got '" + value + "'"};
    o.executor = value;
  } else if (key == "params") {
    for (const auto& kv : split_list(value, ' ')) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw ParseFailure{line,
                           "params reads name=value pairs separated by spaces, got '" + kv + "'"};
      o.params[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& folder) : folder_(folder) {
    std::string_view rest = text;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view l = rest.substr(0, nl);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lines_.emplace_back(l);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
  }

  Lesson parse() {
    parse_folder();
    size_t i = parse_header();
    parse_body(i);
    finish();
    return std::move(lesson_);
  }

 private:
  void parse_folder() {
    size_t dash = folder_.find('-');
    int64_t n = 0;
    if (dash == std::string::npos || !parse_number(std::string_view(folder_).substr(0, dash), &n) ||
        n < 0 || dash + 1 >= folder_.size())
      throw ParseFailure{0, "lesson folder must be named <number>-<slug>, like 04-channels, not '" +
                                folder_ + "'"};
    lesson_.number = static_cast<int>(n);
    lesson_.id = folder_;
    lesson_.slug = folder_.substr(dash + 1);
  }

  size_t parse_header() {
    if (lines_.empty() || trim(lines_[0]) != "---")
      throw ParseFailure{1, "a lesson starts with a '---' header line"};
    scenario::RunOptions common;
    struct SideSetting {
      std::string key, value;
      int line;
    };
    std::vector<SideSetting> side_settings;
    std::string scenario_of[kSideCount];
    int scenario_line[kSideCount] = {0, 0};
    bool real_offered = false;
    size_t i = 1;
    for (; i < lines_.size(); ++i) {
      int line = static_cast<int>(i) + 1;
      std::string_view l = trim(lines_[i]);
      if (l == "---") break;
      if (l.empty() || l[0] == '#') continue;
      std::string key, value;
      if (!split_setting(l, &key, &value))
        throw ParseFailure{line, "header lines read 'key: value', got '" + std::string(l) + "'"};
      if (value.empty()) throw ParseFailure{line, "'" + key + ":' has no value"};
      if (key == "title") {
        lesson_.title = value;
      } else if (key == "summary") {
        lesson_.summary = value;
      } else if (key == "go" || key == "future") {
        size_t s = side_index(parse_side(key, line));
        scenario_of[s] = value;
        scenario_line[s] = line;
      } else if (key == "procs" || key == "seed" || key == "executor" || key == "params") {
        apply_run_option(common, key, value, line);
      } else if (key.starts_with("go.") || key.starts_with("future.")) {
        std::string sub = key.substr(key.find('.') + 1);
        if (sub != "procs" && sub != "seed" && sub != "executor" && sub != "params")
          throw ParseFailure{
              line, "unknown key '" + key + "' (per-side keys: procs, seed, executor, params)"};
        side_settings.push_back({key, value, line});
      } else if (key == "real") {
        if (value != "offered" && value != "no")
          throw ParseFailure{line, "real must be 'offered' or 'no', got '" + value + "'"};
        real_offered = value == "offered";
      } else {
        throw ParseFailure{
            line, "unknown header key '" + key + "' (known: " +
                      join_known({"title", "summary", "go", "future", "procs", "seed", "executor",
                                  "params", "real", "go.<key>", "future.<key>"}) +
                      ")"};
      }
    }
    if (i >= lines_.size()) throw ParseFailure{1, "the '---' header is never closed"};
    if (lesson_.title.empty()) throw ParseFailure{1, "the header has no 'title:'"};
    for (Side side : {Side::Go, Side::Future}) {
      size_t s = side_index(side);
      if (scenario_of[s].empty()) continue;
      RunSetup run;
      run.side = side;
      run.scenario = scenario_of[s];
      run.options = common;
      run.offers_real = real_offered;
      for (const auto& ss : side_settings)
        if (ss.key.starts_with(std::string(side_name(side)) + "."))
          apply_run_option(run.options, ss.key.substr(ss.key.find('.') + 1), ss.value, ss.line);
      (void)scenario_line[s];
      lesson_.runs.push_back(std::move(run));
    }
    if (lesson_.runs.empty())
      throw ParseFailure{1,
                         "the header names no scenario: add 'go: <scenario id>' and/or "
                         "'future: <scenario id>'"};
    for (const auto& ss : side_settings)
      if (!lesson_.run(ss.key.starts_with("go.") ? Side::Go : Side::Future))
        throw ParseFailure{ss.line, "'" + ss.key + "' set but the lesson has no run on that side"};
    return i + 1;
  }

  void parse_body(size_t i) {
    bool in_fence = false;
    std::string intro;
    Step* step = nullptr;
    bool in_settings = false;
    Side last_side = lesson_.runs[0].side;
    for (; i < lines_.size(); ++i) {
      int line = static_cast<int>(i) + 1;
      std::string_view raw = lines_[i];
      std::string_view l = trim(raw);
      if (l.starts_with("```")) in_fence = !in_fence;
      if (!in_fence && raw.starts_with("## ")) {
        if (step) finish_step(*step);
        lesson_.steps.emplace_back();
        step = &lesson_.steps.back();
        step->title = std::string(trim(raw.substr(3)));
        if (step->title.starts_with("Step:"))
          step->title = std::string(trim(step->title.substr(5)));
        step->line = line;
        step->side = last_side;
        settings_in_step_ = 0;
        in_settings = true;
        if (step->title.empty()) throw ParseFailure{line, "a step heading needs a title"};
        continue;
      }
      if (!step) {
        intro += std::string(raw) + "\n";
        continue;
      }
      if (in_settings) {
        std::string key, value;
        if (l.empty() && settings_in_step_ == 0) continue;  // blank lines right after the heading
        if (!l.empty() && split_setting(l, &key, &value)) {
          ++settings_in_step_;
          step_setting(*step, key, value, line);
          last_side = step->side;
          continue;
        }
        in_settings = false;
        if (l.empty()) continue;
      }
      step->text += std::string(raw) + "\n";
    }
    if (in_fence)
      throw ParseFailure{static_cast<int>(lines_.size()), "a ``` code block is never closed"};
    if (step) finish_step(*step);
    lesson_.intro = std::string(trim(intro));
    if (lesson_.steps.empty())
      throw ParseFailure{static_cast<int>(lines_.size()),
                         "the lesson has no steps ('## Title' sections)"};
  }

  void step_setting(Step& s, const std::string& key, const std::string& value, int line) {
    try {
      if (key == "side" || key == "on") {
        s.side = parse_side(value, line);
        if (!lesson_.run(s.side))
          throw ParseFailure{line, "step is on side '" + value + "' but the header names no '" +
                                       std::string(side_name(s.side)) + ":' scenario"};
      } else if (key == "until") {
        s.until = Condition::parse(value);
      } else if (key == "highlight") {
        parse_highlight(value, s.highlight, line);
      } else if (key == "question") {
        if (value.empty()) throw ParseFailure{line, "'question:' has no text"};
        if (!s.question) s.question.emplace();
        s.question->prompt = value;
        s.question->line = line;
      } else if (key == "choices") {
        if (!s.question) throw ParseFailure{line, "'choices:' must follow 'question:'"};
        s.question->choices = split_list(value, '|');
        if (s.question->choices.size() < 2)
          throw ParseFailure{line, "choices are separated by '|' and need at least two"};
      } else if (key == "answer") {
        if (!s.question) throw ParseFailure{line, "'answer:' must follow 'question:'"};
        s.question->answer = Answer::parse(value);
      } else if (key == "expect") {
        if (!s.question) throw ParseFailure{line, "'expect:' must follow 'question:'"};
        if (value.empty()) throw ParseFailure{line, "'expect:' has no value"};
        s.question->expect = value;
      } else {
        throw ParseFailure{line, "unknown step key '" + key + "' (known: " +
                                     join_known({"side", "until", "highlight", "question",
                                                 "choices", "answer", "expect"}) +
                                     "; leave a blank line between the settings and the text)"};
      }
    } catch (const SyntaxError& e) {
      throw ParseFailure{line, key + ": " + e.what()};
    }
  }

  void finish_step(Step& s) {
    settings_in_step_ = 0;
    while (!s.text.empty() && std::isspace(static_cast<unsigned char>(s.text.back())))
      s.text.pop_back();
    if (!s.question) return;
    const Question& q = *s.question;
    if (q.answer.text.empty())
      throw ParseFailure{q.line, "the question has no 'answer:' (how the trace answers it)"};
    if (q.expect.empty())
      throw ParseFailure{q.line,
                         "the question has no 'expect:' (the answer on the deterministic run)"};
    if (!q.choices.empty()) {
      bool found = std::any_of(q.choices.begin(), q.choices.end(),
                               [&](const std::string& c) { return same_answer(c, q.expect); });
      if (!found) throw ParseFailure{q.line, "expect '" + q.expect + "' is not one of the choices"};
    }
  }

  void finish() {
    for (const auto& st : lesson_.steps)
      if (!lesson_.run(st.side))
        throw ParseFailure{st.line, "step '" + st.title + "' is on side '" +
                                        std::string(side_name(st.side)) +
                                        "' but the header names no such scenario"};
  }

  std::string folder_;
  std::vector<std::string> lines_;
  Lesson lesson_;
  int settings_in_step_ = 0;  // settings lines read under the current step heading
};

}  // namespace

std::variant<Lesson, LoadError> parse_lesson(std::string_view text, const std::string& file,
                                             const std::string& folder) {
  try {
    Parser p(text, folder);
    Lesson lesson = p.parse();
    lesson.path = file;
    return lesson;
  } catch (const ParseFailure& f) {
    return LoadError{file, f.line, f.what};
  } catch (const SyntaxError& e) {
    return LoadError{file, 0, e.what()};
  }
}

std::variant<Lesson, LoadError> load_lesson_file(const std::string& path,
                                                 const std::string& folder) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadError{path, 0, "cannot open the file"};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return LoadError{path, 0, "cannot read the file"};
  std::string text = ss.str();
  if (text.size() > 1'000'000) return LoadError{path, 0, "file is larger than 1 MB"};
  if (text.find('\0') != std::string::npos)
    return LoadError{path, 0, "file is not text (has a NUL byte)"};
  return parse_lesson(text, path, folder);
}

}  // namespace as::lessons
