// viz/app/spawn_process.hpp — run a helper program (fc-match, zenity, kdialog) safely.
//
// Owns: nothing; a function. The program is started with posix_spawnp and an argv array — never
// through a shell — so file names and titles cannot be interpreted as shell syntax. Its stdout is
// captured through a pipe (bounded), stderr goes to /dev/null, stdin reads /dev/null.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace as::viz {

struct ProcessResult {
  int exit_code = -1;  // the program's exit status; -1 = could not be started or was killed
  std::string output;  // its stdout (at most max_output bytes)
};

// run_process starts argv[0] (looked up in PATH) with argv, waits for it and returns its exit code
// and stdout. Returns nullopt when the program does not exist or cannot be started.
std::optional<ProcessResult> run_process(const std::vector<std::string>& argv,
                                         size_t max_output = 1 << 20);

// program_in_path is true when `name` is an executable file in one of PATH's directories.
bool program_in_path(const std::string& name);

}  // namespace as::viz
