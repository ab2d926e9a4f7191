import CSMModel
import Foundation

/// The state of one session as `csm list` shows it.
public enum SessionStatus: String, Sendable, Codable, Equatable {
    /// Owned tmux session with the agent running.
    case running
    /// Owned tmux session whose agent exited.
    case stopped
    /// Declared, but no tmux session runs it.
    case missing
    /// Owned by this workspace but no longer declared: `csm apply` destroys it.
    case orphaned
    /// A `csm-*` tmux session this workspace does not own; csm never touches it.
    case unmanaged
    /// On a host that could not be observed.
    case unreachable
    /// Declared, its worktree is there, but its setup failed, so the agent is not started.
    case blocked
}

/// One row of `csm list`.
public struct SessionRow: Sendable, Codable, Equatable {
    public var name: String
    public var status: SessionStatus
    public var host: String
    public var branch: String?
    public var worktree: String?
    public var tmuxSession: String?
    public var createdAt: Date?
    public var attached: Bool
    /// For `blocked`: the failed setup's exit status, log path and last lines.
    public var setupFailure: SetupStamp?

    public init(name: String, status: SessionStatus, host: String, branch: String?, worktree: String?, tmuxSession: String?, createdAt: Date?, attached: Bool) {
        self.name = name
        self.status = status
        self.host = host
        self.branch = branch
        self.worktree = worktree
        self.tmuxSession = tmuxSession
        self.createdAt = createdAt
        self.attached = attached
    }
}

/// Builds `csm list` rows from desired and actual state. Pure.
public enum SessionList {
    public static func rows(workspace: String, desired: [DesiredSession], actual: ActualState) -> [SessionRow] {
        var tmuxByName: [String: ObservedTmuxSession] = [:]
        var unmanaged: [ObservedTmuxSession] = []
        for tmux in actual.tmuxSessions {
            if tmux.isOwned(by: workspace), let name = tmux.session {
                tmuxByName[name] = tmux
            } else if CSMName.sessionName(fromTmux: tmux.tmuxName) != nil {
                unmanaged.append(tmux)
            }
        }
        var worktreeByName: [String: ObservedWorktree] = [:]
        for worktree in actual.worktrees {
            if let marker = worktree.marker, marker.workspace == workspace { worktreeByName[marker.session] = worktree }
        }
        func liveStatus(_ tmux: ObservedTmuxSession) -> SessionStatus { tmux.isAgentRunning ? .running : .stopped }

        var rows: [SessionRow] = []
        for session in desired {
            let tmux = tmuxByName[session.name]
            let worktree = worktreeByName[session.name]
            var status: SessionStatus = actual.unreachableHosts[session.host] != nil ? .unreachable : (tmux.map(liveStatus) ?? .missing)
            let failure = tmux == nil ? worktree?.failedSetup(for: session) : nil
            if status == .missing, failure != nil { status = .blocked }
            var row = SessionRow(
                name: session.name, status: status, host: session.host, branch: worktree?.branch ?? session.branch,
                worktree: worktree?.path ?? session.worktreePath, tmuxSession: tmux?.tmuxName,
                createdAt: worktree?.marker?.createdAt ?? tmux?.createdAt, attached: tmux?.isAttached ?? false)
            row.setupFailure = failure
            rows.append(row)
        }
        let declared = Set(desired.map(\.name))
        for name in Set(tmuxByName.keys).union(worktreeByName.keys).subtracting(declared) {
            let tmux = tmuxByName[name]
            let worktree = worktreeByName[name]
            rows.append(SessionRow(
                name: name, status: .orphaned, host: worktree?.host ?? tmux?.host ?? HostSpec.localName, branch: worktree?.branch,
                worktree: worktree?.path, tmuxSession: tmux?.tmuxName, createdAt: worktree?.marker?.createdAt ?? tmux?.createdAt,
                attached: tmux?.isAttached ?? false))
        }
        for tmux in unmanaged {
            rows.append(SessionRow(
                name: CSMName.sessionName(fromTmux: tmux.tmuxName) ?? tmux.tmuxName, status: .unmanaged, host: tmux.host,
                branch: nil, worktree: nil, tmuxSession: tmux.tmuxName, createdAt: tmux.createdAt, attached: tmux.isAttached))
        }
        return rows.sorted { ($0.name, $0.status.rawValue) < ($1.name, $1.status.rawValue) }
    }
}
