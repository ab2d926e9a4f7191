import CSMDrivers
import CSMModel
import Foundation

/// Why a reconnect could not start.
public enum ReconnectError: Error, Sendable, Equatable, CustomStringConvertible {
    case undeclared(session: String, known: [String])
    case notRunning(session: String)

    public var description: String {
        switch self {
        case let .undeclared(session, known):
            return "no session named '\(session)' in csm.yaml"
                + (known.isEmpty ? "." : "; declared: \(known.joined(separator: ", ")).")
        case let .notRunning(session):
            return "session '\(session)' has no tmux session of this workspace; run 'csm apply' to start it"
        }
    }
}

extension Engine {
    /// Restarts a session's agent in its existing tmux session with `--continue` (a new conversation with
    /// the marker's id when the worktree has none), without touching the worktree, the terminal window or
    /// attached clients. The launch files are written again first, so current settings apply.
    public func reconnect(_ workspace: Workspace, session name: String) async throws {
        let declared = workspace.resolvedSessions()
        guard let session = declared.first(where: { $0.name == name }) else {
            throw ReconnectError.undeclared(session: name, known: declared.map(\.name))
        }
        let actual = try await observer.observe(workspace, counting: .none)
        guard actual.tmuxSessions.contains(where: { $0.isOwned(by: workspace.name) && $0.session == name }) else {
            throw ReconnectError.notRunning(session: name)
        }
        let marker = actual.worktrees.first { $0.marker?.workspace == workspace.name && $0.marker?.session == name }?
            .marker
        let request = try applier.launch.prepare(
            session, mode: .resume(fallbackSessionID: marker?.agentSessionID ?? applier.makeSessionID()))
        guard let agentWindow = request.windows.first, let command = agentWindow.command else { return }
        try await applier.tmux.respawnWindow(session: session.tmuxName, window: agentWindow.name, command: command)
    }
}
