// lessons/lesson_library.cpp — locating the lessons folder and loading every lesson in it.
#include "lessons/lesson_library.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#ifndef ASYNCSCOPE_SOURCE_DIR
#define ASYNCSCOPE_SOURCE_DIR ""
#endif

namespace as::lessons {
namespace fs = std::filesystem;

namespace {

// holds_lessons is true if dir has at least one <folder>/lesson.md.
bool holds_lessons(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (fs::is_regular_file(it->path() / "lesson.md", ec)) return true;
  return false;
}

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

// matches_id: "4", "04", "04-channels", "channels".
bool matches_id(std::string_view id, const std::string& folder, int number,
                const std::string& slug) {
  if (id == folder || id == slug) return true;
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  if (id.size() > 6) return false;
  return std::stoi(std::string(id)) == number;
}

void split_folder(const std::string& folder, int* number, std::string* slug) {
  size_t dash = folder.find('-');
  *number = -1;
  *slug = folder;
  if (dash == std::string::npos || dash == 0 || dash > 6) return;
  std::string digits = folder.substr(0, dash);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return;
  *number = std::stoi(digits);
  *slug = folder.substr(dash + 1);
}

}  // namespace

std::string find_lessons_dir(std::string_view explicit_dir, std::string* why) {
  if (!explicit_dir.empty()) {
    if (holds_lessons(fs::path(explicit_dir))) return std::string(explicit_dir);
    if (why) *why = "'" + std::string(explicit_dir) + "' holds no <nn>-<slug>/lesson.md";
    return {};
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("ASYNCSCOPE_LESSONS"); env && *env)
    candidates.emplace_back(env);
  fs::path exe = executable_dir();
  if (!exe.empty()) {
    candidates.push_back(exe / ".." / "share" / "asyncscope" / "lessons");
    candidates.push_back(exe / "lessons");
    candidates.push_back(exe / ".." / "lessons");
  }
  if (std::string_view(ASYNCSCOPE_SOURCE_DIR).size() > 0)
    candidates.push_back(fs::path(ASYNCSCOPE_SOURCE_DIR) / "lessons");
  for (const auto& c : candidates)
    if (holds_lessons(c)) return fs::weakly_canonical(c).string();
  if (why) {
    *why = "no lessons folder found (tried";
    for (const auto& c : candidates) *why += " " + c.string();
    *why += "); pass --lessons-dir or set ASYNCSCOPE_LESSONS";
  }
  return {};
}

LessonLibrary LessonLibrary::load(const std::string& dir) {
  LessonLibrary lib;
  lib.dir_ = dir;
  std::vector<fs::path> folders;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (fs::is_regular_file(it->path() / "lesson.md", ec)) folders.push_back(it->path());
  if (ec) lib.errors_.push_back(LoadError{dir, 0, "cannot list the folder: " + ec.message()});
  std::sort(folders.begin(), folders.end());
  for (const auto& f : folders) {
    std::string folder = f.filename().string();
    auto result = load_lesson_file((f / "lesson.md").string(), folder);
    if (auto* lesson = std::get_if<Lesson>(&result))
      lib.lessons_.push_back(std::move(*lesson));
    else
      lib.errors_.push_back(std::get<LoadError>(result));
  }
  return lib;
}

const Lesson* LessonLibrary::find(std::string_view id) const {
  for (const auto& l : lessons_)
    if (matches_id(id, l.id, l.number, l.slug)) return &l;
  return nullptr;
}

const LoadError* LessonLibrary::error_for(std::string_view id) const {
  for (const auto& e : errors_) {
    fs::path p(e.file);
    std::string folder = p.parent_path().filename().string();
    int number = -1;
    std::string slug;
    split_folder(folder, &number, &slug);
    if (matches_id(id, folder, number, slug)) return &e;
  }
  return nullptr;
}

std::vector<LessonListing> list_lessons() {
  std::vector<LessonListing> out;
  std::string dir = find_lessons_dir();
  if (dir.empty()) return out;
  LessonLibrary lib = LessonLibrary::load(dir);
  for (const auto& l : lib.lessons()) {
    LessonListing item;
    item.id = l.id;
    item.title = l.title;
    for (const auto& r : l.runs)
      item.models += (item.models.empty() ? "" : "+") + std::string(side_name(r.side));
    out.push_back(std::move(item));
  }
  for (const auto& e : lib.errors()) {
    LessonListing item;
    item.id = fs::path(e.file).parent_path().filename().string();
    item.title = "(does not load: " + e.message() + ")";
    item.ok = false;
    out.push_back(std::move(item));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace as::lessons
