import CSMDrivers
import CSMModel

/// Reads actual state in as few round trips as possible: ONE `tmux list-sessions` per tmux server and
/// the worktree folders through libgit2, in parallel.
public struct Observer: Sendable {
    public var tmux: any TmuxDriver
    public var git: any GitDriver
    /// SSH hosts (Observer+Remote.swift); nil reports every SSH host unreachable.
    public var remote: RemoteHosts?

    public init(tmux: any TmuxDriver, git: any GitDriver, remote: RemoteHosts? = nil) {
        self.tmux = tmux
        self.git = git
        self.remote = remote
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

    /// Observes every host: the local one directly, each SSH host in one ssh round trip (in parallel).
    /// A host that cannot be observed is reported unreachable with the reason, so the planner leaves its
    /// sessions alone instead of planning creates or destroys for them.
    public func observe(_ workspace: Workspace) async throws -> ActualState {
        async let remoteState = observeRemoteHosts(workspace)
        async let sessions = tmux.listSessions()
        var worktrees: [ObservedWorktree] = []
        for (host, folder) in Self.worktreeFolders(of: workspace) {
            worktrees += try await git.observeWorktrees(in: folder, host: host)
        }
        let remote = await remoteState
        return ActualState(tmuxSessions: try await sessions + remote.sessions, worktrees: worktrees + remote.worktrees,
                           unreachableHosts: remote.unreachable)
    }

    /// Observes one worktree again (just before a destroy, so work written since the plan is seen).
    public func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        return try await gitDriver(forHost: host).observeWorktrees(in: folder, host: host).first { $0.path == path }
    }
}
