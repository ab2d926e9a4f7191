import CSMDrivers
import CSMEngine
import CSMModel
import Foundation

/// One session as the dashboard shows it: the `csm list` row plus what the workspace and the worktree add.
public struct SessionItem: Sendable, Equatable {
    /// The row `csm list` shows.
    public var row: SessionRow
    /// The declared repo, nil for sessions no longer declared.
    public var repo: String?
    /// Listed in `favorites:` or marked `favorite: true`.
    public var isFavorite: Bool
    /// The Linear issue key, when declared.
    public var linear: String?
    /// Files changed but not committed, untracked files, and commits not on the base (from the worktree).
    public var uncommitted: Int
    /// Untracked files in the worktree.
    public var untracked: Int
    /// Commits on no other branch.
    public var uniqueCommits: Int
    /// The first prompt, shown in the detail view.
    public var prompt: String?
    /// The agent's last message (from the hook log now; from the server's transcripts later).
    public var lastMessage: String?
    /// What a running `csm server` knows of the agent (status from its hooks, turns, cost); nil without one.
    public var agent: AgentInfo?
    /// The Linear issue's title, when a server read it.
    public var linearTitle: String?
    /// `git diff --shortstat` of the branch against its base (untracked files as added), for local
    /// worktrees once computed; nil shows the counts above instead (remote hosts, not yet computed).
    public var diffStats: DiffStats?

    public init(
        row: SessionRow, repo: String? = nil, isFavorite: Bool = false, linear: String? = nil, uncommitted: Int = 0,
        untracked: Int = 0, uniqueCommits: Int = 0, prompt: String? = nil
    ) {
        self.row = row
        self.repo = repo
        self.isFavorite = isFavorite
        self.linear = linear
        self.uncommitted = uncommitted
        self.untracked = untracked
        self.uniqueCommits = uniqueCommits
        self.prompt = prompt
    }

    /// The session name.
    public var name: String { row.name }
}

/// Everything one observation yields: the workspace as declared, the sessions as observed, and the plan.
public struct WorkspaceSnapshot: Sendable, Equatable {
    /// The workspace as declared when observed.
    public var workspace: Workspace
    /// Every session `csm list` would show.
    public var sessions: [SessionItem]
    /// What `csm apply` would do now.
    public var plan: Plan
    /// Hosts that could not be observed, with the reason.
    public var unreachableHosts: [String: String]
    /// When the observation finished; ages are computed against it so rendering stays pure.
    public var observedAt: Date

    public init(
        workspace: Workspace, sessions: [SessionItem], plan: Plan, unreachableHosts: [String: String] = [:],
        observedAt: Date
    ) {
        self.workspace = workspace
        self.sessions = sessions
        self.plan = plan
        self.unreachableHosts = unreachableHosts
        self.observedAt = observedAt
    }

    /// Builds the snapshot of one observation (pure).
    public static func make(workspace: Workspace, actual: ActualState, plan: Plan, observedAt: Date)
        -> WorkspaceSnapshot
    {
        let rows = SessionList.rows(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual)
        var worktrees: [String: ObservedWorktree] = [:]
        for worktree in actual.worktrees {
            if let marker = worktree.marker, marker.workspace == workspace.name { worktrees[marker.session] = worktree }
        }
        let favorites = Set(workspace.favorites)
        let items = rows.map { row -> SessionItem in
            let spec = row.status == .unmanaged ? nil : workspace.sessions[row.name]
            let worktree = row.status == .unmanaged ? nil : worktrees[row.name]
            return SessionItem(
                row: row, repo: spec?.repo, isFavorite: spec?.favorite == true || favorites.contains(row.name),
                linear: spec?.linear, uncommitted: worktree?.uncommittedCount ?? 0,
                untracked: worktree?.untrackedCount ?? 0,
                uniqueCommits: worktree?.uniqueCommitCount ?? 0, prompt: spec?.prompt)
        }
        return WorkspaceSnapshot(
            workspace: workspace, sessions: items, plan: plan, unreachableHosts: actual.unreachableHosts,
            observedAt: observedAt)
    }
}

/// The agent as `csm server` sees it (GET /api/sessions): hook-derived status, transcript usage. Without a
/// server the dashboard reads the transcript itself: model, turns and cost, with an empty status.
public struct AgentInfo: Sendable, Equatable {
    /// `starting | working | waiting | idle | stopped | missing | unmanaged | blocked`; empty when unknown
    /// (no server), and then the observed status shows.
    public var status: String
    /// Why it is `waiting` (the permission it asks for), or why it stopped.
    public var reason: String?
    /// The model the transcript names.
    public var model: String?
    /// Conversation turns so far.
    public var turns: Int
    /// What the conversation cost so far, in US dollars.
    public var costUSD: Double

    public init(status: String, reason: String? = nil, model: String? = nil, turns: Int = 0, costUSD: Double = 0) {
        self.status = status
        self.reason = reason
        self.model = model
        self.turns = turns
        self.costUSD = costUSD
    }

    /// Waiting for a person (a permission prompt, a tool approval).
    public var isWaiting: Bool { status == "waiting" }
}

/// One line of a session's event log: a hook from the hook log, or an event of the server's stream.
public struct SessionEvent: Sendable, Equatable {
    /// The server's event id (nil for hook-log lines); the stream skips ids already shown.
    public var id: UInt64?
    /// When it happened, when known.
    public var time: Date?
    /// The event type: a hook event name such as `PreToolUse`, or a server event type.
    public var kind: String
    /// A short description (the tool name, the prompt, the last message).
    public var summary: String

    public init(id: UInt64? = nil, time: Date?, kind: String, summary: String) {
        self.id = id
        self.time = time
        self.kind = kind
        self.summary = summary
    }
}

/// A tool request waiting for a person (delivered by the server; none exist without it).
public struct PendingApproval: Sendable, Equatable {
    /// The server's id of the request.
    public var id: String
    /// The session asking.
    public var session: String
    /// The tool (`Bash`, `Edit`, …).
    public var tool: String
    /// The tool input as text (a command, a path).
    public var input: String

    public init(id: String, session: String, tool: String, input: String) {
        self.id = id
        self.session = session
        self.tool = tool
        self.input = input
    }
}

/// What a data source reports. The polling source sends `snapshot`, `sessionEvents` and `failed`; the
/// server's event stream will add `sessionEvent` and the approval cases without changing the reducer's shape.
public enum DataEvent: Sendable, Equatable {
    /// A full observation: declared workspace, observed sessions and the plan.
    case snapshot(WorkspaceSnapshot)
    /// Only the sessions changed (server push).
    case sessionsUpdated([SessionItem], at: Date)
    /// Only the plan changed (server push).
    case planUpdated(Plan)
    /// The recent events of one session, replacing what was shown.
    case sessionEvents(session: String, [SessionEvent])
    /// One new event of a session, appended (server push).
    case sessionEvent(session: String, SessionEvent)
    /// Text the agent wrote (the transcript's assistant records, as the server streams them).
    case assistantText(session: String, String)
    case approvalPending(PendingApproval)
    case approvalResolved(id: String)
    /// Every pending approval the server knows of, replacing the list.
    case approvals([PendingApproval])
    /// The server now feeding the dashboard (`127.0.0.1:3917`), or nil when it observes on its own.
    case server(String?)
    /// Claude usage for the footer's bars; nil when none is available.
    case usage(UsageBars?)
    /// The Tasks tab's Linear issues (or why they could not be read).
    case linear(LinearEvent)
    /// A remote host was probed (every 30 s while the dashboard runs).
    case hostChecked(host: String, HostCheck)
    /// Observation failed; the message says why.
    case failed(String)
    /// Where the data comes from, for the footer ("polling every 5 s", "server 127.0.0.1:3000").
    case connection(String)
}
