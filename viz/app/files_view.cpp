// viz/app/files_view.cpp — open / save .astrace, export Perfetto JSON, export a PNG of the
// timeline at a chosen size. Native dialogs (zenity/kdialog, see file_dialogs.hpp) when present,
// otherwise — and always as an alternative — an in-app path field. Errors (unreadable or corrupt
// files) land in AppState::error and the app keeps running.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "viz/app/file_dialogs.hpp"
#include "viz/app/key_actions.hpp"
#include "viz/app/views.hpp"

namespace as::viz {
namespace {

std::string default_name(const std::string& purpose) {
  if (purpose == "save") return "asyncscope.astrace";
  if (purpose == "perfetto") return "asyncscope.perfetto.json";
  if (purpose == "png") return "asyncscope-timeline.png";
  return "";
}

void finish(AppState& state, FilesUi& ui, const std::string& purpose, const std::string& path) {
  if (path.empty()) return;
  if (purpose == "open")
    state.open_file(path);
  else if (purpose == "compare")
    state.open_file(path, /*as_compare=*/true);
  else if (purpose == "save")
    state.save_file(path);
  else if (purpose == "perfetto")
    state.export_perfetto(path);
  else if (purpose == "png")
    ui.png_request = PngRequest{path, ui.png_width, ui.png_height};
}

}  // namespace

void start_file_action(AppState& state, FilesUi& ui, FileDialog& dialog,
                       const std::string& purpose) {
  const std::string dir =
      state.settings.last_directory.empty() ? "." : state.settings.last_directory;
  const std::string start = dir + "/" + default_name(purpose);
  ui.path_purpose = purpose;
  if (purpose == "png") {
    state.export_open = true;  // choose the size first; the export window starts the dialog
    return;
  }
  if (dialog.available() && !dialog.busy()) {
    const bool open = purpose == "open" || purpose == "compare";
    const FileFilter filter = purpose == "perfetto" ? FileFilter{"Perfetto JSON", "*.json"}
                                                    : FileFilter{"asyncscope trace", "*.astrace"};
    dialog.start(open ? DialogKind::Open : DialogKind::Save,
                 open ? "Open an asyncscope trace" : "Save as", start, filter, purpose);
    return;
  }
  ui.path_field = start;
  state.open_dialog_open = true;
}

void draw_files_ui(AppState& state, FilesUi& ui, FileDialog& dialog) {
  if (auto result = dialog.poll()) finish(state, ui, result->first, result->second);

  if (state.open_dialog_open) {
    ImGui::OpenPopup("Path");
    state.open_dialog_open = false;
  }
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 36, 0), ImGuiCond_Appearing);
  if (ImGui::BeginPopupModal("Path", nullptr, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::Text("%s: type a file path", ui.path_purpose.c_str());
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    const bool enter =
        ImGui::InputText("##path", &ui.path_field, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("OK") || enter) {
      finish(state, ui, ui.path_purpose, ui.path_field);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  if (state.export_open) {
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 30, 0), ImGuiCond_Appearing);
    if (ImGui::Begin("Export", &state.export_open,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
      ImGui::TextUnformatted("Perfetto / chrome://tracing");
      if (ImGui::Button("Export Perfetto JSON...")) {
        ui.path_purpose = "perfetto";
        start_file_action(state, ui, dialog, "perfetto");
      }
      ImGui::Separator();
      ImGui::TextUnformatted("PNG of the timeline (for slides)");
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
      ImGui::InputInt("width", &ui.png_width, 0);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
      ImGui::InputInt("height", &ui.png_height, 0);
      ui.png_width = std::clamp(ui.png_width, 320, 8192);
      ui.png_height = std::clamp(ui.png_height, 200, 8192);
      for (auto [w, h] : {std::pair{1280, 720}, std::pair{1920, 1080}, std::pair{3840, 2160}}) {
        if (ImGui::SmallButton((std::to_string(w) + "x" + std::to_string(h)).c_str())) {
          ui.png_width = w;
          ui.png_height = h;
        }
        ImGui::SameLine();
      }
      ImGui::NewLine();
      if (ImGui::Button("Export PNG...")) {
        const std::string dir =
            state.settings.last_directory.empty() ? "." : state.settings.last_directory;
        ui.path_purpose = "png";
        if (dialog.available() && !dialog.busy()) {
          dialog.start(DialogKind::Save, "Export the timeline as PNG",
                       dir + "/" + default_name("png"), {"PNG image", "*.png"}, "png");
        } else {
          ui.path_field = dir + "/" + default_name("png");
          state.open_dialog_open = true;
        }
      }
    }
    ImGui::End();
  }
}

void draw_help(AppState& state) {
  if (!state.help_open) return;
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34, 0), ImGuiCond_Appearing);
  if (ImGui::Begin("Help", &state.help_open, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("asyncscope: watch goroutines and futures being scheduled.");
    ImGui::Separator();
    for (const char* line : key_help()) ImGui::TextUnformatted(line);
    ImGui::Separator();
    ImGui::TextWrapped(
        "Worker lanes show which task runs on each worker (P / executor thread), one colour "
        "per task. Task lanes show each task's state; bar height also encodes the state "
        "(full = running). Arrows go from the cause of a wakeup to where the woken task "
        "next ran. Triangles mark spawns, steals, preemptions, syscalls and errors.");
  }
  ImGui::End();
}

}  // namespace as::viz
