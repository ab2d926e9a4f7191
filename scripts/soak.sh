#!/usr/bin/env bash
# Runs the bounded soak of `csm server` (Tests/EndToEndTests/SoakTests.swift): 50 sessions, a pass every
# second, random drift, SSE clients coming and going; stops by itself and checks memory, descriptors and
# events. Usage: scripts/soak.sh [SECONDS]   (default 600; `make test` runs a 60-second version)
set -euo pipefail
cd "$(dirname "$0")/.."
export CSM_SOAK_SECONDS="${1:-600}"
export CSM_SOAK_REPORT="${CSM_SOAK_REPORT:-$PWD/.build/soak-report.txt}"
scripts/test.sh --filter SoakTests
echo "==> $(cat "$CSM_SOAK_REPORT")"
