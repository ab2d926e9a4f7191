import CSMModel
import Foundation

/// What one SSH host looks like, read in ONE ssh round trip by `RemoteObservation.script`.
public struct RemoteHostFacts: Sendable, Equatable {
    /// `$HOME` on the host (remote `~` paths expand against it).
    public var home: String
    /// Where `csm` is on the host's PATH, when it is installed there (hooks then use `csm hook`).
    public var csmPath: String?
    /// Where `curl` is (the hook relay needs it when csm is not installed).
    public var curlPath: String?
    public var hasTmux: Bool
    public var hasGit: Bool
    public var tmuxSessions: [ObservedTmuxSession]
    public var worktrees: [ObservedWorktree]
    /// Each declared repository path on the host, and whether it holds a git repository.
    public var repositories: [String: Bool]

    /// How hooks of agents on this host reach the server, in words (for `csm hosts` and logs).
    public var hookRelay: String {
        if let csmPath { return "csm hook (\(csmPath))" }
        if let curlPath { return "sh + curl (\(curlPath))" }
        return "none: install curl or csm on the host"
    }
}

/// The single remote script that observes a host, and the defensive parser of its output.
///
/// The script is POSIX sh. It prints line records (tab-separated) and length-framed blobs for file
/// contents (markers, setup stamps), and ends with a sentinel: output without the sentinel, or with a
/// record csm cannot read, makes the whole host unreadable (reported unreachable, so nothing is planned
/// there), never a partial picture that could look like "gone".
public enum RemoteObservation {
    static let sentinel = "end\tcsm-observe-1"

    /// The script; its arguments are `TMUX_SOCKET` (empty: default server), then `--folders` and the
    /// worktree folders (`<worktreeBase>/<workspace>`), then `--repos` and the repository paths.
    public static let script: String = #"""
        sock=$1; shift
        expand() { case $1 in "~") printf '%s' "$HOME" ;; "~/"*) printf '%s/%s' "$HOME" "${1#"~/"}" ;; *) printf '%s' "$1" ;; esac; }
        blob() { if [ -f "$2" ]; then printf 'blob\t%s\t%s\n' "$1" "$(wc -c < "$2" | tr -d ' ')"; cat "$2"; printf '\n'; fi; }
        printf 'begin\tcsm-observe-1\n'
        printf 'home\t%s\n' "$HOME"
        printf 'csm\t%s\n' "$(command -v csm 2>/dev/null)"
        printf 'curl\t%s\n' "$(command -v curl 2>/dev/null)"
        printf 'git\t%s\n' "$(command -v git 2>/dev/null)"
        printf 'tmux\t%s\n' "$(command -v tmux 2>/dev/null)"
        if [ -n "$sock" ]; then tm() { tmux -u -L "$sock" "$@"; }; else tm() { tmux -u "$@"; }; fi
        if command -v tmux >/dev/null 2>&1; then
          err=${TMPDIR:-/tmp}/csm-observe-$$.err
          out=$(tm list-sessions -F '#{session_name}	#{session_created}	#{session_attached}	#{session_windows}	#{@csm-workspace}	#{@csm-session}	#{@csm-spec}	#{pane_dead}' \; list-windows -a -F 'window	#{session_name}	#{window_name}	#{pane_dead}' 2>"$err"); rc=$?
          first=$(head -n 1 "$err" 2>/dev/null); rm -f "$err"
          printf '%s\n' "$out" | while IFS= read -r l; do [ -n "$l" ] && printf 't\t%s\n' "$l"; done
          printf 'tmux-status\t%s\t%s\n' "$rc" "$first"
        fi
        mode=
        for arg in "$@"; do
          case $arg in --folders) mode=f; continue ;; --repos) mode=r; continue ;; esac
          p=$(expand "$arg")
          if [ "$mode" = r ]; then
            if git -C "$p" rev-parse --git-dir >/dev/null 2>&1; then printf 'repo\t%s\t1\n' "$arg"; else printf 'repo\t%s\t0\n' "$arg"; fi
            continue
          fi
          printf 'folder\t%s\n' "$arg"
          [ -d "$p" ] || continue
          for wt in "$p"/* "$p"/.[!.]*; do
            [ -d "$wt" ] || continue
            name=${wt##*/}
            printf 'wt\t%s\n' "$name"
            if [ -f "$wt/.git" ]; then
              gd=$(sed -n 's/^gitdir: *//p' "$wt/.git" | head -n 1)
              case $gd in /*) ;; "") ;; *) gd="$wt/$gd" ;; esac
              if [ -n "$gd" ] && [ -f "$gd/gitdir" ]; then
                back=$(cat "$gd/gitdir"); case $back in /*) ;; *) back="$gd/$back" ;; esac
                a=$(cd "$(dirname "$back")" 2>/dev/null && pwd -P); b=$(cd "$wt" 2>/dev/null && pwd -P)
                if [ -n "$a" ] && [ "$a" = "$b" ]; then
                  printf 'linked\n'
                  blob marker "$gd/csm.json"
                  blob setup "$gd/csm-setup.json"
                  br=$(git -C "$wt" symbolic-ref --short -q HEAD 2>/dev/null)
                  printf 'branch\t%s\n' "$br"
                  st=$(git -C "$wt" status --porcelain -uall 2>/dev/null) || { printf 'error\tgit status failed\n'; continue; }
                  printf '%s\n' "$st" | awk '/^\?\?/{u++;next} /./{c++} END{printf "status\t%d\t%d\n", c, u}'
                  if git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
                    n=$(git -C "$wt" for-each-ref --format='%(refname)	%(objecttype)	%(objectname)	%(*objecttype)	%(*objectname)' |
                      awk -F '\t' -v own="refs/heads/$br" '$1 != own { if ($2 == "commit") print "^" $3; else if ($4 == "commit") print "^" $5 }' |
                      git -C "$wt" rev-list --count HEAD --stdin 2>/dev/null) || { printf 'error\tgit rev-list failed\n'; continue; }
                    printf 'unique\t%s\n' "$n"
                  else
                    printf 'unique\t0\n'
                  fi
                fi
              fi
            fi
          done
        done
        printf 'end\tcsm-observe-1\n'
        """#

    /// The script's arguments.
    public static func arguments(tmuxSocket: String?, folders: [String], repositories: [String]) -> [String] {
        [tmuxSocket ?? "", "--folders"] + folders + ["--repos"] + repositories
    }

    /// Parses the script's output for `host`. Throws `SSHError.unreadableOutput` for anything but a
    /// complete, well-formed answer.
    public static func parse(_ output: String, host: String) throws -> RemoteHostFacts {
        func fail(_ detail: String) -> SSHError {
            .unreadableOutput(host: host, what: "the observation", detail: detail)
        }
        let bytes = Array(output.utf8)
        var index = 0
        func line() -> String? {
            guard index < bytes.count else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != 10 { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if index < bytes.count { index += 1 }
            return text
        }
        guard line() == "begin\tcsm-observe-1" else { throw fail("it does not start with the csm header") }
        var facts = RemoteHostFacts(
            home: "", csmPath: nil, curlPath: nil, hasTmux: false, hasGit: false,
            tmuxSessions: [], worktrees: [], repositories: [:])
        var tmuxLines: [String] = []
        var folder: String?
        var current: PendingWorktree?
        var sawEnd = false
        func finish() {
            if let pending = current { facts.worktrees.append(pending.observed(host: host)) }
            current = nil
        }
        while let text = line() {
            if text == sentinel { sawEnd = true; break }
            let fields = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let value = fields.count > 1 ? fields[1] : ""
            switch fields[0] {
            case "home": facts.home = value
            case "csm": facts.csmPath = value.isEmpty ? nil : value
            case "curl": facts.curlPath = value.isEmpty ? nil : value
            case "git": facts.hasGit = !value.isEmpty
            case "tmux": facts.hasTmux = !value.isEmpty
            case "t": tmuxLines.append(fields.dropFirst().joined(separator: "\t"))
            case "tmux-status":
                let status = Int32(value) ?? -1
                let message = fields.count > 2 ? fields[2] : ""
                if status != 0, !TmuxCLI.isNoServer(message) {
                    throw fail("tmux list-sessions exited with status \(status): \(message)")
                }
            case "repo":
                guard fields.count == 3 else { throw fail("bad repo record") }
                facts.repositories[fields[1]] = fields[2] == "1"
            case "folder":
                finish()
                folder = value
            case "wt":
                finish()
                guard let folder, !value.isEmpty, !value.contains("/") else {
                    throw fail("worktree entry outside a folder")
                }
                current = PendingWorktree(path: Paths.join(folder, value))
            case "linked": current?.isLinked = true
            case "branch": current?.branch = value.isEmpty ? nil : value
            case "status":
                guard fields.count == 3, let changed = Int(fields[1]), let untracked = Int(fields[2]) else {
                    throw fail("bad status record")
                }
                current?.counts = (changed, untracked)
            case "unique":
                guard let count = Int(value) else { throw fail("bad commit count") }
                current?.unique = count
            case "error": current?.error = value
            case "blob":
                guard fields.count == 3, let length = Int(fields[2]), length >= 0, index + length <= bytes.count else {
                    throw fail("truncated file contents")
                }
                let data = Data(bytes[index..<(index + length)])
                index += length
                guard index < bytes.count, bytes[index] == 10 else { throw fail("file contents not terminated") }
                index += 1
                if fields[1] == "marker" {
                    current?.marker = data
                } else if fields[1] == "setup" {
                    current?.setup = data
                }
            default:
                throw fail("unknown record '\(fields[0].prefix(20))'")
            }
        }
        guard sawEnd else { throw fail("the output ended early (the connection dropped or the script failed)") }
        finish()
        let windows = TmuxCLI.parseWindows(tmuxLines.joined(separator: "\n"))
        let sessions = TmuxCLI.parseSessions(tmuxLines.joined(separator: "\n"), host: host)
        facts.tmuxSessions = TmuxCLI.attachingWindows(windows, to: sessions)
        return facts
    }

    /// A worktree while its records are read.
    struct PendingWorktree {
        var path: String
        var isLinked = false
        var marker: Data?
        var setup: Data?
        var branch: String?
        var counts: (Int, Int)?
        var unique: Int?
        var error: String?

        /// Only a linked worktree with a readable marker and every count is owned; anything less is
        /// reported with a nil marker (the planner leaves such a path alone).
        func observed(host: String) -> ObservedWorktree {
            guard isLinked, error == nil, let data = marker, let marker = WorktreeMarker.decodeStored(data),
                let counts, let unique
            else { return ObservedWorktree(host: host, path: path, marker: nil) }
            var stamp: SetupStamp?
            if let setup {
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                stamp = try? decoder.decode(SetupStamp.self, from: setup)
            }
            return ObservedWorktree(
                host: host, path: path, marker: marker, branch: branch, uncommittedCount: counts.0,
                untrackedCount: counts.1, uniqueCommitCount: unique, setup: stamp)
        }
    }
}
