# tests/trace/expect_error.cmake — run a command that must fail cleanly:
#   cmake -DCMD=<exe> -DARGS=<a;b;c> -DREGEX=<regex> -P expect_error.cmake
# Passes when the command exits with a non-zero code (not a signal/crash) and prints exactly one
# line on stderr matching REGEX.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "expected failure, got exit 0; stdout: ${out}")
endif()
if(NOT rc MATCHES "^[0-9]+$")
  message(FATAL_ERROR "command crashed: ${rc}; stderr: ${err}")
endif()
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines line_count)
if(NOT line_count EQUAL 1)
  message(FATAL_ERROR "expected one line on stderr, got ${line_count}: ${err}")
endif()
if(NOT err MATCHES "${REGEX}")
  message(FATAL_ERROR "stderr does not match '${REGEX}': ${err}")
endif()
