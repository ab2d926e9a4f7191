import Foundation

/// How much a session's branch differs from its base, as `git diff --shortstat <merge-base>` counts it in
/// the worktree with untracked files counted as added (`git add -N` first): committed, staged, unstaged
/// and untracked work together, the same set of changes the preview panel lists.
public struct DiffStats: Sendable, Equatable, Codable {
    /// Files that differ (a renamed file counts once).
    public var files: Int
    /// Lines added.
    public var insertions: Int
    /// Lines removed.
    public var deletions: Int

    public init(files: Int, insertions: Int, deletions: Int) {
        self.files = files
        self.insertions = insertions
        self.deletions = deletions
    }

    /// Nothing differs from the base.
    public var isEmpty: Bool { files == 0 }

    /// `3 files +42 −7`, `1 file +0 −12`, or `clean` when nothing differs.
    public var summary: String {
        guard files > 0 else { return "clean" }
        return "\(files) file\(files == 1 ? "" : "s") +\(insertions) \u{2212}\(deletions)"
    }
}

/// What the stats of a worktree depend on, read without scanning the working folder: HEAD's commit, the
/// base's commit, and the index file's size and modification time (staging, checkouts, commits and
/// `git status` refreshing stat data all rewrite it). Edits to files that are not staged change none of
/// these; `DiffStatsCache` recomputes after a short time-to-live for them.
public struct DiffStatsKey: Sendable, Hashable {
    /// HEAD's commit id; nil on an unborn branch.
    public var head: String?
    /// The base's commit id (the session's base, else the repository's HEAD); nil when it cannot be resolved
    /// (then only the uncommitted work is counted).
    public var base: String?
    /// `<size>:<mtime seconds>.<nanoseconds>` of the worktree's index; empty when it has none yet.
    public var index: String

    public init(head: String?, base: String?, index: String) {
        self.head = head
        self.base = base
        self.index = index
    }
}

/// Reads diff stats. The real implementation is `LibGit2Driver` (local worktrees, in process).
public protocol DiffStatsReader: Sendable {
    /// The cheap fingerprint of the worktree at `worktreePath` whose session branches from `base` (nil: the
    /// HEAD of the repository at `repoPath`).
    func diffStatsKey(worktreePath: String, base: String?, repoPath: String) async throws -> DiffStatsKey

    /// The stats of the worktree against the merge base of `key.head` and `key.base` (against HEAD alone
    /// when either is nil). Reads every changed file: call it only when the key changed or aged.
    func diffStats(worktreePath: String, key: DiffStatsKey) async throws -> DiffStats
}
