// viz/app/file_dialogs.cpp — see file_dialogs.hpp.
#include "viz/app/file_dialogs.hpp"

#include <chrono>

#include "viz/app/spawn_process.hpp"

namespace as::viz {

std::vector<std::string> dialog_argv(const std::string& program, DialogKind kind,
                                     const std::string& title, const std::string& start_path,
                                     const FileFilter& filter) {
  if (program == "kdialog") {
    std::vector<std::string> argv = {
        "kdialog", "--title", title,
        kind == DialogKind::Open ? "--getopenfilename" : "--getsavefilename",
        start_path.empty() ? "." : start_path};
    if (!filter.pattern.empty()) argv.push_back(filter.pattern + "|" + filter.description);
    return argv;
  }
  std::vector<std::string> argv = {"zenity", "--file-selection", "--title=" + title};
  if (kind == DialogKind::Save) {
    argv.push_back("--save");
    argv.push_back("--confirm-overwrite");
  }
  if (!start_path.empty()) argv.push_back("--filename=" + start_path);
  if (!filter.pattern.empty()) {
    argv.push_back("--file-filter=" + filter.description + " | " + filter.pattern);
    argv.push_back("--file-filter=All files | *");
  }
  return argv;
}

FileDialog::FileDialog() {
  if (program_in_path("zenity"))
    program_ = "zenity";
  else if (program_in_path("kdialog"))
    program_ = "kdialog";
}

FileDialog::~FileDialog() {
  if (pending_.valid()) pending_.wait();  // the user closes the dialog; never leave a thread behind
}

void FileDialog::start(DialogKind kind, const std::string& title, const std::string& start_path,
                       const FileFilter& filter, const std::string& purpose) {
  if (!available() || busy()) return;
  purpose_ = purpose;
  auto argv = dialog_argv(program_, kind, title, start_path, filter);
  pending_ = std::async(std::launch::async, [argv = std::move(argv)]() -> std::string {
    auto result = run_process(argv, 8192);
    if (!result || result->exit_code != 0) return "";
    std::string path = result->output;
    while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
    return path;
  });
}

std::optional<std::pair<std::string, std::string>> FileDialog::poll() {
  if (!pending_.valid()) return std::nullopt;
  if (pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  return std::make_pair(purpose_, pending_.get());
}

}  // namespace as::viz
