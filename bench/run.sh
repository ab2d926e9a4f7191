#!/usr/bin/env bash
# `make bench` / `make bench-smoke`: installs the benchmark tools, builds csm and the reference server in
# release mode, runs every scenario (bench/bench.py) and writes BENCHMARKS.md plus the raw JSON.
#   bench/run.sh          full run → BENCHMARKS.md and bench/results/latest.json (both committed: the record)
#   bench/run.sh --smoke  a quick run → .build-bench/smoke.{md,json} (git-ignored), to check the suite works
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1

scripts/bootstrap.sh --bench

echo "==> building csm (release)"
swift build -c release --product csm 2>&1 | grep -E "error|warning: unre|Build complete" || true
csm="$(swift build -c release --show-bin-path)/csm"
test -x "$csm"

echo "==> building the reference server (bench/reference-server, release)"
(cd bench/reference-server && swift build -c release 2>&1 | grep -E "error|Build complete" || true)
reference="$(cd bench/reference-server && swift build -c release --show-bin-path)/ReferenceServer"
test -x "$reference"

mkdir -p .build-bench
gcc -O2 -Wall -o .build-bench/fanout bench/tools/fanout.c -lpthread

# tmuxp may sit in the Python scripts folder without being on PATH (pyenv shims not rehashed).
PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
export PATH

if [ "$smoke" = 1 ]; then
  python3 bench/bench.py --smoke --csm "$csm" --reference-server "$reference" --fanout .build-bench/fanout \
    --json .build-bench/smoke.json --markdown .build-bench/smoke.md
  echo "==> smoke run written to .build-bench/smoke.md"
else
  python3 bench/bench.py --csm "$csm" --reference-server "$reference" --fanout .build-bench/fanout \
    --json bench/results/latest.json --markdown BENCHMARKS.md --analysis bench/analysis.md
  echo "==> BENCHMARKS.md and bench/results/latest.json written"
fi
