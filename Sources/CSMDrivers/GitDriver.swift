import CSMModel
import Foundation

/// Everything csm does to git repositories and worktrees.
///
/// The real implementation is `LibGit2Driver` (in-process, no `git` subprocess); tests of the engine
/// use an in-memory twin. Implementations must be safe to call concurrently for different worktrees.
public protocol GitDriver: Sendable {
    /// The csm worktrees under `folder` (one level deep: `<folder>/<session>`), with their markers and the
    /// facts the nothing-lost rule needs. Entries that are not worktrees made by csm are returned with a
    /// nil marker. A missing folder yields an empty list.
    func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree]

    /// The same worktrees without their work counts: marker, branch and setup stamp only, every count 0
    /// and `workCounted` false. No status scan and no history walk, so a plan or a list of a converged
    /// workspace never reads every working folder. Default (GitDriver+Observe.swift): counts anyway.
    func observeWorktreesUncounted(in folder: String, host: String) async throws -> [ObservedWorktree]

    /// One worktree with its counts, or nil when nothing is at `path` (how a destroy candidate is
    /// inspected). Default (GitDriver+Observe.swift): observes the parent folder and picks `path`.
    func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree?

    /// Creates the worktree at `request.path` on branch `request.branch`: an existing branch is checked
    /// out as it is, a missing one is created from `request.base` (nil: the repository's HEAD). Creates
    /// missing parent folders and writes `request.marker` into the worktree's git directory.
    /// On failure nothing is left behind (no folder, no `.git/worktrees/<name>` entry).
    func addWorktree(_ request: WorktreeRequest) async throws

    /// Records every uncommitted and untracked (not ignored) change of the worktree, on top of its HEAD,
    /// as one commit under `refs/csm/archive/<session>/<timestamp>`, and returns that ref's full name.
    /// The worktree itself is left untouched.
    func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String

    /// Removes the worktree folder and its git administrative entry. When `deleteBranch` names a branch,
    /// deletes it afterwards. Never checks for work: callers decide that from `observeWorktrees`.
    func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws

    // Lifecycle operations; documented (with default implementations) in GitDriver+Lifecycle.swift.
    func keepOutOfStatus(worktreePath: String, file: String) async throws -> StatusExclusion
    func merge(_ request: MergeRequest) async throws -> MergeOutcome
    func renameBranch(repoPath: String, from oldName: String, to newName: String) async throws
    func moveWorktree(from oldPath: String, to newPath: String, repoPath: String, marker: WorktreeMarker) async throws
    func commitSubjects(repoPath: String, branch: String, base: String) async throws -> [String]
    func fileDiff(worktreePath: String, file: String) async throws -> String
}

/// What `GitDriver.addWorktree` needs.
public struct WorktreeRequest: Sendable, Equatable {
    public var repoPath: String
    public var path: String
    public var branch: String
    /// A branch name, tag or commit the new branch starts from; nil means the repository's HEAD.
    public var base: String?
    public var marker: WorktreeMarker

    public init(repoPath: String, path: String, branch: String, base: String?, marker: WorktreeMarker) {
        self.repoPath = repoPath
        self.path = path
        self.branch = branch
        self.base = base
        self.marker = marker
    }
}

/// Failures of git operations.
public enum GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A libgit2 call failed. `operation` names what csm was doing, `path` where.
    case libgit2(operation: String, path: String, code: Int32, message: String)
    /// The target path exists and is not a csm worktree.
    case pathOccupied(path: String)
    /// `base` does not name a branch, tag or commit.
    case unknownBase(repoPath: String, base: String)
    /// The repository path does not hold a git repository.
    case notARepository(path: String)
    /// The worktree holds untracked git repositories of its own, which an archive commit cannot hold.
    case nestedRepositories(path: String, repositories: [String])
    /// A merge was refused with nothing changed; `reason` says why and what to do, `files` names conflicts.
    case mergeRefused(repoPath: String, reason: String, files: [String])
    /// A driver without this lifecycle operation (an in-memory twin) was asked for it.
    case unsupported(operation: String)

    public var description: String {
        switch self {
        case let .libgit2(operation, path, code, message):
            return "git: \(operation) failed for \(path): \(message) (libgit2 error \(code))"
        case let .pathOccupied(path):
            return "git: \(path) already exists and is not a worktree csm created; move it away or choose another worktreeBase"
        case let .unknownBase(repoPath, base):
            return "git: '\(base)' is not a branch, tag or commit in \(repoPath); fix 'base' or 'baseBranch' in csm.yaml"
        case let .nestedRepositories(path, repositories):
            return "git: \(path) holds git repositories of its own (\(repositories.joined(separator: ", "))) that csm cannot "
                + "archive; move them out of the worktree, then run the destroy again. Nothing was removed."
        case let .notARepository(path):
            return "git: \(path) is not a git repository; fix the repo's 'path' in csm.yaml"
        case let .mergeRefused(repoPath, reason, files):
            let list = files.isEmpty ? "" : " Conflicting files: " + files.joined(separator: ", ") + "."
            return "git: merge in \(repoPath) refused, nothing was changed: \(reason).\(list)"
        case let .unsupported(operation):
            return "git: this driver cannot \(operation) (this is a bug in csm or its test set-up)"
        }
    }
}
