// cli/viz_commands.cpp — the desktop app from the command line:
//   asyncscope                 open the app (no display: say so, run the default scenario headless
//                              and write ./asyncscope-pingpong.astrace)
//   asyncscope open FILE       open the app on a .astrace file
//   asyncscope shot (SCENARIO | FILE.astrace) --out FILE.png [--size WxH] [--model go|future]
//                   [--at STEP|TIME] [--theme light|dark]
//                              render the real UI into a PNG (needs any X server, e.g. xvfb-run)
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "core/trace/astrace.hpp"
#include "scenarios/scenario.hpp"

#ifdef ASYNCSCOPE_HAVE_GUI
#include "viz/app/app.hpp"
#endif

namespace as::cli {
namespace {

#ifdef ASYNCSCOPE_HAVE_GUI
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// parse_size reads "WxH" (each 64..8192).
bool parse_size(const std::string& text, int& w, int& h) {
  const auto x = text.find('x');
  if (x == std::string::npos) return false;
  try {
    size_t used_w = 0, used_h = 0;
    const std::string ws = text.substr(0, x), hs = text.substr(x + 1);
    w = std::stoi(ws, &used_w);
    h = std::stoi(hs, &used_h);
    if (used_w != ws.size() || used_h != hs.size()) return false;
  } catch (const std::exception&) {
    return false;
  }
  return w >= 64 && h >= 64 && w <= 8192 && h <= 8192;
}
#endif

// headless_default: what `asyncscope` does without a display — run the ping-pong scenario in the
// simulation and save its trace, so the user has something to open later.
int headless_default() {
  std::fprintf(stderr,
               "asyncscope: no display (DISPLAY is not set), so no window; running the default "
               "scenario headless instead (see asyncscope --help)\n");
  const scenario::Scenario* s = scenario::find("pingpong", scenario::Model::Goroutine);
  if (s == nullptr && !scenario::all().empty()) s = &scenario::all().front();
  if (s == nullptr) {
    std::fprintf(stderr, "asyncscope: no scenarios are built in\n");
    return 1;
  }
  trace::Recorder rec;
  scenario::RunOptions options;
  const auto result = s->run(options, rec);
  const std::string out = "asyncscope-" + s->id + ".astrace";
  trace::TraceData data = trace::snapshot(rec);
  trace::write_astrace(out, data);
  std::printf(
      "ran %s (%s, sim, %d procs, seed %llu): %zu events%s\nwrote %s — open it later with: "
      "asyncscope open %s\n",
      s->id.c_str(), std::string(scenario::model_name(s->model)).c_str(), options.procs,
      static_cast<unsigned long long>(options.seed), data.events.size(),
      result.error.empty() ? "" : (", " + result.error).c_str(), out.c_str(), out.c_str());
  return 0;
}

}  // namespace

void add_viz_commands(CLI::App& app, Context& ctx) {
  struct ShotArgs {
    std::string what, out, size = "1600x1000", model = "go", at, theme = "dark", executor = "multi";
    int procs = 2;
    uint64_t seed = 1;
    uint32_t select = 0;
    bool presenter = false;
  };
  auto args = std::make_shared<ShotArgs>();
  auto* shot = app.add_subcommand("shot",
                                  "Render the app's UI for a scenario or a trace into a PNG (needs "
                                  "an X server; use xvfb-run -a on servers)");
  shot->add_option("what", args->what, "Scenario id (see `asyncscope list`) or a FILE.astrace")
      ->required();
  shot->add_option("--out,-o", args->out, "PNG file to write")->required();
  shot->add_option("--size", args->size, "Image size WxH")->capture_default_str();
  shot->add_option("--model,-m", args->model, "go | future (for a scenario id)")
      ->capture_default_str();
  shot->add_option("--procs,-p", args->procs, "Workers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  shot->add_option("--executor", args->executor, "Futures: current | multi")
      ->check(CLI::IsMember({"current", "multi"}))
      ->capture_default_str();
  shot->add_option("--seed,-s", args->seed, "Simulation seed")->capture_default_str();
  shot->add_option("--at", args->at,
                   "Playhead: event index (42), time (1.5ms, 200us) or fraction (60%)");
  shot->add_option("--theme", args->theme, "dark | light")
      ->check(CLI::IsMember({"dark", "light"}))
      ->capture_default_str();
  shot->add_option("--select", args->select, "Task id to select (shown in the inspector)");
  shot->add_flag("--presenter", args->presenter, "Larger text");
  shot->callback([&ctx, args] {
#ifdef ASYNCSCOPE_HAVE_GUI
    viz::AppOptions o;
    if (!parse_size(args->size, o.width, o.height))
      throw UsageError("bad --size '" + args->size + "' (expected WxH, e.g. 1600x1000, 64..8192)",
                       2);
    if (args->model != "go" && args->model != "future")
      throw UsageError("unknown model '" + args->model + "' (expected go or future)", 2);
    if (ends_with(args->what, ".astrace"))
      o.open_file = args->what;
    else
      o.scenario = args->what;
    o.model = args->model;
    o.procs = args->procs;
    o.seed = args->seed;
    o.executor = args->executor;
    o.at = args->at;
    o.theme = args->theme;
    o.presenter = args->presenter;
    o.select_task = args->select;
    o.screenshot_out = args->out;
    ctx.exit_code = viz::run_app(o);
#else
    (void)args;
    throw UsageError("this asyncscope was built without the GUI (-DASYNCSCOPE_GUI=OFF)", 1);
#endif
  });

  auto open_file = std::make_shared<std::string>();
  auto* open = app.add_subcommand("open", "Open the desktop app on a .astrace file");
  open->add_option("file", *open_file, "Trace file (.astrace)")->required();
  open->callback([&ctx, open_file] {
#ifdef ASYNCSCOPE_HAVE_GUI
    viz::AppOptions o;
    o.open_file = *open_file;
    ctx.exit_code = viz::run_app(o);
#else
    throw UsageError("this asyncscope was built without the GUI (-DASYNCSCOPE_GUI=OFF)", 1);
#endif
  });
}

int run_default(Context& ctx) {
  (void)ctx;
#ifdef ASYNCSCOPE_HAVE_GUI
  if (viz::display_available()) return viz::run_app(viz::AppOptions{});
#endif
  return headless_default();
}

}  // namespace as::cli
