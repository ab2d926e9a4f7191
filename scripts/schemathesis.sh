#!/usr/bin/env bash
# Runs Schemathesis against the OpenAPI document of a real `csm server` (in a throwaway workspace with the
# fake agent on a private tmux server) and fails on any 500 or any answer the document does not describe.
# Bounded: SCHEMATHESIS_MAX_EXAMPLES per operation (default 15) and SCHEMATHESIS_MAX_TIME seconds in all
# (default 180; requests may wait up to 30 s for the apply lock, hence a 60 s request timeout). `make test` runs it after the Swift tests; run it alone with `scripts/schemathesis.sh`
# after `swift build`. The SSE and WebSocket routes stream forever and are covered by the Swift tests; the
# Linear and Claude-usage routes answer 502/503 by design without those services (their tests use fakes).
# `POST /api/token/rotate` is left out too: it replaces the token Schemathesis holds, and every request after
# it would test only the 401 path (the Swift and browser tests cover rotation).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
csm="${CSM_BINARY:-$root/.build/debug/csm}"
command -v schemathesis >/dev/null || { echo "schemathesis is missing: run scripts/bootstrap.sh" >&2; exit 1; }

work="$(mktemp -d)"
socket="csm-st-$$"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/repo"
git -C "$work/repo" init -q -b main
printf '# app\n' > "$work/repo/README.md"
git -C "$work/repo" add README.md
git -C "$work/repo" -c user.name=csm -c user.email=csm@localhost commit -q -m initial
# A reachable origin, so a merge with "push": true can succeed.
git init -q --bare "$work/origin.git"
git -C "$work/repo" remote add origin "$work/origin.git"
cat > "$work/csm.yaml" <<YAML
version: 1
workspace: st
defaults:
  worktreeBase: ./worktrees
  agent:
    command: $root/Tests/Fixtures/bin/fake-agent
    env:
      FAKE_AGENT_LOG: $work/agent.log
repos:
  app:
    path: ./repo
    baseBranch: main
sessions:
  a:
    repo: app
  b:
    repo: app
server:
  approvalTimeout: 1s
  reconcile:
    interval: 2s
YAML

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && CSM_TMUX_SOCKET="$socket" CSM_STATE_DIR="$work/state" SHELL=/bin/sh \
  exec "$csm" server --listen "127.0.0.1:$port" > "$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  sleep 0.2
done
token="$(cat "$work/state/token")"

status=0
# Run from the throwaway folder: Schemathesis keeps a cache (.schemathesis/) in its working directory.
(cd "$work" && schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --header "Authorization: Bearer $token" \
  --exclude-path /api/events --exclude-path '/api/sessions/{name}/stream' --exclude-path /api/ws \
  --exclude-path-regex '^/api/(linear|claude-usage)' --exclude-path /api/token/rotate \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-15}" --max-time "${SCHEMATHESIS_MAX_TIME:-180}" \
  --request-timeout 60 --workers 1 --seed "${SCHEMATHESIS_SEED:-4242}" \
  --generation-database none --no-color --report-dir "$work/report" --report junit "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "==> schemathesis found problems; the server's log:" >&2
  mkdir -p .build && cp "$work/server.log" .build/schemathesis-server.log
  echo "==> the server's log: .build/schemathesis-server.log" >&2
fi
exit "$status"
