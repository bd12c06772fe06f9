// viz/app/views.hpp — the view functions, one feature per file (named after the function):
//   transport_view.cpp   play / pause / step / step task / step back / speed / scrub slider
//   scenario_browser.cpp scenario list, model, procs, executor, seed, sim vs real, Run, compare
//   state_panels.cpp     run queues, channels, timers, netpoller/reactor, wakers at the playhead
//   inspector_view.cpp   the selected task: history, wake chain, source location, stack/frame
//   stacks_view.cpp      stacks and memory over time, totals per model side by side
//   files_view.cpp       open / save / export (Perfetto JSON, PNG), dialogs and path field
//   help_view.cpp        F1 help and the legend
// Each draws into the current ImGui window from AppState and calls AppState's actions.
#pragma once

#include "viz/app/app_state.hpp"

namespace as::viz {

class FileDialog;

void draw_transport(AppState& state);
void draw_scenario_browser(AppState& state);
void draw_state_panels(AppState& state);
void draw_inspector(AppState& state);
void draw_stacks_view(AppState& state);
void draw_help(AppState& state);

// PNG export of the timeline at a chosen size is performed by the app loop (it needs an
// offscreen frame); the files view only records the request here.
struct PngRequest {
  std::string path;
  int width = 1920, height = 1080;
};

struct FilesUi {
  std::string path_field;    // in-app path field (fallback for zenity/kdialog)
  std::string path_purpose;  // "open" | "save" | "perfetto" | "png" | "compare"
  int png_width = 1920, png_height = 1080;
  std::optional<PngRequest> png_request;
};
// start_file_action opens a dialog (or the path field) for `purpose`.
void start_file_action(AppState& state, FilesUi& ui, FileDialog& dialog,
                       const std::string& purpose);
// draw_files_ui draws the path-field popup and the export window; finishes dialog results.
void draw_files_ui(AppState& state, FilesUi& ui, FileDialog& dialog);

}  // namespace as::viz
