// cli/trace_commands.cpp — `asyncscope info FILE` and `asyncscope convert IN.astrace OUT.json`.
//
// Both read the file with the validating .astrace reader; a missing or corrupt file surfaces as
// the reader's TraceError ("FILE: offset N: what"), which main prints as one line and exits 1.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "core/trace/astrace.hpp"
#include "core/trace/perfetto_json.hpp"
#include "core/trace/trace_summary.hpp"

namespace as::cli {

namespace {

std::string human_duration(int64_t ns) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3);
  if (ns >= 1'000'000'000)
    s << static_cast<double>(ns) / 1e9 << " s";
  else if (ns >= 1'000'000)
    s << static_cast<double>(ns) / 1e6 << " ms";
  else if (ns >= 1'000)
    s << static_cast<double>(ns) / 1e3 << " us";
  else
    s << ns << " ns";
  return s.str();
}

void print_info(std::ostream& out, const std::string& path, const trace::TraceData& d) {
  const trace::TraceSummary s = trace::summarize(d);
  const auto& m = d.meta;
  out << "file:      " << path << "\n"
      << "runtime:   " << m.runtime << "\n"
      << "model:     " << trace::model_name(m.model) << "\n"
      << "clock:     " << (m.simulated ? "simulated (virtual ns)" : "real (steady clock ns)")
      << "\n"
      << "seed:      " << m.seed << "\n"
      << "duration:  " << human_duration(s.duration_ns) << " (" << s.duration_ns << " ns)\n"
      << "workers:   " << m.workers << " configured, " << s.workers_seen << " seen\n"
      << "tasks:     " << s.tasks_created << " created, " << s.tasks_seen << " seen\n"
      << "strings:   " << d.strings.size() << "\n"
      << "events:    " << s.events << "\n";
  size_t width = 0;
  for (const auto& c : s.counts) width = std::max(width, c.name.size());
  for (const auto& c : s.counts)
    out << "  " << std::left << std::setw(static_cast<int>(width)) << c.name << "  " << std::right
        << c.count << "\n";
  out << "errors:    " << s.errors.size() << "\n";
  for (const auto& e : s.errors) {
    out << "  at " << e.since_start << " ns: " << trace::error_kind_name(e.kind);
    if (e.task != 0) out << " (task " << e.task << ")";
    out << "\n";
    // Messages may be multi-line reports (a deadlock lists every goroutine): indent them.
    std::istringstream lines(e.message);
    for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  }
}

}  // namespace

void add_trace_commands(CLI::App& app, Context& ctx) {
  auto info_file = std::make_shared<std::string>();
  CLI::App* info = app.add_subcommand("info",
                                      "Summarise an .astrace file: runtime, duration, "
                                      "workers, tasks, events per kind, errors");
  info->add_option("file", *info_file, "trace file (.astrace)")->required();
  info->callback([info_file, &ctx] {
    const trace::TraceData d = trace::read_astrace(*info_file);
    print_info(std::cout, *info_file, d);
    ctx.exit_code = 0;
  });

  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* convert = app.add_subcommand(
      "convert", "Convert an .astrace file to Chrome Trace Event JSON (open it in Perfetto)");
  convert->add_option("in", *in, "input trace (.astrace)")->required();
  convert->add_option("out", *out, "output file (.json)")->required();
  convert->callback([in, out, &ctx] {
    const trace::TraceData d = trace::read_astrace(*in);
    trace::write_perfetto_json_file(*out, d);
    std::cout << "wrote " << *out << " (" << d.events.size()
              << " events; open it at https://ui.perfetto.dev)\n";
    ctx.exit_code = 0;
  });
}

}  // namespace as::cli
