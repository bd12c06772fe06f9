// viz/app/file_dialogs.hpp — native open/save dialogs without a toolkit dependency.
//
// Owns: one dialog at a time. The dialog is zenity (GNOME) or kdialog (KDE) started with an argv
// array through posix_spawnp (no shell: a file name can never become a command), run on a helper
// thread so the UI keeps drawing while it is open. When neither program exists, the app falls back
// to its in-app path field (FileDialog::available() is false).
#pragma once

#include <future>
#include <optional>
#include <string>
#include <vector>

namespace as::viz {

enum class DialogKind { Open, Save };

struct FileFilter {
  std::string description;  // "asyncscope trace"
  std::string pattern;      // "*.astrace"
};

// dialog_argv builds the argv for `program` ("zenity" or "kdialog"); exposed for tests.
std::vector<std::string> dialog_argv(const std::string& program, DialogKind kind,
                                     const std::string& title, const std::string& start_path,
                                     const FileFilter& filter);

class FileDialog {
 public:
  FileDialog();
  ~FileDialog();
  // available is true when zenity or kdialog is installed.
  bool available() const { return !program_.empty(); }
  bool busy() const { return pending_.valid(); }
  // start opens a dialog (ignored while another one is open). `purpose` comes back with the result.
  void start(DialogKind kind, const std::string& title, const std::string& start_path,
             const FileFilter& filter, const std::string& purpose);
  // poll returns {purpose, path} once the dialog has closed with a choice; "" path when cancelled.
  std::optional<std::pair<std::string, std::string>> poll();

 private:
  std::string program_;
  std::string purpose_;
  std::future<std::string> pending_;
};

}  // namespace as::viz
