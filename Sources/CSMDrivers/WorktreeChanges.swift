/// What changed in a worktree relative to its HEAD: the files as `git status` lists them and one unified
/// diff of everything (staged, unstaged and untracked), as the dashboard shows it.
public struct WorktreeChanges: Sendable, Equatable, Codable {
    /// One changed file.
    public struct File: Sendable, Equatable, Codable {
        public var path: String
        /// `added`, `modified`, `deleted`, `renamed`, `typechange`, `untracked` or `conflicted`.
        public var status: String
        /// Whether the change (or part of it) is in the index.
        public var staged: Bool
        /// The old path of a renamed file.
        public var oldPath: String?

        public init(path: String, status: String, staged: Bool, oldPath: String? = nil) {
            self.path = path
            self.status = status
            self.staged = staged
            self.oldPath = oldPath
        }
    }

    public var branch: String?
    public var files: [File]
    /// The patch from HEAD to the working folder (untracked files as new files).
    public var diff: String
    /// Whether `diff` was cut at the requested size.
    public var isTruncated: Bool

    public init(branch: String?, files: [File], diff: String, isTruncated: Bool) {
        self.branch = branch
        self.files = files
        self.diff = diff
        self.isTruncated = isTruncated
    }
}

/// Reads a worktree's changes. The real implementation is `LibGit2Driver` (local worktrees, in-process).
public protocol WorktreeChangesReader: Sendable {
    /// The changes of the worktree at `path`, the diff cut at `maxDiffBytes`.
    func changes(worktreePath path: String, maxDiffBytes: Int) async throws -> WorktreeChanges
}
