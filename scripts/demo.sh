#!/usr/bin/env bash
# csm's main job on workspaces.example.yaml: creates the demo repository the example points at, then
# plans and applies it on a private tmux server (socket csm-demo), so none of your sessions is touched.
# Like every apply of a local Claude Code session, it marks the new worktrees (demo/worktrees/demo/*) trusted in
# Claude Code's ~/.claude.json, so they do not stop at its folder-trust question (docs/agent.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

CACHE_DIR="${CSM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/csm}"
export CSM_CLAUDE="${CSM_CLAUDE:-$CACHE_DIR/claude-current/claude}"
export CSM_TMUX_SOCKET="${CSM_TMUX_SOCKET:-csm-demo}"
export CSM_STATE_DIR="${CSM_STATE_DIR:-$PWD/demo/state}"
csm=.build/debug/csm

if [ ! -d demo/repo/.git ]; then
  echo "==> creating the demo repository demo/repo"
  mkdir -p demo/repo
  git -C demo/repo init -q -b main
  printf '# Demo app\n\nA repository for trying csm.\n' > demo/repo/README.md
  git -C demo/repo add README.md
  git -C demo/repo -c user.name=csm -c user.email=csm@localhost commit -q -m "Initial commit"
fi

echo "==> csm plan"
status=0
"$csm" -f workspaces.example.yaml plan --detailed-exitcode || status=$?
[ "$status" -eq 1 ] && exit 1
echo "==> csm apply"
"$csm" -f workspaces.example.yaml apply --yes
echo "==> csm list"
"$csm" -f workspaces.example.yaml list
cat <<MSG

The sessions run Claude Code on the private tmux server '$CSM_TMUX_SOCKET' (state in $CSM_STATE_DIR).
Look at one:      CSM_TMUX_SOCKET=$CSM_TMUX_SOCKET $csm attach hello -f workspaces.example.yaml   (detach: Ctrl-b d)
See the drift:    CSM_TMUX_SOCKET=$CSM_TMUX_SOCKET $csm plan -f workspaces.example.yaml
Stop everything:  tmux -L $CSM_TMUX_SOCKET kill-server
(Without network access or a login, Claude Code shows its sign-in screen or exits; 'csm plan' then
proposes to restart it.)
MSG
