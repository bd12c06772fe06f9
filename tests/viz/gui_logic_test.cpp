// tests/viz/gui_logic_test.cpp — the app's view logic that needs no window: time axis maths and
// ruler, lane layout, colours (contrast, colour-blind-safe distinctness, state mapping), key
// decisions (ignored while typing), settings parsing, font validation, dialog argv, spawning,
// lesson prose layout (Markdown paragraphs, lists, code fences).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "viz/app/event_text.hpp"
#include "viz/app/file_dialogs.hpp"
#include "viz/app/fonts.hpp"
#include "viz/app/key_actions.hpp"
#include "viz/app/lane_layout.hpp"
#include "viz/app/markdown_text.hpp"
#include "viz/app/palette.hpp"
#include "viz/app/settings.hpp"
#include "viz/app/spawn_process.hpp"
#include "viz/app/state_colours.hpp"
#include "viz/app/time_axis.hpp"

using namespace as::viz;

TEST_CASE("time axis maps time to x and back, zoom keeps the point under the cursor",
          "[gui][axis]") {
  TimeAxis axis;
  axis.set_width(1000);
  axis.set_range(0, 10000);
  CHECK(axis.ns_per_px() == Approx(10.0));
  CHECK(axis.to_x(5000) == Approx(500.0f));
  CHECK(axis.to_time(250) == Approx(2500.0));
  const double anchor = axis.to_time(300);
  axis.zoom_at(300, 0.5);
  CHECK(axis.to_time(300) == Approx(anchor));
  CHECK(axis.ns_per_px() == Approx(5.0));
  axis.pan_px(100);  // content moves right: earlier times come into view
  CHECK(axis.to_time(300) == Approx(anchor - 500));
}

TEST_CASE("time axis clamps zoom and survives degenerate input", "[gui][axis]") {
  TimeAxis axis;
  axis.set_width(0);  // clamped to 1 px
  CHECK(axis.width() == 1.0f);
  axis.set_width(800);
  for (int i = 0; i < 200; ++i) axis.zoom_at(400, 0.1);
  CHECK(axis.ns_per_px() == TimeAxis::kMinNsPerPx);
  for (int i = 0; i < 200; ++i) axis.zoom_at(400, 10);
  CHECK(axis.ns_per_px() == TimeAxis::kMaxNsPerPx);
  const double before = axis.ns_per_px();
  axis.zoom_at(10, 0.0);
  axis.zoom_at(10, -1.0);
  CHECK(axis.ns_per_px() == before);
  axis.fit(500, 500);  // an empty range still gives a usable view around it
  CHECK(axis.start() < 500);
  CHECK(axis.end() > 500);
}

TEST_CASE("ensure_visible scrolls a following playhead into view", "[gui][axis]") {
  TimeAxis axis;
  axis.set_width(100);
  axis.set_range(0, 1000);
  axis.ensure_visible(5000);
  CHECK(axis.start() <= 5000);
  CHECK(axis.end() >= 5000);
}

TEST_CASE("ruler ticks are 1-2-5 spaced, ordered, labelled on majors with one unit",
          "[gui][axis]") {
  CHECK(nice_step(0.7) == Approx(1));
  CHECK(nice_step(1.3) == Approx(2));
  CHECK(nice_step(3) == Approx(5));
  CHECK(nice_step(7) == Approx(10));
  CHECK(nice_step(1200) == Approx(2000));
  TimeAxis axis;
  axis.set_width(1000);
  axis.set_range(0, 2'000'000);  // 2 ms over 1000 px
  const auto ticks = ruler_ticks(axis, 8, 90);
  REQUIRE(ticks.size() > 10);
  int majors = 0;
  double last_major = -1e18;
  for (size_t i = 1; i < ticks.size(); ++i) {
    CHECK(ticks[i].t > ticks[i - 1].t);
    CHECK((ticks[i].t - ticks[i - 1].t) / axis.ns_per_px() >= 8.0 - 1e-6);
  }
  for (const auto& t : ticks) {
    if (!t.major) continue;
    ++majors;
    CHECK((t.t - last_major) / axis.ns_per_px() >= 90.0 - 1e-6);  // labels never overlap
    last_major = t.t;
    CHECK(t.label.find("\xC2\xB5s") != std::string::npos);  // 2 ms range labelled in µs
  }
  CHECK(majors >= 2);
  // Zoomed far in (sub-ns per px) ticks stay on whole ns.
  axis.set_range(100, 110);
  for (const auto& t : ruler_ticks(axis, 8, 90)) CHECK(t.t == std::floor(t.t));
}

TEST_CASE("ruler labels count from the trace's first event (real clocks read ~10^16 ns)",
          "[gui][axis]") {
  const double origin = 32'200'212'187'654.0;  // a real-thread trace's first event
  TimeAxis axis;
  axis.set_width(1000);
  axis.set_range(origin - 20'000, origin + 400'000);  // 420 us, the first event near the left
  const auto ticks = ruler_ticks(axis, 8, 90, origin);
  REQUIRE(!ticks.empty());
  bool saw_zero = false;
  for (const auto& t : ticks) {
    // Every tick sits a whole number of steps from the origin.
    const double since = t.t - origin;
    CHECK(std::abs(since - std::round(since / 1000.0) * 1000.0) < 1e-3);
    if (!t.major) continue;
    CHECK(t.label.size() <= 8);  // "-20 µs", "100 µs", never "32200212200 µs"
    if (t.label == "0 \xC2\xB5s") saw_zero = true;
  }
  CHECK(saw_zero);
}

TEST_CASE("durations format with a unit and parse back", "[gui][axis]") {
  CHECK(format_duration(350) == "350 ns");
  CHECK(format_duration(1500) == "1.5 \xC2\xB5s");
  CHECK(format_duration(12'000'000) == "12 ms");
  CHECK(format_duration(2'250'000'000.0) == "2.25 s");
  CHECK(format_duration(0) == "0 ns");
  CHECK(parse_duration("1500") == 1500);
  CHECK(parse_duration("1.5us") == 1500);
  CHECK(parse_duration("1.5\xC2\xB5s") == 1500);
  CHECK(parse_duration("2ms") == 2'000'000);
  CHECK(parse_duration("0.5s") == 500'000'000);
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("ms"));
  CHECK_FALSE(parse_duration("5 parsecs"));
  CHECK_FALSE(parse_duration("-3ms"));
  CHECK_FALSE(parse_duration("1e300s"));
}

TEST_CASE("lane layout maps lanes to rows and y back to lanes", "[gui][layout]") {
  LaneLayout layout;
  layout.build(2, 3, 20, 10, 15);
  REQUIRE(layout.rows().size() == 5);
  CHECK(layout.total_height() == Approx(2 * 20 + 15 + 3 * 10));
  CHECK(layout.row_of({LaneKind::Worker, 1}) == 1u);
  CHECK(layout.row_of({LaneKind::Task, 0}) == 2u);
  CHECK_FALSE(layout.row_of({LaneKind::Worker, 2}));
  CHECK_FALSE(layout.row_of({LaneKind::Task, 3}));
  CHECK(layout.row_at(5) == 0u);
  CHECK(layout.row_at(39.9f) == 1u);
  CHECK_FALSE(layout.row_at(45));  // the section gap
  CHECK(layout.row_at(56) == 2u);
  CHECK_FALSE(layout.row_at(-1));
  CHECK_FALSE(layout.row_at(1000));
  const auto [first, last] = layout.visible_rows(30, 30);  // y 30..60: worker 1, gap, task 0
  CHECK(first == 1);
  CHECK(last == 3);
  LaneLayout no_tasks;
  no_tasks.build(4, 0, 20, 10, 15);
  CHECK(no_tasks.rows().size() == 4);
  CHECK(no_tasks.total_height() == Approx(80));
}

TEST_CASE("themes keep text readable (WCAG contrast)", "[gui][colour]") {
  for (ThemeKind kind : {ThemeKind::Dark, ThemeKind::Light}) {
    const Palette p = make_palette(kind);
    CHECK(contrast_ratio(p.text, p.background) >= 7.0);  // AAA body text
    CHECK(contrast_ratio(p.text, p.lane_label) >= 7.0);
    CHECK(contrast_ratio(p.playhead, p.background) >= 4.5);
  }
  CHECK(contrast_ratio(make_palette(ThemeKind::Light).text,
                       make_palette(ThemeKind::Light).background) == Approx(21.0));
  CHECK(Palette::text_on(pack_rgba(255, 255, 0)) == pack_rgba(0, 0, 0));
  CHECK(Palette::text_on(pack_rgba(0, 0, 80)) == pack_rgba(255, 255, 255));
}

TEST_CASE("task colours differ between neighbours; legend colours are distinct", "[gui][colour]") {
  const Palette p = make_palette(ThemeKind::Dark);
  for (uint32_t t = 0; t < 50; ++t) CHECK(p.task(t) != p.task(t + 1));
  CHECK(p.task(7) == p.task(7));
  for (bool futures : {false, true}) {
    std::set<uint32_t> colours;
    for (const auto& e : legend(futures)) colours.insert(p.state(e.colour));
    CHECK(colours.size() == legend(futures).size());
  }
  // Shape as well as colour: running is drawn taller than any waiting state.
  CHECK(state_bar_height(StateColour::Running) > state_bar_height(StateColour::Runnable));
  CHECK(state_bar_height(StateColour::Runnable) > state_bar_height(StateColour::BlockedChan));
}

TEST_CASE("task states and reasons map to their colour family", "[gui][colour]") {
  using as::trace::Reason;
  CHECK(state_colour(TaskState::Running, Reason::None) == StateColour::Running);
  CHECK(state_colour(TaskState::Runnable, Reason::Preempted) == StateColour::Runnable);
  CHECK(state_colour(TaskState::Blocked, Reason::ChanRecv) == StateColour::BlockedChan);
  CHECK(state_colour(TaskState::Blocked, Reason::ChanSend) == StateColour::BlockedChan);
  CHECK(state_colour(TaskState::Blocked, Reason::Select) == StateColour::BlockedSelect);
  CHECK(state_colour(TaskState::Blocked, Reason::Sleep) == StateColour::BlockedTimer);
  CHECK(state_colour(TaskState::Blocked, Reason::Io) == StateColour::BlockedIo);
  CHECK(state_colour(TaskState::Blocked, Reason::Mutex) == StateColour::BlockedSync);
  CHECK(state_colour(TaskState::Syscall, Reason::Syscall) == StateColour::BlockedSyscall);
  CHECK(state_colour(TaskState::Pending, Reason::Waker) == StateColour::Pending);
  CHECK(state_colour(TaskState::Done, Reason::Done) == StateColour::Done);
  CHECK(state_colour(TaskState::kCount, Reason::None) == StateColour::Unknown);
  CHECK(state_label(TaskState::Blocked, Reason::ChanRecv) == "blocked (chan recv)");
  CHECK(state_label(TaskState::Running, Reason::None) == "running");
  CHECK(marker_colour(MarkerKind::Error) == MarkerColour::Error);
  CHECK(make_palette(ThemeKind::Dark).marker(MarkerColour::Error) !=
        make_palette(ThemeKind::Dark).marker(MarkerColour::Spawn));
}

TEST_CASE("keys step and play, but never while a text field has focus", "[gui][keys]") {
  KeyPresses k;
  k.space = true;
  k.right = true;
  CHECK(decide_key_actions(k) ==
        std::vector<KeyAction>{KeyAction::PlayPause, KeyAction::StepForward});
  k.text_input_focused = true;
  CHECK(decide_key_actions(k).empty());
  KeyPresses shift;
  shift.shift = true;
  shift.right = true;
  shift.left = true;
  CHECK(decide_key_actions(shift) ==
        std::vector<KeyAction>{KeyAction::StepTaskForward, KeyAction::StepTaskBack});
  KeyPresses ctrl;
  ctrl.ctrl = true;
  ctrl.o = true;
  ctrl.e = true;
  ctrl.space = true;  // Ctrl+Space is not play
  CHECK(decide_key_actions(ctrl) == std::vector<KeyAction>{KeyAction::Open, KeyAction::Export});
  ctrl.text_input_focused = true;
  CHECK(decide_key_actions(ctrl).empty());
  KeyPresses plain_o;
  plain_o.o = true;  // 'o' alone (typing elsewhere) opens nothing
  CHECK(decide_key_actions(plain_o).empty());
  KeyPresses nav;
  nav.home = nav.end = nav.f1 = true;
  CHECK(decide_key_actions(nav) ==
        std::vector<KeyAction>{KeyAction::JumpStart, KeyAction::JumpEnd, KeyAction::Help});
  CHECK(key_help().size() > 8);
}

TEST_CASE("settings parse defensively and round-trip", "[gui][settings]") {
  Settings s = parse_settings(
      "theme = light\npresenter = yes\nprocs = 4\nseed = 99\nwindow_width = 10\n"
      "model = klingon\nexecutor=current\ngarbage line\n= = =\nspeed_events_per_s = -5\n");
  CHECK(s.theme == "light");
  CHECK(s.presenter);
  CHECK(s.procs == 4);
  CHECK(s.seed == 99);
  CHECK(s.window_width == Settings{}.window_width);  // out of range: default kept
  CHECK(s.model == "go");                            // unknown value: default kept
  CHECK(s.executor == "current");
  CHECK(s.speed_events_per_s == Settings{}.speed_events_per_s);
  const Settings back = parse_settings(format_settings(s));
  CHECK(back.theme == s.theme);
  CHECK(back.procs == s.procs);
  CHECK(back.seed == s.seed);
  CHECK(back.executor == s.executor);
  CHECK(back.presenter == s.presenter);
}

TEST_CASE("settings live under XDG_CONFIG_HOME/asyncscope", "[gui][settings]") {
  const std::string dir = std::string(ASYNCSCOPE_BINARY_DIR) + "/gui-test-config";
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  CHECK(config_dir() == dir + "/asyncscope");
  Settings s;
  s.theme = "light";
  s.procs = 3;
  REQUIRE(save_settings(s));
  const Settings loaded = load_settings();
  CHECK(loaded.theme == "light");
  CHECK(loaded.procs == 3);
  setenv("XDG_CONFIG_HOME", "relative/path", 1);  // not absolute: ignored per the XDG spec
  CHECK(config_dir() != "relative/path/asyncscope");
  unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("font files are validated before ImGui sees them", "[gui][fonts]") {
  const std::string dir = std::string(ASYNCSCOPE_BINARY_DIR);
  CHECK_FALSE(validate_font_file("").ok);
  CHECK_FALSE(validate_font_file(dir + "/no-such-font.ttf").ok);
  CHECK_FALSE(validate_font_file(dir).ok);  // a directory
  const std::string bogus = dir + "/gui-test-bogus.ttf";
  {
    std::ofstream out(bogus, std::ios::binary);
    out << "<html>not a font</html>" << std::string(4096, 'x');
  }
  const FontCheck check = validate_font_file(bogus);
  CHECK_FALSE(check.ok);
  CHECK(check.problem == "not a TrueType file");
  const std::string tiny = dir + "/gui-test-tiny.ttf";
  {
    std::ofstream out(tiny, std::ios::binary);
    out.write("\x00\x01\x00\x00", 4);
  }
  CHECK_FALSE(validate_font_file(tiny).ok);
  std::remove(bogus.c_str());
  std::remove(tiny.c_str());
  const std::string dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::ifstream(dejavu).good()) CHECK(validate_font_file(dejavu).ok);
  // fc-match's answer is validated too: whatever it returns is either "" or a valid font.
  const std::string found = find_system_font("DejaVu Sans");
  if (!found.empty()) CHECK(validate_font_file(found).ok);
  CHECK(font_pixel_size(2.0f, false) == 2 * font_pixel_size(1.0f, false));
  CHECK(font_pixel_size(1.0f, true) > font_pixel_size(1.0f, false));
  CHECK(font_pixel_size(100.0f, false) == font_pixel_size(4.0f, false));  // clamped
}

TEST_CASE("helper programs are spawned with an argv, never a shell", "[gui][spawn]") {
  auto echo = run_process({"echo", "a b; rm -rf /tmp/x", "$(id)"});
  REQUIRE(echo);
  CHECK(echo->exit_code == 0);
  CHECK(echo->output == "a b; rm -rf /tmp/x $(id)\n");  // metacharacters arrive verbatim
  auto failing = run_process({"false"});
  REQUIRE(failing);
  CHECK(failing->exit_code == 1);
  CHECK_FALSE(run_process({"asyncscope-no-such-program-xyz"}));
  CHECK_FALSE(run_process({}));
  CHECK(program_in_path("sh"));
  CHECK_FALSE(program_in_path(""));
  auto capped = run_process({"echo", "0123456789"}, 4);
  REQUIRE(capped);
  CHECK(capped->output == "0123");
}

TEST_CASE("dialog argv keeps the start path as one argument", "[gui][dialogs]") {
  const std::string tricky = "/tmp/my traces/a;b.astrace";
  const auto z = dialog_argv("zenity", DialogKind::Save, "Save as", tricky, {"trace", "*.astrace"});
  CHECK(z.front() == "zenity");
  CHECK(std::find(z.begin(), z.end(), "--filename=" + tricky) != z.end());
  CHECK(std::find(z.begin(), z.end(), "--save") != z.end());
  const auto k = dialog_argv("kdialog", DialogKind::Open, "Open", tricky, {"trace", "*.astrace"});
  CHECK(k.front() == "kdialog");
  CHECK(std::find(k.begin(), k.end(), "--getopenfilename") != k.end());
  CHECK(std::find(k.begin(), k.end(), tricky) != k.end());
}

TEST_CASE("event text names arguments by the event table", "[gui][text]") {
  as::trace::TraceData data;
  data.strings = {"", "jobs", "worker"};
  data.meta.workers = 1;
  auto ev = [](int64_t ts, as::trace::EventKind k, uint16_t w, uint32_t task, uint64_t a0 = 0,
               uint64_t a1 = 0, uint64_t a2 = 0) {
    as::trace::Event e;
    e.ts = ts;
    e.kind = k;
    e.worker = w;
    e.task = task;
    e.args[0] = a0;
    e.args[1] = a1;
    e.args[2] = a2;
    return e;
  };
  using K = as::trace::EventKind;
  data.events = {
      ev(0, K::WorkerStart, 0, 0, 2), ev(1, K::TaskCreate, 0, 1, 0, 0, 0),
      ev(2, K::TaskStart, 0, 1),
      ev(3, K::TaskBlock, 0, 1, static_cast<uint64_t>(as::trace::Reason::ChanRecv), 7, 1)};
  for (uint32_t i = 0; i < data.events.size(); ++i) data.events[i].seq = i;
  TraceModel model(data);
  const std::string text = event_text(model, model.event(3));
  CHECK(text.find("task.block") == 0);
  CHECK(text.find("reason=chan recv") != std::string::npos);
  CHECK(text.find("object=7") != std::string::npos);
  CHECK(text.find("object_name=jobs") != std::string::npos);
  CHECK(task_or_none(model, 0) == "-");
}

TEST_CASE("lesson prose: hard-wrapped lines join into paragraphs, lists and code keep their shape",
          "[gui][markdown]") {
  const auto blocks = markdown_blocks(
      "A goroutine is a stack: here 256 KiB of\n"
      "*reserved* address space.\r\n"
      "\n"
      "\n"
      "Each prints lines:\n"
      "- `spawn_join` (ns per spawn),\n"
      "  continued here\n"
      "* `pingpong`\n"
      "12. twelfth\n"
      "\n"
      "```\n"
      "asyncscope bench --model go\n"
      "  indented stays\n"
      "```\n"
      "Last words.");
  REQUIRE(blocks.size() == 7);
  CHECK(blocks[0].kind == TextBlock::Kind::Paragraph);
  CHECK(blocks[0].text == "A goroutine is a stack: here 256 KiB of *reserved* address space.");
  CHECK(blocks[1].text == "Each prints lines:");
  CHECK(blocks[2].kind == TextBlock::Kind::ListItem);
  CHECK(blocks[2].marker == "-");
  CHECK(blocks[2].text == "`spawn_join` (ns per spawn), continued here");
  CHECK(blocks[3].kind == TextBlock::Kind::ListItem);
  CHECK(blocks[3].text == "`pingpong`");
  CHECK(blocks[4].marker == "12.");
  CHECK(blocks[4].text == "twelfth");
  CHECK(blocks[5].kind == TextBlock::Kind::Code);
  CHECK(blocks[5].text == "asyncscope bench --model go\n  indented stays");
  CHECK(blocks[6].kind == TextBlock::Kind::Paragraph);
  CHECK(blocks[6].text == "Last words.");
  CHECK(markdown_blocks("").empty());
  CHECK(markdown_blocks("\n\n  \n").empty());
  // An unclosed fence keeps the rest as code instead of losing it.
  const auto open_fence = markdown_blocks("```\nx = 1");
  REQUIRE(open_fence.size() == 1);
  CHECK(open_fence[0].text == "x = 1");
  // "3.14 is pi" is a sentence, not a numbered item; "-x" is not a bullet.
  CHECK(markdown_blocks("3.14 is pi")[0].kind == TextBlock::Kind::Paragraph);
  CHECK(markdown_blocks("-x")[0].kind == TextBlock::Kind::Paragraph);
}
