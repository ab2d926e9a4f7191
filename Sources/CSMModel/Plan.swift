/// The kinds of action a plan holds (DESIGN.md §3).
public enum ActionKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// Worktree + branch + tmux session + agent.
    case create
    /// Worktree present, tmux session gone: start the agent again with `--continue`.
    case start
    /// The spec changed or the agent exited: start the agent again in a fresh tmux session.
    case restart
    /// tmux session present, worktree gone: re-create the worktree from its branch and restart.
    case repair
    /// Owned but no longer declared.
    case destroy
    /// An action refused for safety; `PlannedAction.reason` says why.
    case blocked

    /// The Terraform-style symbol shown in front of the action.
    public var symbol: String {
        switch self {
        case .create: "+"
        case .start: "~"
        case .restart, .repair: "-/+"
        case .destroy: "-"
        case .blocked: "!"
        }
    }
}

/// One step of a plan, about one session.
public struct PlannedAction: Sendable, Equatable, Codable {
    public var kind: ActionKind
    public var session: String
    public var host: String
    /// Why this action is planned (or, for `blocked`, why it is refused and what to do).
    public var reason: String
    /// For `blocked`: the action that was refused.
    public var refused: ActionKind?
    /// The declared session, for every action but `destroy`.
    public var desired: DesiredSession?
    /// The worktree this action touches, when one exists.
    public var worktree: ObservedWorktree?
    /// Whether a tmux session is to be killed first (restart, repair, destroy).
    public var killsTmux: Bool
    /// For `destroy`: store the work under `refs/csm/archive/...` before removing (`--force`).
    public var archivesWork: Bool
    /// For `destroy`: delete the branch too (`--delete-branch`).
    public var deletesBranch: Bool
    /// For `start` of a running session: the windows to add back (the agent keeps running).
    public var restoresWindows: [String] = []

    public init(
        kind: ActionKind, session: String, host: String, reason: String, refused: ActionKind? = nil,
        desired: DesiredSession? = nil, worktree: ObservedWorktree? = nil, killsTmux: Bool = false,
        archivesWork: Bool = false, deletesBranch: Bool = false
    ) {
        self.kind = kind
        self.session = session
        self.host = host
        self.reason = reason
        self.refused = refused
        self.desired = desired
        self.worktree = worktree
        self.killsTmux = killsTmux
        self.archivesWork = archivesWork
        self.deletesBranch = deletesBranch
    }
}

/// The difference between desired and actual state, as an ordered list of actions.
public struct Plan: Sendable, Equatable, Codable {
    public var workspace: String
    public var actions: [PlannedAction]

    public init(workspace: String, actions: [PlannedAction]) {
        self.workspace = workspace
        self.actions = actions
    }

    /// Sessions to be created.
    public var toAdd: Int { actions.count { $0.kind == .create } }
    /// Sessions started, restarted or repaired.
    public var toChange: Int { actions.count { [.start, .restart, .repair].contains($0.kind) } }
    public var toDestroy: Int { actions.count { $0.kind == .destroy } }
    public var blockedCount: Int { actions.count { $0.kind == .blocked } }
    /// Whether applying would change anything, or something differs but is blocked.
    public var hasChanges: Bool { !actions.isEmpty }

    /// The plan without the actions outside `targets` (nil keeps everything).
    public func limited(to targets: Set<String>?) -> Plan {
        guard let targets, !targets.isEmpty else { return self }
        return Plan(workspace: workspace, actions: actions.filter { targets.contains($0.session) })
    }
}
