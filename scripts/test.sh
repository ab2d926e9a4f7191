#!/usr/bin/env bash
# Runs csm's whole test suite: unit, property, driver (real tmux and git) and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export CSM_CLAUDE="${CSM_CLAUDE:-${CSM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/csm}/claude-current/claude}"
# Tests use private tmux sockets; keep their socket files in a temp dir of their own.
export TMUX_TMPDIR="${TMUX_TMPDIR:-$(mktemp -d)}"
unset TMUX CSM_TMUX_SOCKET CSM_STATE_DIR
# Terminal windows run $SHELL; a plain sh keeps the tests independent of the machine's shell rc files
# (an interactive bash here runs `pyenv rehash`, which waits on a lock when many start at once).
export SHELL=/bin/sh
swift test --parallel --disable-xctest "$@" 2>&1 | grep -vE '^◇ Test case passing|^◇ Test .* started\.$'
status="${PIPESTATUS[0]}"
# The web dashboard in headless Chromium against a real `csm server` (Tests/Browser), after the Swift tests.
# A --filter run is a focused Swift run: the browser tests run with the whole suite (or CSM_BROWSER_TESTS=1).
if [ "$#" -eq 0 ] || [ "${CSM_BROWSER_TESTS:-}" = 1 ]; then
  echo "==> browser tests (headless Chromium; screenshots in .artifacts/screenshots)"
  python3 -m unittest discover -s Tests/Browser -p 'test_*.py' -v || status=1
fi
exit "$status"
