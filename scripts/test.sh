#!/usr/bin/env bash
# scripts/test.sh — install what is missing, build with -Werror, run the whole test suite
# (Catch2 via CTest, GUI tests under a virtual X server), then the sanitizer builds:
# ASan+UBSan over the core suites and TSan over the threaded-runtime suites.
#   --quick       skip the sanitizer builds
#   --jobs N      parallel build/test jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
jobs=$(nproc)
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --jobs) jobs="$2"; shift ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

start=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - start ))s] $*"; }

stamp "dependencies"
scripts/deps.sh

export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"

stamp "build (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASYNCSCOPE_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

stamp "tests"
# GUI tests need an X server: give every test one virtual display.
xvfb-run -a -s "-screen 0 1600x1000x24" ctest --test-dir build -j "$jobs" --output-on-failure --timeout 600

if ((quick == 0)); then
  stamp "ASan+UBSan build and core tests"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DASYNCSCOPE_SANITIZE=address \
    -DASYNCSCOPE_GUI=OFF -DASYNCSCOPE_WERROR=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan -j "$jobs" -LE 'nosan' \
      --output-on-failure --timeout 900

  stamp "TSan build and threaded-runtime tests"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASYNCSCOPE_SANITIZE=thread \
    -DASYNCSCOPE_GUI=OFF -DASYNCSCOPE_WERROR=ON >/dev/null
  # Only the suites that run real OS threads are built here (label "tsan").
  cmake --build build-tsan -j "$jobs" --target trace_threads_tests platform_threads_tests \
    goroutine_os_tests future_os_tests future_scenario_os_tests future_p2_os_tests viz_model_tests
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build-tsan -j "$jobs" -L 'tsan' --output-on-failure --timeout 900
fi
stamp "all tests passed"
