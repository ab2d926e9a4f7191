import CSMDrivers
import CSMModel

/// Reads actual state in as few round trips as possible: ONE `tmux list-sessions` per tmux server and
/// the worktree folders through libgit2, in parallel.
public struct Observer: Sendable {
    public var tmux: any TmuxDriver
    public var git: any GitDriver

    public init(tmux: any TmuxDriver, git: any GitDriver) {
        self.tmux = tmux
        self.git = git
    }

    /// The folders that hold this workspace's worktrees on local hosts (`<worktreeBase>/<workspace>`).
    public static func worktreeFolders(of workspace: Workspace) -> [(host: String, folder: String)] {
        var seen = Set<String>()
        var folders: [(String, String)] = []
        for (name, host) in workspace.hosts.sorted(by: { $0.key < $1.key }) where host.isLocal {
            let folder = Paths.join(workspace.worktreeBase(forHost: name), workspace.name)
            if seen.insert(folder).inserted { folders.append((name, folder)) }
        }
        return folders
    }

    /// Observes every local host. SSH hosts are reported unreachable with the reason, so the planner
    /// leaves their sessions alone instead of planning creates or destroys for them.
    public func observe(_ workspace: Workspace) async throws -> ActualState {
        async let sessions = tmux.listSessions()
        var worktrees: [ObservedWorktree] = []
        for (host, folder) in Self.worktreeFolders(of: workspace) {
            worktrees += try await git.observeWorktrees(in: folder, host: host)
        }
        var unreachable: [String: String] = [:]
        for (name, host) in workspace.hosts where !host.isLocal {
            unreachable[name] = "SSH hosts are not managed by this version of csm"
        }
        return ActualState(tmuxSessions: try await sessions, worktrees: worktrees, unreachableHosts: unreachable)
    }

    /// Observes one worktree again (just before a destroy, so work written since the plan is seen).
    public func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        return try await git.observeWorktrees(in: folder, host: host).first { $0.path == path }
    }
}
