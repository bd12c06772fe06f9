// cli/main.cpp — entry point of the one `asyncscope` executable: GUI by default, headless
// subcommands for everything else. Parsing is CLI11; every area adds its own subcommands.
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"

#ifndef ASYNCSCOPE_VERSION
#define ASYNCSCOPE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  as::cli::Context ctx;
  CLI::App app{
      "asyncscope — watch goroutines and futures being scheduled.\n"
      "With no command, opens the desktop app.",
      "asyncscope"};
  app.set_version_flag("--version", std::string("asyncscope ") + ASYNCSCOPE_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough(false);
  try {
    as::cli::add_trace_commands(app, ctx);
    as::cli::add_run_commands(app, ctx);
    as::cli::add_bench_commands(app, ctx);
    as::cli::add_viz_commands(app, ctx);
    as::cli::add_lesson_commands(app, ctx);
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << "asyncscope: " << e.what() << " (see asyncscope --help)\n";
      return e.get_exit_code() != 0 ? e.get_exit_code() : 2;
    }
    if (app.get_subcommands().empty()) return as::cli::run_default(ctx);
    return ctx.exit_code;
  } catch (const as::cli::UsageError& e) {
    std::cerr << "asyncscope: " << e.what() << "\n";
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << "asyncscope: " << e.what() << "\n";
    return 1;
  }
}
