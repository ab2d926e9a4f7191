#!/usr/bin/env bash
# Installs what csm needs on a fresh Debian machine and builds it. Safe to run again: it only installs
# what is missing. Used by `make run`, `make test` and CI.
#   - Debian packages: tmux, git, libyaml-dev, libgit2-dev, pkg-config (and python3-pip when pip is absent)
#   - for the web dashboard: libjs-marked, libjs-sortable (served by csm from /usr/share);
#     for its browser tests: chromium, chromium-driver and Python selenium
#   - the real Claude Code binary, from PyPI's claude-agent-sdk wheel, cached outside the repo
#   - a debug build of csm
# With --bench (used by `make bench`): also the benchmark tools (hyperfine, wrk, curl, gcc from Debian;
# tmuxp from PyPI), and no Claude Code download or debug build (the benchmarks build csm in release mode).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=0
[ "${1:-}" = "--bench" ] && bench=1

# The Claude Code version csm is tested against, pinned in one place (override with the variable).
CLAUDE_AGENT_SDK_VERSION="${CLAUDE_AGENT_SDK_VERSION:-0.2.188}"
CACHE_DIR="${CSM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/csm}"

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v git >/dev/null || need+=(git)
command -v pkg-config >/dev/null || need+=(pkg-config)
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
pkg-config --exists libgit2 2>/dev/null || need+=(libgit2-dev)
command -v python3 >/dev/null || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
# Benchmark tools (bench/README.md).
if [ "$bench" = 1 ]; then
  command -v hyperfine >/dev/null || need+=(hyperfine)
  command -v wrk >/dev/null || need+=(wrk)
  command -v curl >/dev/null || need+=(curl)
  command -v gcc >/dev/null || need+=(gcc)
fi
# Web dashboard: browser libraries csm serves from /usr/share (never copied into the repo) …
[ -e /usr/share/javascript/marked/marked.umd.min.js ] || [ -e /usr/share/javascript/marked/marked.min.js ] || need+=(libjs-marked)
[ -e /usr/share/javascript/sortable/Sortable.min.js ] || need+=(libjs-sortable)
# … and headless Chromium for its browser tests.
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ "$bench" = 1 ]; then
  TMUXP_VERSION="${TMUXP_VERSION:-1.76.0}"
  if ! python3 -c "import tmuxp" 2>/dev/null; then
    echo "==> installing tmuxp $TMUXP_VERSION from PyPI (benchmark reference)"
    python3 -m pip install --quiet "tmuxp==$TMUXP_VERSION"
  fi
  exit 0
fi

claude_dir="$CACHE_DIR/claude-agent-sdk-$CLAUDE_AGENT_SDK_VERSION"
if [ ! -x "$claude_dir/claude" ]; then
  echo "==> fetching Claude Code from PyPI (claude-agent-sdk $CLAUDE_AGENT_SDK_VERSION)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps "claude-agent-sdk==$CLAUDE_AGENT_SDK_VERSION" -d "$tmp"
  mkdir -p "$claude_dir"
  python3 - "$tmp" "$claude_dir" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "claude_agent_sdk-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    data = z.read("claude_agent_sdk/_bundled/claude")
target = os.path.join(sys.argv[2], "claude")
with open(target + ".part", "wb") as f:
    f.write(data)
os.chmod(target + ".part", 0o755)
os.replace(target + ".part", target)
PY
fi
ln -sfn "$claude_dir" "$CACHE_DIR/claude-current"

# Selenium drives Chromium in the dashboard's browser tests (Tests/Browser).
if ! python3 -c "import selenium" >/dev/null 2>&1; then
  echo "==> installing Python selenium (browser tests)"
  python3 -m pip install --quiet "selenium>=4.20" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "selenium>=4.20"
fi
echo "==> Claude Code: $("$claude_dir/claude" --version 2>/dev/null || echo "at $claude_dir/claude")"

echo "==> building csm"
swift build 2>&1 | grep -E "error|warning: unre|Compiling csm|Build complete" || true
test -x .build/debug/csm
