import CSMDrivers
import CSMModel

/// How much of each worktree's work (uncommitted, untracked, unique commits) an observation counts.
/// Counting scans the whole working folder, so it is done only where someone reads the counts.
public enum WorkCounting: Sendable, Equatable {
    /// Every worktree (the TUI shows the counts; lifecycle commands check them).
    case all
    /// Only the worktrees a plan may destroy: owned by the workspace and no longer declared (the
    /// nothing-lost rule reads their counts; other actions never do).
    case destroyCandidates
    /// None (`csm list` and the API's session list show no counts).
    case none
}

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
    /// leaves their sessions alone instead of planning creates or destroys for them. Worktrees whose work
    /// is not counted (see `counting`) say so with `workCounted == false`.
    public func observe(_ workspace: Workspace, counting: WorkCounting = .all) async throws -> ActualState {
        async let sessions = tmux.listSessions()
        var worktrees: [ObservedWorktree] = []
        for (host, folder) in Self.worktreeFolders(of: workspace) {
            worktrees += counting == .all
                ? try await git.observeWorktrees(in: folder, host: host)
                : try await git.observeWorktreesUncounted(in: folder, host: host)
        }
        if counting == .destroyCandidates {
            worktrees = try await countingDestroyCandidates(worktrees, of: workspace)
        }
        var unreachable: [String: String] = [:]
        for (name, host) in workspace.hosts where !host.isLocal {
            unreachable[name] = "SSH hosts are not managed by this version of csm"
        }
        return ActualState(tmuxSessions: try await sessions, worktrees: worktrees, unreachableHosts: unreachable)
    }

    /// Observes one worktree again (just before a destroy, so work written since the plan is seen).
    public func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        try await git.observeWorktree(at: path, host: host)
    }

    /// `worktrees` with the work of those owned by `workspace` but no longer declared counted. One that
    /// vanished meanwhile stays uncounted, which the planner treats as holding work.
    func countingDestroyCandidates(_ worktrees: [ObservedWorktree], of workspace: Workspace) async throws
        -> [ObservedWorktree]
    {
        var result = worktrees
        for index in result.indices where !result[index].workCounted {
            guard let marker = result[index].marker, marker.workspace == workspace.name,
                workspace.sessions[marker.session] == nil
            else { continue }
            if let counted = try await git.observeWorktree(at: result[index].path, host: result[index].host) {
                result[index] = counted
            }
        }
        return result
    }
}
