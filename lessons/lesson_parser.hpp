// lessons/lesson_parser.hpp — reads the lesson text format (documented in lessons/GUIDE.md):
// Markdown with a `---` header of `key: value` lines, then `## Step title` sections whose first
// lines are `key: value` settings (until:, highlight:, question: ...) followed by the step's text.
//
// Owns: turning text into a Lesson, and every message about a malformed one. Each error names the
// file, the line and what is wrong, in the form compilers use ("lesson.md:12: unknown key
// 'untill'").
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "lessons/lesson.hpp"

namespace as::lessons {

// LoadError says why a lesson file did not load.
struct LoadError {
  std::string file;
  int line = 0;  // 0 = the file as a whole
  std::string what;
  // message formats "file:line: what".
  std::string message() const {
    return line > 0 ? file + ":" + std::to_string(line) + ": " + what : file + ": " + what;
  }
};

// parse_lesson parses lesson text. `file` names it in errors; `folder` is the lesson folder name
// ("04-channels") from which the number and slug are taken.
std::variant<Lesson, LoadError> parse_lesson(std::string_view text, const std::string& file,
                                             const std::string& folder);

// load_lesson_file reads and parses one lesson.md.
std::variant<Lesson, LoadError> load_lesson_file(const std::string& path,
                                                 const std::string& folder);

}  // namespace as::lessons
