// core/goroutine/report.hpp — the texts Go prints when a program dies.
//
// Owns: the wording of panic and deadlock reports ("panic: ...", "fatal error: all goroutines are
// asleep - deadlock!") and the goroutine dump that follows them ("goroutine 1 [chan receive]:"),
// with Go's wait-reason names so a Go programmer recognises them.
#pragma once

#include <string>

#include "core/goroutine/g.hpp"

namespace as::go::detail {

// wait_reason_name is Go's name for why a goroutine waits ("chan receive", "select", "sleep"...).
const char* wait_reason_name(const G& g);
// panic_report: "panic: <what>\n\ngoroutine N [running]:\n<name>\n\tcreated at <loc>\n".
std::string panic_report(const G* g, const std::string& what);
// deadlock_report: the fatal error line plus a dump of every goroutine (list linked by alllink).
std::string deadlock_report(const G* allg);

}  // namespace as::go::detail
