// cli/lesson_commands.cpp — `asyncscope lesson ID [--check] [--export DIR] [--lessons-dir DIR]`.
//
//   asyncscope lesson 4                 open the app at lesson 4 (needs a display)
//   asyncscope lesson 4 --check         run every step headless; exit 1 unless every condition is
//                                       reached and every question's answer is what happened
//   asyncscope lesson 4 --export DIR    DIR/<lesson>-<side>.astrace and .json (steps as
//   annotations)
//                                       and, with an X display, one PNG per step from the app
//
// ID is a number ("4", "04"), the folder name ("04-channels") or its slug ("channels").
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lesson_run.hpp"

#ifdef ASYNCSCOPE_HAVE_GUI
#include "viz/app/app.hpp"
#endif

namespace as::cli {
namespace {

struct LessonArgs {
  std::string id;
  bool check = false;
  bool events = false;
  std::string export_dir;
  std::string lessons_dir;
  int step = 1;
  std::string size;
  std::string theme;
};

const lessons::Lesson& find_lesson(const lessons::LessonLibrary& lib, const std::string& id) {
  if (const auto* lesson = lib.find(id)) return *lesson;
  if (const auto* error = lib.error_for(id)) throw UsageError(error->message());
  std::string known;
  for (const auto& l : lib.lessons()) known += (known.empty() ? "" : ", ") + l.id;
  throw UsageError("unknown lesson '" + id + "' (lessons: " + (known.empty() ? "none" : known) +
                   ")");
}

int check(const lessons::Lesson& lesson) {
  lessons::LessonRun run = lessons::run_lesson(lesson);
  std::cout << "lesson " << lesson.id << ": " << lesson.title << "\n";
  for (const auto& side : run.sides) {
    std::cout << "  " << lessons::side_name(side.side) << " run '" << side.scenario
              << "': " << side.trace.events.size() << " events, exit code " << side.result.exit_code
              << (side.result.error.empty() ? "" : " — ") << side.result.error << "\n";
  }
  lessons::CheckResult r = lessons::check_lesson(run);
  for (const auto& line : r.lines) std::cout << "  " << line << "\n";
  std::cout << "lesson " << lesson.id << ": " << (r.ok ? "all steps ok" : "FAILED") << "\n";
  return r.ok ? 0 : 1;
}

// print_events lists every event of each side the way conditions name them — what a teacher
// reads to write `until:` and `answer:` lines.
int print_events(const lessons::Lesson& lesson) {
  lessons::LessonRun run = lessons::run_lesson(lesson);
  for (const auto& side : run.sides) {
    std::cout << "== " << lessons::side_name(side.side) << " run '" << side.scenario << "'\n";
    const lessons::TraceContext& ctx = run.player->context(side.side);
    const auto& events = run.player->events(side.side);
    for (size_t i = 0; i < events.size(); ++i) {
      const trace::Event& e = events[i];
      const auto& info = e.info();
      std::cout << i << "  t=" << lessons::format_duration(e.ts - ctx.start_ts()) << "  "
                << info.name;
      if (e.task) std::cout << " task=" << ctx.task_name(e.task);
      if (e.worker != trace::kNoWorker) std::cout << " worker=" << e.worker;
      for (int a = 0; a < trace::kMaxArgs; ++a) {
        if (info.args[a].type == trace::ArgType::None) continue;
        lessons::Field f;
        f.source = lessons::Field::Source::Arg;
        f.slot = a;
        std::cout << " " << info.args[a].name << "=\"" << f.text(e, ctx) << "\"";
      }
      if (e.loc) std::cout << "  @" << ctx.string(e.loc);
      std::cout << "\n";
    }
  }
  return 0;
}

int export_lesson(const lessons::Lesson& lesson, const LessonArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(args.export_dir, ec);
  if (ec) throw UsageError("cannot create '" + args.export_dir + "': " + ec.message());
  lessons::LessonRun run = lessons::run_lesson(lesson);
  for (const auto& side : run.sides) {
    trace::TraceData data = lessons::annotated_trace(run, side.side);
    std::string base =
        (fs::path(args.export_dir) / (lesson.id + "-" + std::string(lessons::side_name(side.side))))
            .string();
    trace::write_astrace(base + ".astrace", data);
    trace::write_perfetto_json_file(base + ".json", data);
    std::cout << "wrote " << base << ".astrace and " << base << ".json (" << data.events.size()
              << " events)\n";
  }
  lessons::CheckResult r = lessons::check_lesson(run);
  if (!r.ok) std::cerr << "asyncscope: warning: lesson " << lesson.id << " does not pass --check\n";
#ifdef ASYNCSCOPE_HAVE_GUI
  if (!viz::display_available()) {
    std::cout << "PNGs skipped: no X display (run under xvfb-run for one PNG per step)\n";
    return 0;
  }
  viz::AppOptions opts;
  opts.lesson_id = lesson.id;
  opts.lessons_dir = args.lessons_dir;
  opts.lesson_export_dir = args.export_dir;
  opts.theme = args.theme;
  if (!args.size.empty() && std::sscanf(args.size.c_str(), "%dx%d", &opts.width, &opts.height) != 2)
    throw UsageError("--size expects WIDTHxHEIGHT, got '" + args.size + "'");
  return viz::run_app(opts);
#else
  std::cout << "PNGs skipped: this asyncscope was built without the GUI (ASYNCSCOPE_GUI=OFF)\n";
  return 0;
#endif
}

int open_in_app(const lessons::Lesson& lesson, const LessonArgs& args) {
#ifdef ASYNCSCOPE_HAVE_GUI
  if (!viz::display_available())
    throw UsageError("no display to open lesson " + lesson.id +
                     " (use --check or --export DIR, or run under xvfb-run)");
  viz::AppOptions opts;
  opts.lesson_id = lesson.id;
  opts.lessons_dir = args.lessons_dir;
  opts.lesson_step = args.step - 1;
  opts.theme = args.theme;
  return viz::run_app(opts);
#else
  (void)args;
  throw UsageError("this asyncscope was built without the GUI; use 'asyncscope lesson " +
                   lesson.id + " --check' or '--export DIR'");
#endif
}

}  // namespace

void add_lesson_commands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<LessonArgs>();
  CLI::App* cmd = app.add_subcommand("lesson", "Open a lesson in the app, check it, or export it");
  cmd->add_option("id", args->id, "Lesson number, folder name or slug (see 'asyncscope list')")
      ->required();
  cmd->add_flag("--check", args->check,
                "Run every step headless; fail unless every step is reached and every answer "
                "matches what the runtime did");
  cmd->add_flag("--events", args->events,
                "Print every event of the lesson's runs as conditions name them (for authors)");
  cmd->add_option("--export", args->export_dir,
                  "Write the traces (.astrace, Perfetto .json with steps as annotations) and one "
                  "PNG per step into this folder");
  cmd->add_option("--lessons-dir", args->lessons_dir,
                  "Folder holding the lesson folders (default: $ASYNCSCOPE_LESSONS, then next to "
                  "the executable, then the source tree)");
  cmd->add_option("--step", args->step, "Open the app at this step (1-based)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--size", args->size, "PNG size for --export, WIDTHxHEIGHT");
  cmd->add_option("--theme", args->theme, "App theme: dark | light")
      ->check(CLI::IsMember({"dark", "light"}));
  cmd->callback([args, &ctx] {
    std::string why;
    std::string dir = lessons::find_lessons_dir(args->lessons_dir, &why);
    if (dir.empty()) throw UsageError(why);
    args->lessons_dir = dir;  // the app loads the same folder
    lessons::LessonLibrary lib = lessons::LessonLibrary::load(dir);
    const lessons::Lesson& lesson = find_lesson(lib, args->id);
    if (args->check && !args->export_dir.empty())
      throw UsageError("--check and --export are separate runs; give one of them");
    if (args->events)
      ctx.exit_code = print_events(lesson);
    else if (args->check)
      ctx.exit_code = check(lesson);
    else if (!args->export_dir.empty())
      ctx.exit_code = export_lesson(lesson, *args);
    else
      ctx.exit_code = open_in_app(lesson, *args);
  });
}

}  // namespace as::cli
