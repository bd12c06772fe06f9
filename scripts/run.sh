#!/usr/bin/env bash
# scripts/run.sh — install what is missing, build, and open the asyncscope app.
# With no display, says so and runs a default scenario headless instead: it writes the trace
# (out/pingpong.astrace + Perfetto JSON) and a screenshot of the app rendered on a virtual X server.
# Extra arguments are passed to asyncscope (e.g. scripts/run.sh lesson 1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target asyncscope

if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  exec build/cli/asyncscope "$@"
fi

echo "No display found (DISPLAY is unset): running headless instead."
mkdir -p out
build/cli/asyncscope run pingpong --model go --procs 2 --out out/pingpong.astrace
build/cli/asyncscope convert out/pingpong.astrace out/pingpong.json
xvfb-run -a -s "-screen 0 1600x1000x24" build/cli/asyncscope shot out/pingpong.astrace \
  --out out/pingpong.png --size 1600x900 || echo "(screenshot skipped: no virtual X server)"
echo "Wrote out/pingpong.astrace, out/pingpong.json (open in https://ui.perfetto.dev) and out/pingpong.png."
echo "On a desktop, run scripts/run.sh to open the app."
