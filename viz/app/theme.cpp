// viz/app/theme.cpp — see theme.hpp.
#include "viz/app/theme.hpp"

#include <imgui.h>

namespace as::viz {

void apply_theme(ThemeKind theme) {
  ImGuiStyle& style = ImGui::GetStyle();
  ImVec4* c = style.Colors;
  if (theme == ThemeKind::Dark) {
    ImGui::StyleColorsDark(&style);
    c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.11f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0.09f, 0.10f, 0.11f, 1.0f);
    c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.13f, 0.15f, 0.98f);
    c[ImGuiCol_Header] = ImVec4(0.20f, 0.36f, 0.52f, 0.60f);
    c[ImGuiCol_Button] = ImVec4(0.20f, 0.30f, 0.42f, 1.0f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.27f, 0.42f, 0.60f, 1.0f);
    c[ImGuiCol_Tab] = ImVec4(0.15f, 0.20f, 0.27f, 1.0f);
    c[ImGuiCol_TabActive] = ImVec4(0.22f, 0.38f, 0.56f, 1.0f);
  } else {
    ImGui::StyleColorsLight(&style);
    c[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.25f, 0.25f, 0.25f, 1);
    c[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.55f);
    c[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.93f, 0.95f, 1);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.90f, 0.91f, 0.93f, 1);
    c[ImGuiCol_Button] = ImVec4(0.80f, 0.87f, 0.96f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.62f, 0.77f, 0.95f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.45f, 0.65f, 0.92f, 1);
    c[ImGuiCol_Header] = ImVec4(0.75f, 0.84f, 0.96f, 1);
    c[ImGuiCol_Tab] = ImVec4(0.85f, 0.88f, 0.92f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.65f, 0.78f, 0.95f, 1);
    style.FrameBorderSize = 1.0f;
  }
  style.WindowBorderSize = 1.0f;
}

}  // namespace as::viz
