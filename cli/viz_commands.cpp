// cli/viz_commands.cpp — the desktop app (default command) and `asyncscope shot`.
#include <cstdio>

#include "cli/commands.hpp"

namespace as::cli {
void add_viz_commands(CLI::App& app, Context& ctx) { (void)app; (void)ctx; }
int run_default(Context&) {
  std::printf("asyncscope: the desktop app is not built yet; try asyncscope --help\n");
  return 0;
}
}  // namespace as::cli
