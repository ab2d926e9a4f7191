import CSMEngine
import CSMModel
import Foundation

/// A session as `GET /api/sessions` shows it.
///
/// `status` is `starting | working | waiting | idle | stopped | missing | unmanaged`. Until agent
/// events exist (the agent integration), it is derived from tmux alone: a running agent is `starting`
/// for its first 10 seconds and `idle` after; an exited agent is `stopped`; a declared session without
/// tmux, or on a host that cannot be observed, is `missing`; a `csm-*` session of no workspace is
/// `unmanaged`. Owned sessions that are no longer declared keep their live status with `declared: false`.
struct SessionView: Codable, Equatable, Sendable {
    var name: String
    var repo: String?
    var host: String
    var branch: String?
    var worktree: String?
    var status: String
    var declared: Bool
    var tmuxSession: String?
    var attached: Bool
    var model: String?
    var turnCount: Int
    var costUSD: Double
    var pendingApprovals: [JSONValue]
    /// Why the agent is `waiting` (the permission it asks for), or why it stopped.
    var statusReason: String?
    /// Tokens of the conversation so far (input, output, cache creation, cache read).
    var tokens: TokenCounts?
    var favorite: Bool
    var linear: String?
    /// The linked Linear issue's title, from the integration's cache (nil when unknown).
    var linearTitle: String?
    var createdAt: Date?
    var lastActivity: Date?
    /// The newest prompt or assistant text from the transcript (cut at 300 characters), for lists and search.
    var lastMessage: String?
    /// The reconciler's failures in a row for this session, while it backs off.
    var failure: SessionFailure?

    static let startingSeconds: TimeInterval = 10

    init(row: SessionRow, desired: DesiredSession?, failure: SessionFailure?, lastEvent: Date?, now: Date = Date()) {
        name = row.name
        repo = desired?.repo
        host = row.host
        branch = row.branch
        worktree = row.worktree
        declared = desired != nil
        tmuxSession = row.tmuxSession
        attached = row.attached
        model = desired?.model
        turnCount = 0
        costUSD = 0
        pendingApprovals = []
        favorite = desired?.favorite ?? false
        linear = desired?.linear
        createdAt = row.createdAt
        lastActivity = [lastEvent, row.createdAt].compactMap { $0 }.max()
        self.failure = failure
        switch row.status {
        case .running, .orphaned:
            if row.tmuxSession == nil {
                status = "missing"
            } else if let created = row.createdAt, now.timeIntervalSince(created) < Self.startingSeconds {
                status = "starting"
            } else {
                status = "idle"
            }
        case .stopped: status = "stopped"
        case .missing, .unreachable: status = "missing"
        case .unmanaged: status = "unmanaged"
        // A failed setup: the agent was never started (docs/lifecycle.md).
        case .blocked: status = "blocked"
        }
    }

    /// Whether the agent's tmux session exists and its agent pane is alive.
    var isAgentRunning: Bool { ["starting", "idle", "working", "waiting"].contains(status) }
}

/// Token counts as the API shows them.
struct TokenCounts: Codable, Equatable, Sendable {
    var input: Int
    var output: Int
    var cacheCreation: Int
    var cacheRead: Int
}
