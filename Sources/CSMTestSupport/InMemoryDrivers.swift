import CSMDrivers
import CSMModel
import Foundation
import Synchronization

/// A tmux server in memory: sessions created through the driver appear in `listSessions`. Sessions
/// named in `failingSessions` fail to start, to exercise error paths.
public final class InMemoryTmux: TmuxDriver {
    private let state = Mutex<(sessions: [ObservedTmuxSession], failing: Set<String>, created: [String])>(([], [], []))

    public init() {}

    public func listSessions() async throws -> [ObservedTmuxSession] { state.withLock { $0.sessions } }

    public func createSession(_ request: TmuxSessionRequest) async throws {
        try state.withLock { state in
            if state.failing.contains(request.name) {
                throw TmuxError.commandFailed(
                    argv: ["tmux", "new-session", request.name], status: 1, stderr: "simulated failure")
            }
            guard !state.sessions.contains(where: { $0.tmuxName == request.name }) else {
                throw TmuxError.sessionExists(name: request.name)
            }
            state.created.append(request.name)
            state.sessions.append(
                ObservedTmuxSession(
                    tmuxName: request.name, workspace: request.options["@csm-workspace"],
                    session: request.options["@csm-session"], specHash: request.options["@csm-spec"]))
        }
    }

    public func killSession(named tmuxName: String) async throws {
        state.withLock { $0.sessions.removeAll { $0.tmuxName == tmuxName } }
    }

    /// Makes creating `tmuxName` fail (true) or work again (false).
    public func setFailing(_ tmuxName: String, _ failing: Bool) {
        state.withLock { if failing { $0.failing.insert(tmuxName) } else { $0.failing.remove(tmuxName) } }
    }

    /// Every tmux session name created so far, in order.
    public var created: [String] { state.withLock { $0.created } }
}

/// Worktrees in memory: `addWorktree` records a clean worktree with its marker.
public final class InMemoryGit: GitDriver {
    private let worktrees = Mutex<[ObservedWorktree]>([])

    public init() {}

    public func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree] {
        worktrees.withLock { $0.filter { $0.path.hasPrefix(folder + "/") } }
    }

    public func addWorktree(_ request: WorktreeRequest) async throws {
        worktrees.withLock {
            $0.removeAll { $0.path == request.path }
            $0.append(ObservedWorktree(path: request.path, marker: request.marker, branch: request.branch))
        }
    }

    public func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String {
        "refs/csm/archive/\(session)/test"
    }

    public func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws {
        worktrees.withLock { $0.removeAll { $0.path == worktreePath } }
    }
}
