// cli/commands.hpp — the `asyncscope` command line, assembled from one file per area.
//
// Each area adds its CLI11 subcommands here; a subcommand's callback does the work and stores
// the process exit code in Context. Errors are reported as one line on stderr
// ("asyncscope: <what>") with a non-zero exit — never an abort.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace as::cli {

struct Context {
  int exit_code = 0;
};

// A user-facing error: main prints "asyncscope: <message>" and exits with `code`.
struct UsageError : std::runtime_error {
  int code;
  explicit UsageError(const std::string& m, int c = 1) : std::runtime_error(m), code(c) {}
};

void add_trace_commands(CLI::App& app, Context& ctx);   // info, convert   — cli/trace_commands.cpp
void add_run_commands(CLI::App& app, Context& ctx);     // list, run       — cli/run_commands.cpp
void add_bench_commands(CLI::App& app, Context& ctx);   // bench           — cli/bench_commands.cpp
void add_viz_commands(CLI::App& app, Context& ctx);     // shot, gui       — cli/viz_commands.cpp
void add_lesson_commands(CLI::App& app, Context& ctx);  // lesson          — cli/lesson_commands.cpp

// run_default is what `asyncscope` with no subcommand does: open the app (or, with no display,
// say so and do something useful headless). Defined in cli/viz_commands.cpp.
int run_default(Context& ctx);

}  // namespace as::cli
