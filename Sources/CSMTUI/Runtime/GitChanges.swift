import CSMDrivers
import CSMModel
import Foundation

/// Reads a worktree's changes and diffs with the `git` command line (read-only commands only), for the
/// preview panel. Uncommitted: `git status` and `git diff HEAD`; committed: the branch since its merge base
/// with the session's base (its `base`, else the repo's `baseBranch`, else the repo's current branch).
struct GitChanges: Sendable {
    let runner: any ProcessRunner
    /// Diffs longer than this are cut (a note says so).
    static let maxDiffLines = 5000

    /// The commit the session's branch is compared with; nil when there is none (then nothing counts as committed).
    func mergeBase(worktree: String, session: DesiredSession) async -> String? {
        var base = session.base
        if base == nil, let current = try? await git(session.repoPath, ["symbolic-ref", "--short", "-q", "HEAD"]) {
            base = current.trimmingSpaces()
        }
        guard let base, !base.isEmpty,
            let commit = try? await git(worktree, ["merge-base", "HEAD", base]).trimmingSpaces(), !commit.isEmpty
        else { return nil }
        return commit
    }

    func changes(worktree: String, mergeBase: String?) async throws -> (
        uncommitted: [ChangedFile], committed: [ChangedFile]
    ) {
        let status = try await git(worktree, ["status", "--porcelain=v1", "-uall"])
        let counts = Self.parseNumstat(try await git(worktree, ["diff", "--numstat", "HEAD"]))
        let uncommitted = Self.parseStatus(status).map { file -> ChangedFile in
            var file = file
            if let (ins, del) = counts[file.path] ?? nil {
                (file.insertions, file.deletions) = (ins, del)
            } else if file.status == "?", let lines = Self.lineCount(Paths.join(worktree, file.path)) {
                // Untracked: all its lines are added, as the changes column counts them.
                (file.insertions, file.deletions) = (lines, 0)
            }
            return file
        }
        guard let mergeBase else { return (uncommitted, []) }
        let names = try await git(worktree, ["diff", "--name-status", "--no-renames", mergeBase, "HEAD"])
        let committedCounts = Self.parseNumstat(
            try await git(worktree, ["diff", "--numstat", "--no-renames", mergeBase, "HEAD"]))
        let committed = Self.parseNameStatus(names).map { file -> ChangedFile in
            var file = file
            if let (ins, del) = committedCounts[file.path] ?? nil { (file.insertions, file.deletions) = (ins, del) }
            return file
        }
        return (uncommitted, committed)
    }

    func diff(worktree: String, file: ChangedFile, mergeBase: String?) async throws -> [String] {
        let text: String
        if file.status == "?" {
            // `--no-index` exits 1 when the files differ, which they always do here.
            let result = try await runner.run(
                "git", ["-C", worktree, "diff", "--no-color", "--no-index", "--", "/dev/null", file.path])
            guard result.status <= 1 else {
                throw ProcessError(
                    argv: ["git", "diff", "--no-index"], status: result.status, stderrTail: result.stderrTail)
            }
            text = result.stdout
        } else if file.isCommitted, let mergeBase {
            text = try await git(worktree, ["diff", "--no-color", mergeBase, "HEAD", "--", file.path])
        } else {
            text = try await git(worktree, ["diff", "--no-color", "HEAD", "--", file.path])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "\t", with: "    ")
        }
        if lines.last == "" { lines.removeLast() }
        if lines.count > Self.maxDiffLines {
            lines =
                Array(lines.prefix(Self.maxDiffLines)) + ["… \(lines.count - Self.maxDiffLines) more lines not shown"]
        }
        return lines.isEmpty ? ["(no textual difference)"] : lines
    }

    /// The subjects of the branch's commits since `mergeBase`, oldest first.
    func subjects(worktree: String, mergeBase: String) async throws -> [String] {
        try await git(worktree, ["log", "--reverse", "--format=%s", mergeBase + "..HEAD"])
            .split(separator: "\n").map(String.init)
    }

    private func git(_ directory: String, _ arguments: [String]) async throws -> String {
        let result = try await runner.run("git", ["-C", directory] + arguments)
        guard result.succeeded else {
            throw ProcessError(
                argv: ["git", "-C", directory] + arguments, status: result.status, stderrTail: result.stderrTail)
        }
        return result.stdout
    }

    /// `git status --porcelain=v1` lines: `XY path` (or `XY old -> new`); untracked is `??`.
    static func parseStatus(_ text: String) -> [ChangedFile] {
        text.split(separator: "\n").compactMap { line in
            guard line.count > 3 else { return nil }
            let code = String(line.prefix(2))
            var path = String(line.dropFirst(3))
            if let arrow = path.range(of: " -> ") { path = String(path[arrow.upperBound...]) }
            let status = code == "??" ? "?" : String(code.first { $0 != " " } ?? "M")
            return ChangedFile(path: unquote(path), status: status, isCommitted: false)
        }
    }

    /// `git diff --name-status` lines: `M\tpath`.
    static func parseNameStatus(_ text: String) -> [ChangedFile] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return ChangedFile(path: String(parts[1]), status: String(parts[0].prefix(1)), isCommitted: true)
        }
    }

    /// `git diff --numstat` lines: `ins\tdel\tpath` (`-` for binary files, which get nil counts).
    static func parseNumstat(_ text: String) -> [String: (Int, Int)?] {
        var counts: [String: (Int, Int)?] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 2)
            guard parts.count == 3 else { continue }
            if let ins = Int(parts[0]), let del = Int(parts[1]) {
                counts[String(parts[2])] = (ins, del)
            } else {
                counts[String(parts[2])] = .some(nil)
            }
        }
        return counts
    }

    /// The lines of a text file as git counts them (a last line without a newline counts); nil for a binary
    /// file (a NUL byte in its first 8 KiB, git's test), one larger than 8 MiB, or one that cannot be read.
    static func lineCount(_ path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data: Data
        do {
            // `read` answers nil at the end of the file: an empty file has no lines.
            data = try handle.read(upToCount: 8 << 20 + 1) ?? Data()
        } catch {
            return nil
        }
        guard data.count <= 8 << 20 else { return nil }
        guard !data.prefix(8000).contains(0) else { return nil }
        let newlines = data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        return newlines + (data.last.map { $0 == 10 ? 0 : 1 } ?? 0)
    }

    /// Paths git quotes (spaces, non-ASCII with core.quotePath) come back without the quotes.
    static func unquote(_ path: String) -> String {
        guard path.hasPrefix("\""), path.hasSuffix("\""), path.count >= 2 else { return path }
        return String(path.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }
}
