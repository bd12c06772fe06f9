// cli/trace_commands.cpp — `asyncscope info FILE` and `asyncscope convert IN OUT.json`.
#include "cli/commands.hpp"

namespace as::cli {
void add_trace_commands(CLI::App& app, Context& ctx) { (void)app; (void)ctx; }
}  // namespace as::cli
