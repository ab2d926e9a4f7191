import CLibGit2
import CSMModel
import Foundation
import Logging

/// The real `GitDriver`: worktrees, markers and archives through libgit2, in-process, with no `git`
/// subprocess.
///
/// Every call opens the repositories it needs, does its work synchronously and frees every libgit2
/// handle before it returns. No handle is shared between calls or threads (libgit2 objects are not
/// thread-safe per repository), so the struct holds only a logger and is `Sendable` without caveats;
/// concurrent calls for different worktrees are independent. The blocking work runs on GCD threads
/// (`runOffPool`), never on Swift's cooperative pool.
public struct LibGit2Driver: GitDriver {
    let logger: Logger

    /// Creates the driver; `logger` receives warnings about worktrees that could not be inspected.
    public init(logger: Logger = Logger(label: "csm.git")) {
        self.logger = logger
    }

    /// See `GitDriver.observeWorktrees(in:host:)`. A folder that cannot be inspected (its repository
    /// is gone or damaged) is reported with a nil marker and a logged warning, so the planner treats it
    /// as not owned and never destroys it. Throws only when `folder` exists but cannot be listed.
    public func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree] {
        try await runOffPool {
            LibGit2.initialize()
            return try observeWorktreesNow(in: folder, host: host)
        }
    }

    /// See `GitDriver.observeWorktreesUncounted(in:host:)`: reads each marker, HEAD and setup stamp,
    /// never the working folder's status.
    public func observeWorktreesUncounted(in folder: String, host: String) async throws -> [ObservedWorktree] {
        // No libgit2 call at all: its initialisation alone (TLS certificates) costs milliseconds.
        try await runOffPool { try observeWorktreesNow(in: folder, host: host, counting: false) }
    }

    /// See `GitDriver.observeWorktree(at:host:)`: inspects that one folder only.
    public func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        try await runOffPool {
            LibGit2.initialize()
            guard LibGit2.isDirectory(path) else { return nil }
            return observeWorktree(at: path, host: host, counting: true)
        }
    }

    /// See `GitDriver.addWorktree(_:)`. Also prunes a stale registration of the same worktree name
    /// whose folder was deleted by hand (csm's repair), and refuses a branch checked out elsewhere with
    /// an error naming that worktree.
    public func addWorktree(_ request: WorktreeRequest) async throws {
        try await runOffPool {
            LibGit2.initialize()
            try RepositoryLocks.withLock(request.repoPath) { try addWorktreeNow(request) }
        }
    }

    /// See `GitDriver.archiveWork(worktreePath:session:at:)`. The archive commit's parent is the
    /// worktree's HEAD (none when unborn); the worktree, its index file and HEAD are not written.
    public func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String {
        try await runOffPool {
            LibGit2.initialize()
            return try archiveWorkNow(worktreePath: worktreePath, session: session, at: date)
        }
    }

    /// See `GitDriver.removeWorktree(worktreePath:repoPath:deleteBranch:)`. Only a worktree registered
    /// in `repoPath` is removed; any other path is an error and is left alone. A missing branch to
    /// delete is not an error.
    public func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws {
        try await runOffPool {
            LibGit2.initialize()
            try RepositoryLocks.withLock(repoPath) {
                try removeWorktreeNow(worktreePath: worktreePath, repoPath: repoPath, deleteBranch: deleteBranch)
            }
        }
    }
}
