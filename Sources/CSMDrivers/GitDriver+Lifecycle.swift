import CSMModel
import Foundation

/// How a file csm writes into a worktree (CLAUDE.md) is kept out of `git status`.
public enum StatusExclusion: String, Sendable, Equatable, Codable {
    /// The file is tracked: its index entry in this worktree carries git's `skip-worktree` flag.
    case skipWorktree
    /// The file is untracked: `/<file>` is listed in the repository's `info/exclude`.
    case infoExclude
}

/// How `GitDriver.merge` joins a session's branch into its base.
public enum MergeStrategy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Fast-forward when possible, else a merge commit with both parents (`git merge`).
    case merge
    /// Fast-forward only; refused when the base has moved on.
    case fastForwardOnly
    /// One new commit on the base with the merged tree (`git merge --squash` + commit).
    case squash
    /// The branch's commits replayed on the base one by one, then the base fast-forwarded to them; the
    /// session's branch is moved to the replayed commits too (its worktree must be clean).
    case rebase
}

/// What `GitDriver.merge` is asked to do.
public struct MergeRequest: Sendable, Equatable {
    /// The source repository (its main checkout is updated when the base is checked out there).
    public var repoPath: String
    /// The session's branch.
    public var branch: String
    /// The local branch merged into; nil means the branch the source checkout's HEAD names.
    public var base: String?
    public var strategy: MergeStrategy
    /// The commit message for squash and merge commits (nil: csm writes one).
    public var message: String?
    /// The session's worktree (rebase moves its branch, so its checkout follows).
    public var worktreePath: String?

    public init(
        repoPath: String, branch: String, base: String?, strategy: MergeStrategy, message: String? = nil,
        worktreePath: String? = nil
    ) {
        self.repoPath = repoPath
        self.branch = branch
        self.base = base
        self.strategy = strategy
        self.message = message
        self.worktreePath = worktreePath
    }
}

/// What a merge did.
public struct MergeOutcome: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The base already contained the branch.
        case upToDate
        case fastForward
        case mergeCommit
        case squashCommit
        case rebased
    }

    public var kind: Kind
    /// The local base branch that moved.
    public var base: String
    /// The base's new tip (full hex id).
    public var commit: String
    /// How many commits of the branch were not on the base before.
    public var commitCount: Int

    public init(kind: Kind, base: String, commit: String, commitCount: Int) {
        self.kind = kind
        self.base = base
        self.commit = commit
        self.commitCount = commitCount
    }
}

/// Default implementations for drivers written before the lifecycle operations existed (in-memory twins):
/// each throws `GitError.unsupported` naming the operation. `LibGit2Driver` implements every one.
extension GitDriver {
    /// Keeps `file` (relative to the worktree) out of `git status` in the worktree at `worktreePath`:
    /// `skip-worktree` when it is tracked, else `/<file>` in `info/exclude`. Idempotent.
    public func keepOutOfStatus(worktreePath: String, file: String) async throws -> StatusExclusion {
        throw GitError.unsupported(operation: "keep a file out of git status")
    }

    /// Merges `request.branch` into its base in the source repository, all or nothing: a conflict, a
    /// base that cannot be fast-forwarded with `fastForwardOnly`, or a source checkout whose changes
    /// would be overwritten leaves every ref, index and file as it was and throws `GitError.mergeRefused`.
    public func merge(_ request: MergeRequest) async throws -> MergeOutcome {
        throw GitError.unsupported(operation: "merge")
    }

    /// Renames local branch `oldName` to `newName`, also where a worktree has it checked out.
    public func renameBranch(repoPath: String, from oldName: String, to newName: String) async throws {
        throw GitError.unsupported(operation: "rename a branch")
    }

    /// Moves the csm worktree at `oldPath` to `newPath` and repairs git's links both ways; its
    /// registration is renamed after `marker` (the marker with the new session name), which is written.
    /// A `newPath` that exists is refused (`GitError.pathOccupied`) before anything moves.
    public func moveWorktree(from oldPath: String, to newPath: String, repoPath: String, marker: WorktreeMarker)
        async throws
    {
        throw GitError.unsupported(operation: "move a worktree")
    }

    /// The unified diff (`git diff HEAD -- file` style, untracked files shown as new) of one file of the
    /// worktree against its HEAD; empty when the file is unchanged. `file` is relative to the worktree.
    public func fileDiff(worktreePath: String, file: String) async throws -> String {
        throw GitError.unsupported(operation: "diff a file")
    }

    /// The subjects of the commits on `branch` that are not on `base`, oldest first.
    public func commitSubjects(repoPath: String, branch: String, base: String) async throws -> [String] {
        throw GitError.unsupported(operation: "list commits")
    }
}
