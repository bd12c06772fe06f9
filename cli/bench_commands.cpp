// cli/bench_commands.cpp — `asyncscope bench --model go|future|trace|viz [--procs 1,2] [WORKLOAD...]`.
#include <sstream>

#include "bench/benches.hpp"
#include "cli/commands.hpp"

namespace as::cli {

void add_bench_commands(CLI::App& app, Context& ctx) {
  struct BenchArgs {
    std::string model;
    std::string procs = "1,2";
    bool no_trace = false;
    int repeat = 3;
    std::vector<std::string> rest;
  };
  auto a = std::make_shared<BenchArgs>();
  auto* b = app.add_subcommand("bench", "Measure: trace core, goroutine or future runtime, app model");
  b->add_option("--model,-m", a->model, "go | future | trace | viz | platform (or give it as the first word)");
  b->add_option("--procs,-p", a->procs, "Comma-separated worker counts")->capture_default_str();
  b->add_flag("--no-trace", a->no_trace, "Measure with tracing off");
  b->add_option("--repeat,-r", a->repeat, "Runs per figure (the median is printed)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  b->add_option("workloads", a->rest, "Workloads (default: all of the model's)");
  b->callback([&ctx, a] {
    bench::Options o;
    o.trace = !a->no_trace;
    o.repeat = a->repeat;
    o.procs.clear();
    std::stringstream ss(a->procs);
    for (std::string item; std::getline(ss, item, ',');) {
      try {
        size_t used = 0;
        int p = std::stoi(item, &used);
        if (used != item.size() || p < 1 || p > 64) throw std::invalid_argument(item);
        o.procs.push_back(p);
      } catch (const std::exception&) {
        throw UsageError("--procs expects numbers 1..64 separated by commas, got '" + a->procs + "'", 2);
      }
    }
    std::string model = a->model;
    std::vector<std::string> rest = a->rest;
    if (model.empty() && !rest.empty()) {
      model = rest.front();
      rest.erase(rest.begin());
    }
    o.workloads = rest;
    if (model == "go" || model == "goroutine") ctx.exit_code = bench::run_go_bench(o);
    else if (model == "future") ctx.exit_code = bench::run_future_bench(o);
    else if (model == "trace") ctx.exit_code = bench::run_trace_bench(o);
    else if (model == "viz") ctx.exit_code = bench::run_viz_bench(o);
    else if (model == "platform") ctx.exit_code = bench::run_platform_bench(o);
    else throw UsageError("bench: give a model: go, future, trace, viz or platform", 2);
  });
}

}  // namespace as::cli
