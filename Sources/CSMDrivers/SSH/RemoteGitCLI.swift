import CSMModel
import Foundation

/// `GitDriver` for an SSH host: the remote `git` CLI through the shared connection, one ssh call per
/// operation, every value passed as a quoted positional argument of a fixed POSIX sh script.
///
/// Implements what plan and apply need (observe, add, archive, remove) plus keeping CLAUDE.md out of
/// `git status` and the changed-files list; the other lifecycle operations (merge, rename, move) keep
/// the protocol's default, which says plainly that this driver cannot do them.
public struct RemoteGitCLI: GitDriver {
    public let runner: SSHProcessRunner
    /// The `-L` socket of the host's tmux server, for observations made through this driver.
    public var tmuxSocket: String?

    public init(runner: SSHProcessRunner, tmuxSocket: String? = nil) {
        self.runner = runner
        self.tmuxSocket = tmuxSocket
    }

    var host: String { runner.host }

    /// Shell function every script starts with: `~` and `~/…` against the remote home.
    public static let prelude = #"""
        expand() { case $1 in "~") printf '%s' "$HOME" ;; "~/"*) printf '%s/%s' "$HOME" "${1#"~/"}" ;; *) printf '%s' "$1" ;; esac; }

        """#

    public func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree] {
        let result = try await runner.runScript(
            RemoteObservation.script,
            arguments: RemoteObservation.arguments(tmuxSocket: tmuxSocket, folders: [folder], repositories: []))
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "observing \(folder)", status: result.status,
                stderr: result.stderrTail)
        }
        return try RemoteObservation.parse(result.stdout, host: host).worktrees
    }

    static let addScript =
        prelude + #"""
            repo=$(expand "$1"); path=$(expand "$2"); branch=$3; base=$4; marker=$5
            if [ -e "$path" ]; then echo "csm: occupied" >&2; exit 3; fi
            git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || { echo "csm: not a repository" >&2; exit 4; }
            mkdir -p "$(dirname "$path")" || exit 1
            if git -C "$repo" show-ref --verify --quiet "refs/heads/$branch"; then
              git -C "$repo" worktree add --quiet "$path" "$branch" || exit 1
            else
              if [ -n "$base" ] && ! git -C "$repo" rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
                echo "csm: unknown base" >&2; exit 5
              fi
              if [ -n "$base" ]; then git -C "$repo" worktree add --quiet -b "$branch" "$path" "$base" || exit 1
              else git -C "$repo" worktree add --quiet -b "$branch" "$path" || exit 1; fi
            fi
            gd=$(git -C "$path" rev-parse --absolute-git-dir) && printf '%s' "$marker" > "$gd/csm.json" || {
              git -C "$repo" worktree remove --force "$path" >/dev/null 2>&1; rm -rf "$path"; exit 1; }
            """#

    public func addWorktree(_ request: WorktreeRequest) async throws {
        let marker = String(decoding: try request.marker.storedData(), as: UTF8.self)
        let result = try await runner.runScript(
            Self.addScript, arguments: [request.repoPath, request.path, request.branch, request.base ?? "", marker])
        switch result.status {
        case 0: return
        case 3: throw GitError.pathOccupied(path: request.path)
        case 4: throw GitError.notARepository(path: "\(host):\(request.repoPath)")
        case 5: throw GitError.unknownBase(repoPath: "\(host):\(request.repoPath)", base: request.base ?? "")
        default:
            throw SSHError.remoteCommandFailed(
                host: host, what: "git worktree add \(request.path)", status: result.status,
                stderr: result.stderrTail)
        }
    }

    static let archiveScript =
        prelude + #"""
            path=$(expand "$1"); ref=$2; message=$3
            cd "$path" || exit 1
            index=$(mktemp) || exit 1
            trap 'rm -f "$index"' EXIT
            cp "$(git rev-parse --git-path index)" "$index" 2>/dev/null || true
            export GIT_INDEX_FILE="$index"
            git add -A . || exit 1
            tree=$(git write-tree) || exit 1
            if head=$(git rev-parse -q --verify HEAD); then commit=$(git commit-tree "$tree" -p "$head" -m "$message") || exit 1
            else commit=$(git commit-tree "$tree" -m "$message") || exit 1; fi
            git update-ref "$ref" "$commit" || exit 1
            printf '%s\n' "$ref"
            """#

    public func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let ref = "refs/csm/archive/\(session)/\(formatter.string(from: date))"
        let message = "csm: archive of session \(session) before its worktree was removed"
        let result = try await runner.runScript(Self.archiveScript, arguments: [worktreePath, ref, message])
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "archiving the work in \(worktreePath)",
                status: result.status, stderr: result.stderrTail)
        }
        return ref
    }

    static let removeScript =
        prelude + #"""
            path=$(expand "$1"); repo=$(expand "$2"); branch=$3
            if [ -e "$path" ]; then
              git -C "$repo" worktree remove --force --force "$path" || exit 1
            fi
            git -C "$repo" worktree prune >/dev/null 2>&1
            if [ -n "$branch" ]; then git -C "$repo" branch -D "$branch" >/dev/null || exit 1; fi
            """#

    public func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws {
        let result = try await runner.runScript(
            Self.removeScript, arguments: [worktreePath, repoPath, deleteBranch ?? ""])
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "removing the worktree \(worktreePath)",
                status: result.status, stderr: result.stderrTail)
        }
    }

    static let excludeScript =
        prelude + #"""
            path=$(expand "$1"); file=$2
            cd "$path" || exit 1
            if git ls-files --error-unmatch -- "$file" >/dev/null 2>&1; then
              git update-index --skip-worktree -- "$file" || exit 1; echo skip
            else
              ex=$(git rev-parse --git-common-dir)/info/exclude; mkdir -p "$(dirname "$ex")"
              grep -qxF "/$file" "$ex" 2>/dev/null || printf '/%s\n' "$file" >> "$ex"; echo exclude
            fi
            """#

    public func keepOutOfStatus(worktreePath: String, file: String) async throws -> StatusExclusion {
        let result = try await runner.runScript(Self.excludeScript, arguments: [worktreePath, file])
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "keeping \(file) out of git status",
                status: result.status, stderr: result.stderrTail)
        }
        return result.stdout.hasPrefix("skip") ? .skipWorktree : .infoExclude
    }
}
