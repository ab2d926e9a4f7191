import CSMModel
import Foundation
import Logging

/// Drives the real `tmux` program, on a private server when a socket name is given (`tmux -L NAME`).
///
/// Targets always use tmux's `=` exact-match prefix so `csm-api` can never hit `csm-api2`.
public struct TmuxCLI: TmuxDriver {
    /// The `-L` socket name; nil uses the user's default tmux server.
    public var socketName: String?
    public var host: String
    let runner: any ProcessRunner
    let logger = Logger(label: "csm.tmux")

    /// Fields read by `listSessions`, joined by a tab. `pane_dead` is the active pane of the current
    /// window, which csm keeps on the agent's window.
    static let listFormat = [
        "#{session_name}", "#{session_created}", "#{session_attached}", "#{session_windows}",
        "#{@csm-workspace}", "#{@csm-session}", "#{@csm-spec}", "#{pane_dead}",
    ].joined(separator: "\t")

    public init(socketName: String? = nil, host: String = HostSpec.localName, runner: any ProcessRunner = SpawnProcessRunner()) {
        self.socketName = socketName
        self.host = host
        self.runner = runner
    }

    /// The argv prefix selecting the server (`tmux -L NAME`).
    public var baseArguments: [String] { socketName.map { ["-L", $0] } ?? [] }

    public func listSessions() async throws -> [ObservedTmuxSession] {
        // One invocation, two commands: the sessions, then every window (names and the agent pane's state).
        let result = try await tmux(["list-sessions", "-F", Self.listFormat, ";", "list-windows", "-a", "-F", Self.windowFormat])
        guard result.succeeded else {
            // No server yet is the normal empty state, not an error.
            if Self.isNoServer(result.stderr) { return [] }
            throw TmuxError.commandFailed(argv: ["tmux"] + baseArguments + ["list-sessions"], status: result.status, stderr: result.stderrTail)
        }
        return Self.attachingWindows(Self.parseWindows(result.stdout), to: Self.parseSessions(result.stdout, host: host))
    }

    public func createSession(_ request: TmuxSessionRequest) async throws {
        let args = try Self.creationArguments(request)
        let result = try await tmux(args)
        guard result.succeeded else {
            if result.stderr.contains("duplicate session") { throw TmuxError.sessionExists(name: request.name) }
            throw TmuxError.commandFailed(argv: ["tmux"] + baseArguments + args, status: result.status, stderr: result.stderrTail)
        }
        logger.debug("created tmux session", metadata: ["session": "\(request.name)"])
    }

    /// The tmux commands (separated by `;`) that create `request`'s session, windows and options.
    static func creationArguments(_ request: TmuxSessionRequest) throws -> [String] {
        guard let first = request.windows.first else { throw TmuxError.noWindows(session: request.name) }
        let target = "=" + request.name
        var args = ["new-session", "-d", "-s", request.name, "-c", request.workingDirectory, "-n", first.name]
        for (key, value) in request.environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
        args += first.command ?? []
        // All commands run in one server pass, before tmux reaps a fast-exiting child, so remain-on-exit
        // is in place even for an agent that dies at once.
        if first.remainOnExit { args += [";", "set-option", "-w", "-t", "\(target):\(first.name)", "remain-on-exit", "on"] }
        for (key, value) in request.options.sorted(by: { $0.key < $1.key }) {
            args += [";", "set-option", "-t", target + ":", key, value]
        }
        for window in request.windows.dropFirst() {
            args += [";", "new-window", "-d", "-t", target + ":", "-n", window.name, "-c", request.workingDirectory]
            args += window.command ?? []
            if window.remainOnExit { args += [";", "set-option", "-w", "-t", "\(target):\(window.name)", "remain-on-exit", "on"] }
        }
        try checkSeparators(args)
        return args
    }

    public func killSession(named tmuxName: String) async throws {
        let result = try await tmux(["kill-session", "-t", "=" + tmuxName])
        guard result.succeeded else {
            let err = result.stderr
            if Self.isNoServer(err) || err.contains("can't find session") || err.contains("session not found") { return }
            throw TmuxError.commandFailed(argv: ["tmux"] + baseArguments + ["kill-session", "-t", "=" + tmuxName], status: result.status, stderr: result.stderrTail)
        }
    }

    /// The argv that attaches a terminal to `tmuxName` (or switches the client when already inside tmux).
    public func attachArguments(tmuxName: String, window: String? = nil, insideTmux: Bool) -> [String] {
        let target = "=" + tmuxName + (window.map { ":" + $0 } ?? "")
        return baseArguments + (insideTmux ? ["switch-client", "-t", target] : ["attach-session", "-t", target])
    }

    func tmux(_ args: [String]) async throws -> ProcessResult {
        try await runner.run("tmux", baseArguments + args)
    }

    static func isNoServer(_ stderr: String) -> Bool {
        stderr.contains("no server running") || stderr.contains("error connecting to") || stderr.contains("No such file or directory")
    }

    /// tmux splits commands at any argument ending in `;`. Every value csm passes is a validated name,
    /// a path it built, or a generated script path, so such an argument is a bug, not user input.
    static func checkSeparators(_ args: [String]) throws {
        for arg in args where arg != ";" && arg.hasSuffix(";") {
            throw TmuxError.unsafeArgument(arg)
        }
    }

    /// Parses `list-sessions` output in `listFormat`; lines that do not fit are skipped.
    static func parseSessions(_ output: String, host: String) -> [ObservedTmuxSession] {
        output.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 8 else { return nil }
            func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
            return ObservedTmuxSession(
                host: host, tmuxName: fields[0], workspace: nonEmpty(fields[4]), session: nonEmpty(fields[5]),
                specHash: nonEmpty(fields[6]), createdAt: TimeInterval(fields[1]).map(Date.init(timeIntervalSince1970:)),
                isAttached: (Int(fields[2]) ?? 0) > 0, windowCount: Int(fields[3]) ?? 0, isAgentRunning: fields[7] != "1"
            )
        }
    }
}

/// Failures of tmux operations.
public enum TmuxError: Error, Sendable, Equatable, CustomStringConvertible {
    case commandFailed(argv: [String], status: Int32, stderr: String)
    case sessionExists(name: String)
    case noWindows(session: String)
    case unsafeArgument(String)
    /// A driver without this lifecycle operation (an in-memory twin) was asked for it.
    case unsupported(operation: String)
    /// The session or window to paste into does not exist.
    case noSuchSession(name: String)

    public var description: String {
        switch self {
        case let .commandFailed(argv, status, stderr):
            return "tmux: '\(argv.joined(separator: " "))' exited with status \(status): \(stderr)"
        case let .sessionExists(name):
            return "tmux: a session named \(name) already exists; kill it or rename the csm session"
        case let .noWindows(session):
            return "tmux: session \(session) was requested without windows (this is a bug in csm)"
        case let .noSuchSession(name):
            return "tmux: no session or window \(name); run 'csm apply' to start it"
        case let .unsafeArgument(arg):
            return "tmux: refusing argument '\(arg)' that tmux would split at ';' (this is a bug in csm)"
        case let .unsupported(operation):
            return "tmux: this driver cannot \(operation) (this is a bug in csm or its test set-up)"
        }
    }
}
