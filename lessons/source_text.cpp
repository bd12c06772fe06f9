// lessons/source_text.cpp — lookup over the build-generated table of embedded sources
// (see source_text.hpp; the table is written by lessons/embed_sources.cmake).
#include "lessons/source_text.hpp"

namespace as::lessons {

// Defined in the generated file (build dir): every embedded scenario source.
const std::vector<EmbeddedSource>& generated_embedded_sources();

const std::vector<EmbeddedSource>& embedded_sources() {
  return generated_embedded_sources();
}

std::string_view find_source_path(std::string_view path) {
  if (path.empty()) return {};
  const EmbeddedSource* suffix_match = nullptr;
  int suffix_matches = 0;
  for (const auto& s : embedded_sources()) {
    if (s.path == path) return s.path;
    if (s.path.size() > path.size() && s.path.ends_with(path) &&
        s.path[s.path.size() - path.size() - 1] == '/') {
      suffix_match = &s;
      ++suffix_matches;
    }
  }
  return suffix_matches == 1 ? suffix_match->path : std::string_view();
}

std::string_view find_source(std::string_view path) {
  std::string_view full = find_source_path(path);
  if (full.empty()) return {};
  for (const auto& s : embedded_sources())
    if (s.path == full) return s.text;
  return {};
}

}  // namespace as::lessons
