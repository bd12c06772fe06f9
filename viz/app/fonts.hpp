// viz/app/fonts.hpp — choosing the UI font and (re)building ImGui's font atlas.
//
// Owns: the font policy. A system font is found through fontconfig (`fc-match`, spawned with an
// argv array, no shell), then validated *before* ImGui sees it — ImGui's TTF loader asserts on
// garbage, so a broken fontconfig setup must never reach it. If no font passes, ImGui's built-in
// ProggyClean is used. The atlas is sized for the window's content scale (HiDPI) and for presenter
// mode; rebuilding happens only between frames (ImGui forbids touching the atlas inside a frame).
#pragma once

#include <string>

namespace as::viz {

// FontCheck is the outcome of validate_font_file.
struct FontCheck {
  bool ok = false;
  std::string problem;  // why not, e.g. "not a TrueType file"
};

// validate_font_file checks that path is a readable regular file of plausible size that starts with
// a TrueType signature (0x00010000, "true" or a "ttcf" collection). OpenType/CFF is refused.
FontCheck validate_font_file(const std::string& path);

// find_system_font asks fontconfig for `family` and returns the file it names, or "" when
// fc-match is missing or its answer fails validate_font_file.
std::string find_system_font(const std::string& family);

// font_pixel_size is the UI text size for a content scale and presenter mode.
float font_pixel_size(float content_scale, bool presenter);

// FontAtlasBuilder rebuilds ImGui's atlas; call only outside ImGui::NewFrame()/Render().
class FontAtlasBuilder {
 public:
  // rebuild clears the atlas, adds the chosen font at `pixel_size` (plus a monospace font for
  // source code if found), recreates the GL texture and scales style metrics to content_scale.
  void rebuild(float pixel_size, float content_scale);
  const std::string& ui_font_file() const { return ui_font_; }  // "" = ImGui default
  bool has_mono_font() const { return mono_font_loaded_; }

 private:
  bool searched_ = false;
  std::string ui_font_;
  std::string mono_font_;
  bool mono_font_loaded_ = false;
};

}  // namespace as::viz
