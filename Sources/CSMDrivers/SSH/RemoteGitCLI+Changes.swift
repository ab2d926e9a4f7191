import CSMModel
import Foundation

/// `git status` and `git diff HEAD` (untracked files as new files) of a worktree on an SSH host, in one
/// call, shaped as `LibGit2Driver` shapes them for local worktrees.
extension RemoteGitCLI: WorktreeChangesReader {
    static let changesScript =
        prelude + #"""
            wt=$(expand "$1")
            cd "$wt" 2>/dev/null || exit 3
            printf '%s\n' "$(git symbolic-ref --short -q HEAD)"
            git status --porcelain=v1 -z -uall || exit 1
            printf '\n--csm-diff--\n'
            if git rev-parse -q --verify HEAD >/dev/null; then git diff HEAD --no-color --no-ext-diff
            else git diff --cached --no-color --no-ext-diff; git diff --no-color --no-ext-diff; fi
            git ls-files -o --exclude-standard -z | xargs -0 -n 1 git diff --no-index --no-color -- /dev/null 2>/dev/null
            exit 0
            """#

    public func changes(worktreePath path: String, maxDiffBytes: Int) async throws -> WorktreeChanges {
        let result = try await runner.runScript(Self.changesScript, arguments: [path])
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "reading the changes of \(path)", status: result.status,
                stderr: result.stderrTail)
        }
        return try Self.parseChanges(result.stdout, host: host, maxDiffBytes: maxDiffBytes)
    }

    static func parseChanges(_ output: String, host: String, maxDiffBytes: Int) throws -> WorktreeChanges {
        guard let newline = output.firstIndex(of: "\n"), let separator = output.range(of: "\n--csm-diff--\n") else {
            throw SSHError.unreadableOutput(host: host, what: "git status", detail: "no diff separator")
        }
        let branch = String(output[..<newline])
        let status = output[output.index(after: newline)..<separator.lowerBound]
        var entries = status.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)[...]
        var files: [WorktreeChanges.File] = []
        while let entry = entries.popFirst() {
            guard entry.count > 3 else { continue }
            let chars = Array(entry)
            let x = chars[0], y = chars[1]
            let path = String(entry.dropFirst(3))
            var oldPath: String?
            if x == "R" || x == "C" { oldPath = entries.popFirst() }
            let word: String
            if x == "?" {
                word = "untracked"
            } else if x == "U" || y == "U" || (x == "A" && y == "A") || (x == "D" && y == "D") {
                word = "conflicted"
            } else if x == "R" || y == "R" {
                word = "renamed"
            } else if x == "A" {
                word = "added"
            } else if x == "D" || y == "D" {
                word = "deleted"
            } else if x == "T" || y == "T" {
                word = "typechange"
            } else {
                word = "modified"
            }
            files.append(WorktreeChanges.File(path: path, status: word, staged: x != " " && x != "?", oldPath: oldPath))
        }
        var diff = String(output[separator.upperBound...])
        var isTruncated = false
        if diff.utf8.count > maxDiffBytes {
            var cut = diff.utf8.index(diff.utf8.startIndex, offsetBy: max(0, maxDiffBytes))
            while cut > diff.startIndex, !diff.unicodeScalars.indices.contains(cut) {
                cut = diff.utf8.index(before: cut)
            }
            diff = String(diff[..<cut])
            isTruncated = true
        }
        return WorktreeChanges(
            branch: branch.isEmpty ? nil : branch, files: files, diff: diff, isTruncated: isTruncated)
    }
}
