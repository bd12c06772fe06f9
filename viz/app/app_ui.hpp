// viz/app/app_ui.hpp — the app's whole window: menu bar, layout of the views, keyboard, messages.
//
// Owns: the AppState (the document), the views' scratch (two TimelineViews for a comparison),
// the file dialog and the files UI. draw() is one ImGui frame's worth of UI; the frame loop
// (app.cpp) or a test calls it between AppWindow::begin_frame() and end_frame().
//
// Layout (no docking in ImGui 1.86, so a fixed, resizable split): left sidebar (scenario browser /
// lesson), centre (transport bar, timeline — two stacked timelines when comparing — and a bottom
// tab bar: state at playhead, stacks & memory), right sidebar (inspector). A "slide" mode draws
// only the timeline, full window, for PNG exports.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "viz/app/app_state.hpp"
#include "viz/app/file_dialogs.hpp"
#include "viz/app/timeline_view.hpp"
#include "viz/app/views.hpp"

namespace as::viz {

class LessonPanel;

class AppUi {
 public:
  explicit AppUi(Settings settings);
  ~AppUi();

  AppState& state() { return state_; }
  FilesUi& files() { return files_; }
  TimelineView& timeline() { return timeline_a_; }
  LessonPanel* lesson() { return lesson_.get(); }
  // open_lesson shows a lesson in the sidebar and starts its run(s); false + error if unknown.
  bool open_lesson(const std::string& lessons_dir, const std::string& id, int step,
                   std::string& error);
  // update: per-frame work after AppState::update (the lesson player follows the runs).
  void update();

  // draw lays out the full UI (or only the timeline when slide_mode) over the whole display.
  void draw(bool slide_mode = false);
  // handle_keys applies this frame's keyboard shortcuts (skipped while a text field has focus).
  void handle_keys();
  // presenter/theme changes are applied by the frame loop (fonts rebuild between frames).
  bool presenter() const { return state_.settings.presenter; }
  // want_quit is set by File > Quit.
  bool want_quit() const { return want_quit_; }

 private:
  void draw_menu();
  void draw_messages();

  AppState state_;
  FileDialog dialog_;
  FilesUi files_;
  TimelineView timeline_a_, timeline_b_;
  float left_w_ = 0, right_w_ = 0, bottom_h_ = 0;
  std::unique_ptr<LessonPanel> lesson_;
  bool lesson_tab_pending_ = false;
  bool want_quit_ = false;
};

}  // namespace as::viz
