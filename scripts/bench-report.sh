#!/usr/bin/env bash
# scripts/bench-report.sh — the runtime benchmarks against the goals of issues 3 and 4, as one table.
#
# Usage: scripts/bench-report.sh [BUILD_DIR] [REPEAT]
#   BUILD_DIR  where cli/asyncscope was built (default: build)
#   REPEAT     runs per figure; the median is reported (default: 5)
#
# Runs `asyncscope bench --model go|future --procs 1,2` with tracing on, and procs=1 with --no-trace,
# then prints a Markdown table: each goal figure at procs=1 traced / untraced, procs=2 traced, the
# procs=2 ÷ procs=1 ratio (the issues allow at most 1.5×) and whether the goal is met. Run it on an
# idle machine: the figures are medians, but a busy neighbour still moves them.
set -euo pipefail

build=${1:-build}
repeat=${2:-5}
bin="$build/cli/asyncscope"
[[ -x "$bin" ]] || { echo "bench-report: no $bin (build first: cmake --build $build)" >&2; exit 2; }

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
for model in go future; do
  "$bin" bench --model "$model" --procs 1,2 --repeat "$repeat" | sed 's/^/traced /' >>"$raw"
  "$bin" bench --model "$model" --procs 1 --repeat "$repeat" --no-trace | sed 's/^/untraced /' >>"$raw"
done

# Goals (procs=1, tracing on): model workload metric limit.
goals="go pingpong ns_per_op 170
go spawn_join ns_per_op 500
go fanout ns_per_op 50
go timers cpu_ns_per_timer 700
go idle_memory bytes_per_task 8192
future pingpong ns_per_op 190
future spawn_join ns_per_op 150
future fanout ns_per_op 60
future timers cpu_ns_per_timer 500
future idle_memory bytes_per_task 256"

echo "| model | workload | metric | p1 traced | p1 untraced | p2 traced | p2/p1 | goal | status |"
echo "|---|---|---|---|---|---|---|---|---|"
while read -r model workload metric limit; do
  pick() {  # pick MODE PROCS → the value, or "-"
    awk -v mode="$1" -v m="$model" -v w="$workload" -v p="$2" -v k="$metric" '
      $1 == mode && $2 == m && $3 == w && $4 == p { split($5, kv, "="); if (kv[1] == k) v = kv[2] }
      END { print (v == "" ? "-" : v) }' "$raw"
  }
  p1=$(pick traced 1)
  p1u=$(pick untraced 1)
  p2=$(pick traced 2)
  awk -v model="$model" -v w="$workload" -v k="$metric" -v p1="$p1" -v p1u="$p1u" -v p2="$p2" \
    -v goal="$limit" 'BEGIN {
      ratio = (p1 != "-" && p2 != "-" && p1 > 0) ? sprintf("%.2f", p2 / p1) : "-"
      met = (p1 != "-" && p1 + 0 <= goal + 0)
      fair = (ratio == "-" || ratio + 0 <= 1.5)
      status = p1 == "-" ? "no figure" : met && fair ? "met" : (met ? "p2 ratio over 1.5" : "missed")
      printf "| %s | %s | %s | %s | %s | %s | %s | ≤ %s | %s |\n", model, w, k, p1, p1u, p2, ratio, goal, status
    }'
done <<<"$goals"
