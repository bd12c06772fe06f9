// cli/lesson_commands.cpp — `asyncscope lesson ID [--check] [--export DIR]`.
#include "cli/commands.hpp"

namespace as::cli {
void add_lesson_commands(CLI::App& app, Context& ctx) { (void)app; (void)ctx; }
}  // namespace as::cli
