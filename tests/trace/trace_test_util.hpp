// tests/trace/trace_test_util.hpp — small helpers shared by the trace test files.
#pragma once

#include <unistd.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/trace/event.hpp"

namespace as::trace::test {

// temp_path names a scratch file in the build directory. The process id is part of the name: ctest
// runs each test case as its own process, several at once, and test cases share helpers (two
// writing "small.astrace" at the same moment once made a rename fail).
inline std::string temp_path(const std::string& name) {
  return std::string(ASYNCSCOPE_BINARY_DIR) + "/trace_test_" + std::to_string(::getpid()) + "_" +
         name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void require_same_events(const std::vector<Event>& a, const std::vector<Event>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("event " << i);
    REQUIRE(a[i].ts == b[i].ts);
    REQUIRE(a[i].kind == b[i].kind);
    REQUIRE(a[i].worker == b[i].worker);
    REQUIRE(a[i].task == b[i].task);
    REQUIRE(a[i].loc == b[i].loc);
    REQUIRE(a[i].seq == b[i].seq);
    for (int k = 0; k < kMaxArgs; ++k) REQUIRE(a[i].args[k] == b[i].args[k]);
  }
}

}  // namespace as::trace::test
