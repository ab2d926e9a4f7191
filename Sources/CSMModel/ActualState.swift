import Foundation

/// What csm found running, read fresh on every plan (the tags and markers ARE the state).
public struct ActualState: Sendable, Equatable, Codable {
    /// Every tmux session whose name starts with `csm-`, owned or not.
    public var tmuxSessions: [ObservedTmuxSession]
    /// Every csm worktree found under the workspace's worktree folders, plus any path a declared
    /// session would use that is occupied by something else.
    public var worktrees: [ObservedWorktree]
    /// Hosts that could not be observed; their sessions are left alone by the planner.
    public var unreachableHosts: [String: String]

    public init(tmuxSessions: [ObservedTmuxSession] = [], worktrees: [ObservedWorktree] = [], unreachableHosts: [String: String] = [:]) {
        self.tmuxSessions = tmuxSessions
        self.worktrees = worktrees
        self.unreachableHosts = unreachableHosts
    }
}

/// One tmux session as `tmux list-sessions -F` reported it.
public struct ObservedTmuxSession: Sendable, Equatable, Codable {
    public var host: String
    /// The tmux name (`csm-<session>`).
    public var tmuxName: String
    /// `@csm-workspace`; nil when the session carries no csm tags.
    public var workspace: String?
    /// `@csm-session`.
    public var session: String?
    /// `@csm-spec`.
    public var specHash: String?
    public var createdAt: Date?
    public var isAttached: Bool
    public var windowCount: Int
    /// False when the agent's pane is dead (the agent exited and tmux kept the pane).
    public var isAgentRunning: Bool
    /// The names of the session's windows (`claude`, `terminal`); nil when the observation could not tell.
    public var windows: [String]?

    public init(
        host: String = HostSpec.localName, tmuxName: String, workspace: String? = nil, session: String? = nil,
        specHash: String? = nil, createdAt: Date? = nil, isAttached: Bool = false, windowCount: Int = 1,
        isAgentRunning: Bool = true, windows: [String]? = nil
    ) {
        self.windows = windows
        self.host = host
        self.tmuxName = tmuxName
        self.workspace = workspace
        self.session = session
        self.specHash = specHash
        self.createdAt = createdAt
        self.isAttached = isAttached
        self.windowCount = windowCount
        self.isAgentRunning = isAgentRunning
    }

    /// Whether this tmux session belongs to `workspace`.
    public func isOwned(by workspace: String) -> Bool { self.workspace == workspace && session != nil }
}

/// What csm records in a worktree's git directory to prove it created the worktree.
public struct WorktreeMarker: Sendable, Equatable, Codable {
    public var workspace: String
    public var session: String
    public var repoPath: String
    public var branch: String
    /// The `--session-id` the agent was first started with.
    public var agentSessionID: String
    public var createdAt: Date

    public init(workspace: String, session: String, repoPath: String, branch: String, agentSessionID: String, createdAt: Date) {
        self.workspace = workspace
        self.session = session
        self.repoPath = repoPath
        self.branch = branch
        self.agentSessionID = agentSessionID
        self.createdAt = createdAt
    }
}

/// A worktree (or an occupied worktree path) as observed through git.
public struct ObservedWorktree: Sendable, Equatable, Codable {
    public var host: String
    public var path: String
    /// csm's ownership record; nil when the path holds something csm did not create.
    public var marker: WorktreeMarker?
    /// The branch checked out, nil when detached.
    public var branch: String?
    /// Modified, staged or deleted tracked files.
    public var uncommittedCount: Int
    /// Untracked files that are not ignored.
    public var untrackedCount: Int
    /// Commits reachable from the worktree's HEAD and from no other branch, tag or remote ref.
    public var uniqueCommitCount: Int
    /// The last setup run recorded in the worktree's git directory; nil when none ran.
    public var setup: SetupStamp?
    /// Whether the three counts were measured. False when the observer skipped them (a plan reads them
    /// only for worktrees it might destroy, a list never): then the counts are 0 and say nothing.
    public var workCounted: Bool = true

    public init(
        host: String = HostSpec.localName, path: String, marker: WorktreeMarker?, branch: String? = nil,
        uncommittedCount: Int = 0, untrackedCount: Int = 0, uniqueCommitCount: Int = 0, setup: SetupStamp? = nil
    ) {
        self.setup = setup
        self.host = host
        self.path = path
        self.marker = marker
        self.branch = branch
        self.uncommittedCount = uncommittedCount
        self.untrackedCount = untrackedCount
        self.uniqueCommitCount = uniqueCommitCount
    }

    /// Whether removing this worktree would lose work that exists nowhere else (assumed when the work
    /// was not counted).
    public var holdsWork: Bool { !workCounted || uncommittedCount > 0 || untrackedCount > 0 || uniqueCommitCount > 0 }

    /// Why removing it would lose work, in words, or nil.
    public var workDescription: String? {
        guard workCounted else { return "work not inspected" }
        var parts: [String] = []
        if uncommittedCount > 0 { parts.append("\(uncommittedCount) uncommitted change\(uncommittedCount == 1 ? "" : "s")") }
        if untrackedCount > 0 { parts.append("\(untrackedCount) untracked file\(untrackedCount == 1 ? "" : "s")") }
        if uniqueCommitCount > 0 {
            parts.append("\(uniqueCommitCount) commit\(uniqueCommitCount == 1 ? "" : "s") on no other branch")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
