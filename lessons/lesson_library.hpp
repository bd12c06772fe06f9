// lessons/lesson_library.hpp — finding and loading every lesson file at run time.
//
// Owns: where lessons live on disk and loading them all. Lesson texts are read when the program
// runs (never compiled in), so a teacher edits lessons/<nn>-<slug>/lesson.md and reopens the
// lesson. Invariant: one malformed lesson never hides the others — its error is kept in `errors`
// (file, line, what) and every other lesson still loads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lessons/lesson.hpp"
#include "lessons/lesson_parser.hpp"

namespace as::lessons {

// find_lessons_dir picks the lessons folder, first that exists of:
//   1. `explicit_dir` (the --lessons-dir option) — if given it must exist, else "" and *why is set;
//   2. $ASYNCSCOPE_LESSONS;
//   3. next to the executable: <exe>/../share/asyncscope/lessons, <exe>/lessons, <exe>/../lessons;
//   4. the source tree this binary was built from (<source>/lessons, compiled in).
// Returns "" (and sets *why) when none holds a lesson folder.
std::string find_lessons_dir(std::string_view explicit_dir = {}, std::string* why = nullptr);

class LessonLibrary {
 public:
  // load reads every <dir>/<nn>-<slug>/lesson.md, sorted by folder name.
  static LessonLibrary load(const std::string& dir);

  const std::string& dir() const { return dir_; }
  const std::vector<Lesson>& lessons() const { return lessons_; }
  const std::vector<LoadError>& errors() const { return errors_; }

  // find accepts "4", "04", "04-channels", "channels" (the slug). nullptr if none matches.
  const Lesson* find(std::string_view id) const;
  // error_for returns the load error of a lesson folder matching id the same way, or nullptr.
  const LoadError* error_for(std::string_view id) const;

 private:
  std::string dir_;
  std::vector<Lesson> lessons_;
  std::vector<LoadError> errors_;
};

// LessonListing is one line of `asyncscope list`: "lesson 04-channels  Channels and wakeups".
struct LessonListing {
  std::string id;      // folder name
  std::string title;   // or the error when the file does not load
  std::string models;  // "go", "future" or "go+future"
  bool ok = true;
};
// list_lessons loads the default lessons dir (find_lessons_dir()) and lists them, malformed ones
// included with their error. Empty if no lessons dir is found.
std::vector<LessonListing> list_lessons();

}  // namespace as::lessons
