// cli/run_commands.cpp — `asyncscope list` and `asyncscope run`: built-in scenarios, headless.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "lessons/lesson_library.hpp"
#include "scenarios/scenario.hpp"

namespace as::cli {
namespace {

scenario::Model parse_model(const std::string& m) {
  if (m == "go" || m == "goroutine" || m == "goroutines") return scenario::Model::Goroutine;
  if (m == "future" || m == "futures" || m == "rust") return scenario::Model::Future;
  throw UsageError("unknown model '" + m + "' (expected go or future)", 2);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void print_summary(const trace::TraceData& t, double wall_ms) {
  using trace::EventKind;
  std::map<EventKind, size_t> counts;
  size_t pending_polls = 0;  // a future's block: PollEnd(Pending)
  for (const auto& e : t.events) {
    counts[e.kind]++;
    if (e.kind == EventKind::PollEnd &&
        e.args[0] == static_cast<uint64_t>(trace::PollResult::Pending))
      pending_polls++;
  }
  int64_t dur = t.events.empty() ? 0 : t.events.back().ts - t.events.front().ts;
  auto count = [&](EventKind k) { return counts.count(k) ? counts[k] : size_t{0}; };
  std::printf("runtime:   %s (%s, %u workers, seed %llu)\n", t.meta.runtime.c_str(),
              t.meta.simulated ? "simulated" : "real threads", t.meta.workers,
              static_cast<unsigned long long>(t.meta.seed));
  std::printf("duration:  %.3f ms %s, %.1f ms wall\n", dur / 1e6,
              t.meta.simulated ? "virtual" : "real", wall_ms);
  std::printf("tasks:     %zu created\n", count(EventKind::TaskCreate));
  std::printf("switches:  %zu task starts, %zu blocks, %zu unblocks, %zu preemptions\n",
              count(EventKind::TaskStart), count(EventKind::TaskBlock) + pending_polls,
              count(EventKind::TaskUnblock), count(EventKind::TaskPreempt));
  std::printf("steals:    %zu\n", count(EventKind::Steal));
  // A wake that schedules a future is a task.unblock; waker.wake marks the merged ones.
  std::printf("polls:     %zu (%zu wakes)\n", count(EventKind::PollBegin),
              count(EventKind::WakerWake) + count(EventKind::TaskUnblock));
  std::printf("events:    %zu\n", t.events.size());
}

}  // namespace

void add_run_commands(CLI::App& app, Context& ctx) {
  auto* list = app.add_subcommand("list", "List the built-in scenarios (and lessons)");
  list->callback([&ctx] {
    std::printf("%-8s %-22s %s\n", "MODEL", "SCENARIO", "TITLE");
    for (const auto& s : scenario::all())
      std::printf("%-8s %-22s %s\n", std::string(scenario::model_name(s.model)).c_str(),
                  s.id.c_str(), s.title.c_str());
    const auto lessons = lessons::list_lessons();
    if (!lessons.empty()) {
      std::printf("\n%-8s %-22s %s\n", "MODELS", "LESSON", "TITLE");
      for (const auto& l : lessons)
        std::printf("%-8s %-22s %s%s\n", l.models.c_str(), l.id.c_str(),
                    l.ok ? "" : "ERROR: ", l.title.c_str());
    }
    ctx.exit_code = 0;
  });

  struct RunArgs {
    std::string id, model = "go", executor = "multi", out;
    int procs = 2;
    uint64_t seed = 1;
    bool real = false, quiet = false;
    std::vector<std::string> params;
  };
  auto args = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run a built-in scenario headless and summarise its trace");
  run->add_option("scenario", args->id, "Scenario id (see `asyncscope list`)")->required();
  run->add_option("--model,-m", args->model, "go | future")->capture_default_str();
  run->add_option("--procs,-p", args->procs, "Workers (GOMAXPROCS / executor threads)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  run->add_option("--executor", args->executor, "Futures: current | multi")
      ->check(CLI::IsMember({"current", "multi"}))
      ->capture_default_str();
  run->add_option("--seed,-s", args->seed, "Seed of the deterministic simulation")
      ->capture_default_str();
  run->add_flag("--real", args->real, "Run on real OS threads instead of the simulation");
  run->add_option("--out,-o", args->out, "Write the trace: FILE.astrace or FILE.json (Perfetto)");
  run->add_option("--param", args->params, "Scenario parameter key=value (repeatable)");
  run->add_flag("--quiet,-q", args->quiet, "Print nothing but errors");
  run->callback([&ctx, args] {
    const auto model = parse_model(args->model);
    const scenario::Scenario* s = scenario::find(args->id, model);
    if (!s) {
      throw UsageError("unknown " + std::string(scenario::model_name(model)) + " scenario '" +
                           args->id + "' (see asyncscope list)",
                       2);
    }
    scenario::RunOptions opt;
    opt.procs = args->procs;
    opt.real = args->real;
    opt.seed = args->seed;
    opt.executor = args->executor;
    for (const auto& kv : args->params) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("--param expects key=value, got '" + kv + "'", 2);
      opt.params[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    trace::Recorder rec;
    auto t0 = std::chrono::steady_clock::now();
    scenario::RunResult r = s->run(opt, rec);
    double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    trace::TraceData data = trace::snapshot(rec);
    if (!args->out.empty()) {
      if (ends_with(args->out, ".json")) {
        trace::write_perfetto_json_file(args->out, data);
      } else {
        trace::write_astrace(args->out, data);
      }
    }
    if (!args->quiet) {
      print_summary(data, wall_ms);
      if (!args->out.empty()) std::printf("trace:     %s\n", args->out.c_str());
    }
    if (!r.error.empty()) std::cerr << r.error << "\n";
    ctx.exit_code = r.exit_code;
  });
}

}  // namespace as::cli
