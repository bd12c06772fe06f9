// viz/app/app_state.hpp — everything the views share: the shown run(s), the playhead, the
// selection, the time axis, settings and the user-facing messages; plus the actions views invoke
// (open, save, export, run, step, play...).
//
// Owns: the document of the app. Views (one feature per file) read it and call its actions; they
// never talk to each other. The TraceModel is the only source of what is drawn; the LiveRun feeds
// it from a background run, one drain per frame.
//
// Playhead semantics: `playhead` is an EventIndex; the state shown is the state *after* that
// event (kNoEvent = before the first event). Stepping forward at the live end of a simulated run
// asks the simulation for one more scheduling step (StepControl::step); stepping back, scrubbing
// and stepping inside the recorded past only move the index — the trace holds the past, nothing
// re-runs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/trace/trace_data.hpp"
#include "viz/app/live_run.hpp"
#include "viz/app/palette.hpp"
#include "viz/app/settings.hpp"
#include "viz/app/time_axis.hpp"
#include "viz/model/trace_model.hpp"

namespace as::viz {

// Shown is one run on screen: the main run, or the second run of a comparison.
struct Shown {
  std::string title;        // one line: scenario and options, or the file name
  std::string source_path;  // the .astrace it came from ("" = recorded live in this session)
  TraceModel model;
  LiveRun live;  // idle for runs loaded from files
  bool empty() const { return model.event_count() == 0; }
};

struct Selection {
  TaskId task = 0;               // 0 = none
  EventIndex event = kNoEvent;   // an event of interest (marker, span start, history row)
  std::optional<WakeEdge> edge;  // a clicked wakeup arrow
  bool in_compare = false;       // the selection belongs to the compare run
};

// Where the scenario browser's choices are kept (also the defaults of `asyncscope shot`).
struct RunChoice {
  std::string scenario;  // scenario id ("" = first of the model)
  scenario::Model model = scenario::Model::Goroutine;
  scenario::RunOptions options;
};

class AppState {
 public:
  explicit AppState(Settings settings);
  ~AppState();

  // ---- once per frame (UI thread) ----
  // update drains live runs into their models, advances playback by dt seconds and keeps the
  // playhead following a live run. Returns true if anything changed (the frame must redraw).
  bool update(double dt);

  // ---- runs and files ----
  // run_scenario starts a scenario live (stepped + playing in sim). false + message if unknown.
  bool run_scenario(const RunChoice& choice);
  // run_scenario_with starts a given scenario object (e.g. a lesson's own scenario) on `main`
  // (stepped, playing) or, with as_compare, on `compare` (free running).
  void run_scenario_with(const scenario::Scenario& s, const scenario::RunOptions& options,
                         bool as_compare);
  // run_compare runs a second scenario to completion in the background for the compare view.
  bool run_compare(const RunChoice& choice);
  void clear_compare();
  // load_synthetic shows a generated trace (works without any runtime; the demo and tests use it).
  void load_synthetic(trace::ModelKind model, size_t events, uint64_t seed);
  // open_file loads a .astrace; on failure the app shows the error and keeps the current run.
  bool open_file(const std::string& path, bool as_compare = false);
  bool save_file(const std::string& path);
  bool export_perfetto(const std::string& path);
  // snapshot_trace makes TraceData of the main run (for saving / exporting).
  trace::TraceData snapshot_trace() const;
  // run_to_end lets the live main run (and compare run) finish unthrottled and drains them; used
  // by headless screenshots. false if the runs did not finish within the timeout.
  bool run_to_end(double timeout_s);
  // stop_runs cancels live runs (window closing).
  void stop_runs();

  // ---- playhead ----
  void step_forward();
  void step_back();
  void step_task_forward();  // next event of the selected task (asks the sim if needed)
  void step_task_back();
  void jump_start();
  void jump_end();
  void toggle_play();
  void set_playing(bool playing);
  bool playing() const { return playing_; }
  // scrub_to_time / scrub_to_event move the playhead into the recorded past (pauses playback).
  void scrub_to_time(Time t);
  void scrub_to_event(EventIndex i);
  // set_at applies an `--at` argument: "N" event index or a duration ("1.5ms"). false if bad.
  bool set_at(const std::string& at);
  EventIndex playhead() const { return playhead_; }
  Time playhead_time() const;
  // following_live: the playhead sticks to the newest event of a live run.
  bool following_live() const { return follow_live_; }
  // state_at_playhead is the reconstructed runtime state at the playhead (cached per position).
  const ModelState& state_at_playhead();

  // ---- view helpers ----
  void fit_all();
  void select_task(TaskId t, bool in_compare = false);
  void select_event(EventIndex e, bool in_compare = false);
  void set_theme(ThemeKind theme);
  void report_error(const std::string& message);  // shown in the app's message bar
  void report_status(const std::string& message);
  bool live_sim_waiting() const;  // a stepped sim run that has not finished

  // ---- data (views read these directly) ----
  Settings settings;
  Palette palette;
  Shown main;
  Shown compare;
  Selection selection;
  TimeAxis axis;
  RunChoice choice;    // what the scenario browser has selected
  std::string error;   // last error, shown until dismissed
  std::string status;  // last status line
  bool help_open = false;
  bool export_open = false;
  bool open_dialog_open = false;  // in-app path field (fallback for zenity/kdialog)
  bool fit_pending = true;        // fit the axis once the timeline knows its width
  bool auto_fit = true;           // keep fitting while a live run grows (cleared by zoom/pan)
  uint64_t generation = 0;        // bumped whenever main.model is replaced
  std::vector<std::string> highlight_tasks;  // task names a lesson step emphasises
  std::string focus_panel;  // a lesson step's panel to bring forward ("stacks", ...)

 private:
  void set_playhead(EventIndex i, bool follow);
  bool step_sim_to_next_event();
  bool live_stepped() const;

  EventIndex playhead_ = kNoEvent;
  bool follow_live_ = true;
  bool playing_ = false;
  double play_accumulator_ = 0;
  std::optional<ModelState> state_cache_;
  EventIndex state_cache_index_ = kNoEvent;
  uint64_t state_cache_generation_ = 0;
  size_t state_cache_events_ = 0;
  TaskId pending_task_step_ = 0;
  bool pending_step_ = false;  // step_forward asked the sim for one step; stop on its first event
                               // // step_task_forward waiting for the sim to produce the event
};

}  // namespace as::viz
