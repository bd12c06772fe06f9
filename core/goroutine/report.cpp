// core/goroutine/report.cpp — panic and deadlock texts (see report.hpp).
#include "core/goroutine/report.hpp"

#include <string_view>
#include <vector>

namespace as::go::detail {

namespace {
std::string short_file(std::string_view file) {
  size_t cut = file.rfind('/');
  if (cut != std::string_view::npos && cut > 0) {
    size_t prev = file.rfind('/', cut - 1);
    if (prev != std::string_view::npos) file.remove_prefix(prev + 1);
  }
  return std::string(file);
}

void dump_goroutine(std::string& out, const G& g, const char* state) {
  out += "goroutine " + std::to_string(g.id) + " [" + state + "]:\n";
  out += g.name.empty() ? std::string("goroutine") : g.name;
  out += "()\n";
  if (g.created_at.file_name()[0] != '\0') {
    out += "\tcreated at " + short_file(g.created_at.file_name()) + ":" +
           std::to_string(g.created_at.line()) + "\n";
  }
}
}  // namespace

const char* wait_reason_name(const G& g) {
  using trace::Reason;
  switch (g.wait_reason) {
    case Reason::ChanSend:
      return "chan send";
    case Reason::ChanRecv:
      return "chan receive";
    case Reason::NilChan:
      return g.nil_send ? "chan send (nil chan)" : "chan receive (nil chan)";
    case Reason::Select:
      return "select";
    case Reason::Forever:
      return "select (no cases)";
    case Reason::Sleep:
      return "sleep";
    case Reason::Io:
      return "IO wait";
    case Reason::Mutex:
      return "sync.Mutex.Lock";
    case Reason::WaitGroup:
      return "semacquire";
    case Reason::Cond:
      return "sync.Cond.Wait";
    case Reason::Syscall:
      return "syscall";
    default:
      return "waiting";
  }
}

std::string panic_report(const G* g, const std::string& what) {
  std::string out = "panic: " + what + "\n\n";
  if (g) dump_goroutine(out, *g, "running");
  return out;
}

std::string deadlock_report(const G* allg) {
  std::string out = "fatal error: all goroutines are asleep - deadlock!\n";
  // Go prints goroutines in creation order (lowest id first); allg is newest first.
  std::vector<const G*> gs;
  for (const G* g = allg; g; g = g->alllink_next) gs.push_back(g);
  for (auto it = gs.rbegin(); it != gs.rend(); ++it) {
    const G& g = **it;
    if (g.status == GStatus::Dead) continue;
    out += "\n";
    const char* state = g.status == GStatus::Waiting    ? wait_reason_name(g)
                        : g.status == GStatus::Runnable ? "runnable"
                                                        : "running";
    dump_goroutine(out, g, state);
  }
  return out;
}

}  // namespace as::go::detail
