// viz/app/app_state.cpp — see app_state.hpp.
#include "viz/app/app_state.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "viz/model/synthetic.hpp"

namespace as::viz {

AppState::AppState(Settings s) : settings(std::move(s)) {
  palette = make_palette(settings.theme == "light" ? ThemeKind::Light : ThemeKind::Dark);
  choice.model = settings.model == "future" ? scenario::Model::Future : scenario::Model::Goroutine;
  choice.options.procs = settings.procs;
  choice.options.seed = settings.seed;
  choice.options.executor = settings.executor;
  choice.options.real = settings.real;
}

AppState::~AppState() {
  stop_runs();
}

void AppState::stop_runs() {
  main.live.stop();
  compare.live.stop();
}

void AppState::report_error(const std::string& message) {
  error = message;
}
void AppState::report_status(const std::string& message) {
  status = message;
}

void AppState::set_theme(ThemeKind theme) {
  settings.theme = theme == ThemeKind::Light ? "light" : "dark";
  palette = make_palette(theme);
}

// ---- per frame -------------------------------------------------------------------------------

bool AppState::update(double dt) {
  bool changed = false;
  const size_t before = main.model.event_count();
  const size_t added = main.live.drain(main.model);
  if (added > 0) {
    changed = true;
    if (pending_step_) {
      // A single sim step was requested: stop on the first event it produced.
      set_playhead(static_cast<EventIndex>(before), false);
      pending_step_ = false;
    } else if (pending_task_step_ != 0) {
      const EventIndex from = before == 0 ? kNoEvent : static_cast<EventIndex>(before - 1);
      const EventIndex e = main.model.next_task_event(pending_task_step_, from);
      if (e != kNoEvent) {
        set_playhead(e, false);
        pending_task_step_ = 0;
      }
    } else if (follow_live_) {
      playhead_ = static_cast<EventIndex>(main.model.event_count() - 1);
    }
    if (auto_fit)
      axis.fit(static_cast<double>(main.model.begin_time()),
               static_cast<double>(main.model.end_time()));
  }
  if (main.live.active() && main.live.finished() && main.live.drain(main.model) == 0) {
    main.live.stop();
    const auto r = main.live.result();
    if (!r.error.empty() && r.error != "run cancelled")
      report_status("run ended: " + r.error + " (exit " + std::to_string(r.exit_code) + ")");
    else
      report_status("run finished: " + std::to_string(main.model.event_count()) + " events");
    pending_task_step_ = 0;
    changed = true;
  }
  if (compare.live.active()) {
    if (compare.live.drain(compare.model) > 0) changed = true;
    if (compare.live.finished() && compare.live.drain(compare.model) == 0) {
      compare.live.stop();
      changed = true;
    }
  }

  if (playing_) {
    changed = true;
    const size_t n = main.model.event_count();
    const bool at_end = n == 0 || (playhead_ != kNoEvent && playhead_ + 1 >= n);
    if (at_end && live_stepped()) {
      // Live sim: the simulation itself plays, throttled to the chosen speed; the playhead follows.
      follow_live_ = true;
      if (auto* c = main.live.control()) {
        c->set_max_steps_per_second(settings.speed_events_per_s);
        if (c->paused()) c->resume();
      }
    } else if (at_end && !main.live.active()) {
      playing_ = false;
    } else if (!at_end) {
      play_accumulator_ += dt * settings.speed_events_per_s;
      const auto advance = static_cast<size_t>(play_accumulator_);
      play_accumulator_ -= static_cast<double>(advance);
      if (advance > 0) {
        const size_t cur = playhead_ == kNoEvent ? 0 : playhead_ + size_t{1};
        set_playhead(static_cast<EventIndex>(std::min(cur + advance - 1, n - 1)), false);
        if (playhead_ + 1 >= n && main.live.active()) follow_live_ = true;
      }
    }
  }
  return changed;
}

// ---- runs and files --------------------------------------------------------------------------

static const scenario::Scenario* pick_scenario(const RunChoice& c) {
  if (!c.scenario.empty()) return scenario::find(c.scenario, c.model);
  for (const auto& s : scenario::all())
    if (s.model == c.model) return &s;
  return nullptr;
}

bool AppState::run_scenario(const RunChoice& c) {
  const scenario::Scenario* s = pick_scenario(c);
  if (s == nullptr) {
    report_error("no scenario '" + c.scenario + "' for model " +
                 std::string(scenario::model_name(c.model)));
    return false;
  }
  run_scenario_with(*s, c.options, false);
  return true;
}

void AppState::run_scenario_with(const scenario::Scenario& s, const scenario::RunOptions& options,
                                 bool as_compare) {
  if (as_compare) {
    compare.live.start(s, options, /*stepped=*/false, compare.model);
    compare.title = compare.live.title();
    compare.source_path.clear();
    return;
  }
  main.live.start(s, options, /*stepped=*/true, main.model);
  main.title = main.live.title();
  main.source_path.clear();
  ++generation;
  selection = {};
  playhead_ = kNoEvent;
  follow_live_ = true;
  pending_task_step_ = 0;
  pending_step_ = false;
  auto_fit = true;
  fit_pending = true;
  set_playing(!options.real);
  report_status("running " + main.title);
}

bool AppState::run_compare(const RunChoice& c) {
  const scenario::Scenario* s = pick_scenario(c);
  if (s == nullptr) {
    report_error("no scenario '" + c.scenario + "' for model " +
                 std::string(scenario::model_name(c.model)));
    return false;
  }
  run_scenario_with(*s, c.options, true);
  return true;
}

bool AppState::run_to_end(double timeout_s) {
  set_playing(false);
  for (Shown* s : {&main, &compare}) {
    if (auto* c = s->live.control(); c != nullptr && s->live.active()) {
      c->set_max_steps_per_second(0);
      c->resume();
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (main.live.active() || compare.live.active()) {
    update(0.0);
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  set_playhead(
      main.model.event_count() ? static_cast<EventIndex>(main.model.event_count() - 1) : kNoEvent,
      false);
  return true;
}

void AppState::clear_compare() {
  compare.live.stop();
  compare.model = TraceModel();
  compare.title.clear();
  compare.source_path.clear();
  if (selection.in_compare) selection = {};
}

void AppState::load_synthetic(trace::ModelKind model, size_t events, uint64_t seed) {
  main.live.stop();
  SyntheticOptions o;
  o.model = model;
  o.events = events;
  o.seed = seed;
  o.workers = 4;
  o.tasks = 12;
  o.channels = 4;
  main.model = TraceModel(make_synthetic_trace(o));
  main.title = std::string("synthetic ") +
               (model == trace::ModelKind::Goroutine ? "go" : "future") + " trace (" +
               std::to_string(main.model.event_count()) + " events)";
  main.source_path.clear();
  ++generation;
  selection = {};
  set_playhead(
      main.model.event_count() ? static_cast<EventIndex>(main.model.event_count() - 1) : kNoEvent,
      false);
  playing_ = false;
  auto_fit = true;
  fit_pending = true;
}

bool AppState::open_file(const std::string& path, bool as_compare) {
  try {
    trace::TraceData data = trace::read_astrace(path);
    Shown& target = as_compare ? compare : main;
    target.live.stop();
    target.model = TraceModel(data);
    target.source_path = path;
    const auto slash = path.find_last_of('/');
    target.title = (slash == std::string::npos ? path : path.substr(slash + 1)) + " (" +
                   (data.meta.runtime.empty() ? "trace" : data.meta.runtime) + ")";
    if (!as_compare) {
      ++generation;
      selection = {};
      playing_ = false;
      set_playhead(target.model.event_count()
                       ? static_cast<EventIndex>(target.model.event_count() - 1)
                       : kNoEvent,
                   false);
      auto_fit = true;
      fit_pending = true;
    }
    if (slash != std::string::npos) settings.last_directory = path.substr(0, slash);
    report_status("opened " + path + ": " + std::to_string(data.events.size()) + " events");
    return true;
  } catch (const std::exception& e) {
    report_error(std::string("cannot open trace: ") + e.what());
    return false;
  }
}

trace::TraceData AppState::snapshot_trace() const {
  trace::TraceData data;
  data.meta = main.model.meta();
  data.strings = main.model.strings();
  if (data.strings.empty()) data.strings.push_back("");
  data.events.reserve(main.model.event_count());
  for (size_t i = 0; i < main.model.event_count(); ++i) {
    trace::Event e = main.model.event(static_cast<EventIndex>(i));
    e.seq = static_cast<uint32_t>(i);
    data.events.push_back(e);
  }
  return data;
}

bool AppState::save_file(const std::string& path) {
  if (main.empty()) {
    report_error("nothing to save: run a scenario or open a trace first");
    return false;
  }
  try {
    trace::write_astrace(path, snapshot_trace());
    report_status("saved " + path);
    return true;
  } catch (const std::exception& e) {
    report_error(std::string("cannot save: ") + e.what());
    return false;
  }
}

bool AppState::export_perfetto(const std::string& path) {
  if (main.empty()) {
    report_error("nothing to export: run a scenario or open a trace first");
    return false;
  }
  try {
    trace::write_perfetto_json_file(path, snapshot_trace());
    report_status("exported Perfetto JSON to " + path + " (open it at ui.perfetto.dev)");
    return true;
  } catch (const std::exception& e) {
    report_error(std::string("cannot export: ") + e.what());
    return false;
  }
}

// ---- playhead --------------------------------------------------------------------------------

bool AppState::live_stepped() const {
  return main.live.active() && !main.live.finished() &&
         const_cast<LiveRun&>(main.live).control() != nullptr;
}

bool AppState::live_sim_waiting() const {
  return live_stepped();
}

bool AppState::step_sim_to_next_event() {
  auto* c = main.live.control();
  if (c == nullptr || main.live.finished()) return false;
  // One scheduling step may record nothing (a worker that finds no work and parks again), so
  // "step to the next event" runs until the simulation records at least one event.
  c->run_until([](const trace::Event&) { return true; });
  return true;
}

void AppState::set_playhead(EventIndex i, bool follow) {
  const size_t n = main.model.event_count();
  if (n == 0) {
    playhead_ = kNoEvent;
  } else if (i != kNoEvent && i >= n) {
    playhead_ = static_cast<EventIndex>(n - 1);
  } else {
    playhead_ = i;
  }
  follow_live_ = follow;
}

Time AppState::playhead_time() const {
  if (main.model.event_count() == 0) return 0;
  if (playhead_ == kNoEvent) return main.model.begin_time();
  return main.model.time_of(playhead_);
}

void AppState::step_forward() {
  set_playing(false);
  const size_t n = main.model.event_count();
  const bool at_end = n == 0 || (playhead_ != kNoEvent && playhead_ + size_t{1} >= n);
  if (!at_end) {
    set_playhead(playhead_ == kNoEvent ? 0 : playhead_ + 1, false);
    return;
  }
  if (live_stepped() && step_sim_to_next_event()) pending_step_ = true;
}

void AppState::step_back() {
  set_playing(false);
  pending_task_step_ = 0;
  if (playhead_ == kNoEvent || main.model.event_count() == 0) return;
  set_playhead(playhead_ == 0 ? kNoEvent : playhead_ - 1, false);
}

void AppState::step_task_forward() {
  set_playing(false);
  const TaskId t = selection.task;
  if (t == 0 || selection.in_compare) {
    step_forward();
    return;
  }
  const EventIndex e = main.model.next_task_event(t, playhead_);
  if (e != kNoEvent) {
    set_playhead(e, false);
  } else if (live_stepped()) {
    // Not recorded yet: let the simulation run until the task's next event appears.
    pending_task_step_ = t;
    main.live.control()->run_until([t](const trace::Event& ev) { return ev.task == t; });
  } else {
    report_status("no later event of " + main.model.task_label(t));
  }
}

void AppState::step_task_back() {
  set_playing(false);
  const TaskId t = selection.task;
  if (t == 0 || selection.in_compare) {
    step_back();
    return;
  }
  const EventIndex e = main.model.prev_task_event(t, playhead_);
  if (e != kNoEvent) set_playhead(e, false);
}

void AppState::jump_start() {
  set_playing(false);
  set_playhead(main.model.event_count() ? 0 : kNoEvent, false);
}

void AppState::jump_end() {
  set_playing(false);
  const size_t n = main.model.event_count();
  set_playhead(n ? static_cast<EventIndex>(n - 1) : kNoEvent, main.live.active());
}

void AppState::toggle_play() {
  set_playing(!playing_);
}

void AppState::set_playing(bool p) {
  playing_ = p;
  play_accumulator_ = 0;
  if (!p) {
    if (auto* c = main.live.control(); c != nullptr && main.live.active()) c->pause();
  } else {
    const size_t n = main.model.event_count();
    // Playing from the very end of a finished trace restarts from the beginning.
    if (!main.live.active() && n > 0 && playhead_ != kNoEvent && playhead_ + size_t{1} >= n)
      set_playhead(kNoEvent, false);
  }
}

void AppState::scrub_to_time(Time t) {
  set_playing(false);
  pending_task_step_ = 0;
  set_playhead(main.model.event_at_or_before(t), false);
}

void AppState::scrub_to_event(EventIndex i) {
  set_playing(false);
  pending_task_step_ = 0;
  set_playhead(i, false);
}

bool AppState::set_at(const std::string& at) {
  if (at.empty()) return true;
  size_t index = 0;
  const auto [p, ec] = std::from_chars(at.data(), at.data() + at.size(), index);
  if (ec == std::errc() && p == at.data() + at.size()) {
    scrub_to_event(static_cast<EventIndex>(std::min(index, size_t{0xfffffffe})));
    return true;
  }
  if (at.back() == '%') {  // "60%": a fraction of the trace's duration
    double pct = 0;
    int used = 0;
    if (std::sscanf(at.c_str(), "%lf%%%n", &pct, &used) != 1 ||
        static_cast<size_t>(used) != at.size() || !(pct >= 0 && pct <= 100))
      return false;
    const Time b = main.model.begin_time(), e = main.model.end_time();
    scrub_to_time(b + static_cast<Time>(static_cast<double>(e - b) * pct / 100.0));
    return true;
  }
  if (auto ns = parse_duration(at)) {
    scrub_to_time(main.model.begin_time() + *ns);
    return true;
  }
  return false;
}

const ModelState& AppState::state_at_playhead() {
  if (!state_cache_ || state_cache_generation_ != generation || state_cache_index_ != playhead_ ||
      (playhead_ == kNoEvent && state_cache_events_ != main.model.event_count())) {
    state_cache_ = main.model.state_at(playhead_);
    state_cache_generation_ = generation;
    state_cache_index_ = playhead_;
    state_cache_events_ = main.model.event_count();
  }
  return *state_cache_;
}

// ---- view helpers ----------------------------------------------------------------------------

void AppState::fit_all() {
  Time b = main.model.begin_time(), e = main.model.end_time();
  if (!compare.empty()) {
    b = std::min(b, compare.model.begin_time());
    e = std::max(e, compare.model.end_time());
  }
  axis.fit(static_cast<double>(b), static_cast<double>(e));
  auto_fit = true;
}

void AppState::select_task(TaskId t, bool in_compare) {
  selection.task = t;
  selection.in_compare = in_compare;
  selection.edge.reset();
}

void AppState::select_event(EventIndex e, bool in_compare) {
  selection.event = e;
  selection.in_compare = in_compare;
}

}  // namespace as::viz
