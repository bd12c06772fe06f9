// viz/app/theme.hpp — ImGui's widget colours for the dark theme and the light high-contrast theme.
//
// Owns: ImGuiStyle colours only (sizes are the font builder's business, see fonts.hpp). The light
// theme is for projectors: pure black text on white, strong borders, saturated accents.
#pragma once

#include "viz/app/palette.hpp"

namespace as::viz {

void apply_theme(ThemeKind theme);

}  // namespace as::viz
