// lessons/source_text.hpp — scenario source files as they were compiled, for the lesson source
// panel.
//
// Owns: lookup of the source texts that lessons/CMakeLists.txt embeds at build time (it generates a
// .cpp in the build dir holding each file's bytes — nothing generated is committed). Because the
// text is the compiled file itself, the line numbers in event locations always match it.
#pragma once

#include <string_view>
#include <vector>

namespace as::lessons {

struct EmbeddedSource {
  std::string_view path;  // repo-relative, e.g. "lessons/04-channels/scenario.cpp"
  std::string_view text;
};

// embedded_sources lists every embedded file.
const std::vector<EmbeddedSource>& embedded_sources();

// find_source returns the text of `path`, or of the one embedded file whose path ends with
// "/" + path (so "04-channels/scenario.cpp" from an event location works). Empty if not embedded.
std::string_view find_source(std::string_view path);

// find_source_path is like find_source but returns the full repo-relative path ("" if none).
std::string_view find_source_path(std::string_view path);

}  // namespace as::lessons
