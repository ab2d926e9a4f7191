import CSMModel
import Foundation

/// Windows of a session: observing them (in the same tmux invocation as the sessions), adding missing
/// ones, renaming sessions and running a command line in a window.
extension TmuxCLI {
    /// `list-windows -a` fields, tab-separated, after a literal `window` field that no session line has
    /// in that place (session lines have eight fields, window lines four).
    static let windowFormat = ["window", "#{session_name}", "#{window_name}", "#{pane_dead}"].joined(separator: "\t")

    /// One window line of the observation.
    struct ObservedWindow: Equatable {
        var session: String
        var name: String
        var isPaneDead: Bool
    }

    /// Parses the `list-windows -a -F windowFormat` lines of `output`; other lines are skipped.
    static func parseWindows(_ output: String) -> [ObservedWindow] {
        output.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, fields[0] == "window" else { return nil }
            return ObservedWindow(session: fields[1], name: fields[2], isPaneDead: fields[3] == "1")
        }
    }

    /// Sessions with their window names; the agent runs while the `claude` window's pane is alive (when a
    /// session has no such window, the session line's own answer stands).
    static func attachingWindows(_ windows: [ObservedWindow], to sessions: [ObservedTmuxSession])
        -> [ObservedTmuxSession]
    {
        guard !windows.isEmpty else { return sessions }
        let bySession = Dictionary(grouping: windows, by: \.session)
        return sessions.map { session in
            var session = session
            let own = bySession[session.tmuxName] ?? []
            session.windows = own.map(\.name)
            if let agent = own.first(where: { $0.name == AgentWindows.agent }) {
                session.isAgentRunning = !agent.isPaneDead
            }
            return session
        }
    }

    public func addWindows(_ windows: [TmuxWindow], toSession tmuxName: String, workingDirectory: String) async throws {
        guard !windows.isEmpty else { return }
        let target = "=" + tmuxName
        var args: [String] = []
        for window in windows {
            if !args.isEmpty { args.append(";") }
            args += ["new-window", "-d", "-t", target + ":", "-n", window.name, "-c", workingDirectory]
            args += window.command ?? []
            if window.remainOnExit {
                args += [";", "set-option", "-w", "-t", "\(target):\(window.name)", "remain-on-exit", "on"]
            }
        }
        try Self.checkSeparators(args)
        try await check(args)
    }

    public func renameSession(from oldName: String, to newName: String, options: [String: String]) async throws {
        var args = ["rename-session", "-t", "=" + oldName, newName]
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            args += [";", "set-option", "-t", "=" + newName + ":", key, value]
        }
        try Self.checkSeparators(args)
        try await check(args)
    }

    public func typeLine(_ line: String, inWindow window: String, ofSession tmuxName: String) async throws {
        // `-l` sends the text literally (no key names); Enter is sent on its own.
        let target = "=\(tmuxName):\(window)"
        let args = ["send-keys", "-t", target, "-l", "--", line, ";", "send-keys", "-t", target, "Enter"]
        try Self.checkSeparators(args)
        try await check(args)
    }

    private func check(_ args: [String]) async throws {
        let result = try await runner.run("tmux", baseArguments + args)
        guard result.succeeded else {
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + args, status: result.status, stderr: result.stderrTail)
        }
    }
}
