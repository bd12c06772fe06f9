// viz/app/fonts.cpp — see fonts.hpp.
#include "viz/app/fonts.hpp"

#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "viz/app/spawn_process.hpp"

namespace as::viz {

FontCheck validate_font_file(const std::string& path) {
  if (path.empty()) return {false, "empty path"};
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {false, "does not exist"};
  if (!S_ISREG(st.st_mode)) return {false, "not a regular file"};
  if (access(path.c_str(), R_OK) != 0) return {false, "not readable"};
  if (st.st_size < 1024) return {false, "too small to be a font"};
  if (st.st_size > 64 * 1024 * 1024) return {false, "too large for a UI font"};
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[4] = {};
  if (!in.read(reinterpret_cast<char*>(magic), 4)) return {false, "cannot read the header"};
  const bool truetype = magic[0] == 0 && magic[1] == 1 && magic[2] == 0 && magic[3] == 0;
  const bool apple_true = std::memcmp(magic, "true", 4) == 0;
  const bool collection = std::memcmp(magic, "ttcf", 4) == 0;
  if (!(truetype || apple_true || collection)) return {false, "not a TrueType file"};
  return {true, ""};
}

std::string find_system_font(const std::string& family) {
  auto result = run_process({"fc-match", "-f", "%{file}", family}, 4096);
  if (!result || result->exit_code != 0) return "";
  std::string path = result->output;
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return validate_font_file(path).ok ? path : "";
}

float font_pixel_size(float content_scale, bool presenter) {
  const float scale = std::clamp(content_scale, 0.5f, 4.0f);
  return std::round((presenter ? 22.0f : 15.0f) * scale);
}

void FontAtlasBuilder::rebuild(float pixel_size, float content_scale) {
  if (!searched_) {
    searched_ = true;
    ui_font_ = find_system_font("DejaVu Sans");
    if (ui_font_.empty()) ui_font_ = find_system_font("Noto Sans");
    mono_font_ = find_system_font("DejaVu Sans Mono");
  }
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  ImFont* ui = nullptr;
  // Latin-1 + Latin Extended-A, general punctuation (— … ’ “”), arrows and maths operators:
  // what lesson texts and task names use. (ProggyClean, the fallback, has Latin-1 only.)
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x2190,
                                    0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
  if (!ui_font_.empty())
    ui = io.Fonts->AddFontFromFileTTF(ui_font_.c_str(), pixel_size, &config, kRanges);
  if (ui == nullptr) {
    ImFontConfig fallback;
    fallback.SizePixels = std::max(13.0f, std::round(13.0f * pixel_size / 15.0f));
    io.Fonts->AddFontDefault(&fallback);
    ui_font_.clear();
  }
  mono_font_loaded_ = false;
  if (!mono_font_.empty())
    mono_font_loaded_ =
        io.Fonts->AddFontFromFileTTF(mono_font_.c_str(), pixel_size, &config) != nullptr;
  io.Fonts->Build();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();

  ImGuiStyle& style = ImGui::GetStyle();
  ImGuiStyle fresh;
  // Keep colours, rescale sizes from the unscaled defaults so repeated rebuilds do not compound.
  std::memcpy(fresh.Colors, style.Colors, sizeof(style.Colors));
  fresh.FrameBorderSize = style.FrameBorderSize;  // set by the theme
  fresh.WindowRounding = 4.0f;
  fresh.FrameRounding = 3.0f;
  fresh.GrabRounding = 3.0f;
  fresh.ScaleAllSizes(std::clamp(content_scale, 0.5f, 4.0f));
  style = fresh;
}

}  // namespace as::viz
