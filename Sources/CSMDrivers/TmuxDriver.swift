import CSMModel

/// Everything csm does to tmux. The real implementation is `TmuxCLI` (the `tmux` program on a chosen
/// socket); tests of the engine use an in-memory twin.
public protocol TmuxDriver: Sendable {
    /// Every session on the server with csm's user options, in ONE `tmux list-sessions` call.
    /// No running server yields an empty list.
    func listSessions() async throws -> [ObservedTmuxSession]

    /// Creates a detached session with its windows and `@csm-*` options in one tmux invocation.
    func createSession(_ request: TmuxSessionRequest) async throws

    /// Creates several sessions, in as few tmux invocations as the driver can, and returns each one's
    /// error (nil: created), in order. Default (TmuxDriver+Batch.swift): `createSession` one by one.
    func createSessions(_ requests: [TmuxSessionRequest]) async -> [(any Error)?]

    /// Kills a session; a session that is already gone is not an error.
    func killSession(named tmuxName: String) async throws

    // Lifecycle operations; documented (with default implementations) in TmuxDriver+Lifecycle.swift.
    func addWindows(_ windows: [TmuxWindow], toSession tmuxName: String, workingDirectory: String) async throws
    func renameSession(from oldName: String, to newName: String, options: [String: String]) async throws
    func typeLine(_ line: String, inWindow window: String, ofSession tmuxName: String) async throws

    /// Types `text` into a window as one bracketed paste followed by Enter, so a multi-line message
    /// arrives whole and is submitted once. No shell is involved: the text goes to tmux on stdin.
    func paste(_ text: String, session tmuxName: String, window: String) async throws

    /// The visible text of a window (to recognise prompts no hook reports).
    func capturePane(session tmuxName: String, window: String) async throws -> String

    /// The visible text of one window of each of `sessions`, by tmux session name; a session that cannot
    /// be read is left out. A default reads them one by one; `TmuxCLI` reads them in one invocation.
    func capturePanes(sessions: [String], window: String) async -> [String: String]

    /// Kills the program running in a window and starts `command` there instead, keeping the session,
    /// its other windows and anyone attached (`respawn-pane -k`).
    func respawnWindow(session tmuxName: String, window: String, command: [String]) async throws
}

/// A tmux session to create.
public struct TmuxSessionRequest: Sendable, Equatable {
    public var name: String
    public var workingDirectory: String
    /// The first window is selected; each runs its command (nil: the user's shell).
    public var windows: [TmuxWindow]
    /// Session environment, given to every window's process (`new-session -e`).
    public var environment: [String: String]
    /// User options set on the session, e.g. `@csm-workspace`.
    public var options: [String: String]

    public init(name: String, workingDirectory: String, windows: [TmuxWindow], environment: [String: String], options: [String: String]) {
        self.name = name
        self.workingDirectory = workingDirectory
        self.windows = windows
        self.environment = environment
        self.options = options
    }
}

/// A window of a tmux session.
public struct TmuxWindow: Sendable, Equatable {
    public var name: String
    /// argv of the program the window runs; nil runs the default shell.
    public var command: [String]?
    /// Keep the pane after the program exits, so csm can tell "agent exited" from "session gone".
    public var remainOnExit: Bool

    public init(name: String, command: [String]?, remainOnExit: Bool = false) {
        self.name = name
        self.command = command
        self.remainOnExit = remainOnExit
    }
}

extension TmuxDriver {
    public func capturePanes(sessions: [String], window: String) async -> [String: String] {
        await capturePanesOneByOne(sessions: sessions, window: window)
    }

    /// `capturePane` for each session in turn.
    public func capturePanesOneByOne(sessions: [String], window: String) async -> [String: String] {
        var texts: [String: String] = [:]
        for session in sessions {
            if let text = try? await capturePane(session: session, window: window) { texts[session] = text }
        }
        return texts
    }
}
