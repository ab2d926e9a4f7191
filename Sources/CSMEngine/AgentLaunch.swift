import CSMAgent
import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation

/// How the agent is started this time.
public enum LaunchMode: Sendable, Equatable {
    /// A brand-new conversation with this id (`--session-id`), given the declared first prompt.
    case new(sessionID: String)
    /// Continue the worktree's last conversation (`--continue`). Claude Code exits at once when the
    /// worktree has no conversation yet, so `prepare` then starts a new one with `fallbackSessionID` (the
    /// id in the worktree's marker) and the declared prompt.
    case resume(fallbackSessionID: String)
}

/// Writes a session's generated files (Claude Code settings with csm's hooks, launch scripts) and
/// describes its tmux session. Scripts carry the command line and environment so that neither passes
/// through tmux's own command parser, and secrets never appear in a pane.
public struct AgentLaunch: Sendable {
    /// The Claude Code hook events csm registers (DESIGN.md §4).
    public static let hookEvents = [
        "SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Notification",
        "Stop", "SubagentStop", "PreCompact", "SessionEnd",
    ]
    /// Events whose hook entries take a tool matcher.
    static let toolEvents: Set<String> = ["PreToolUse", "PermissionRequest", "PostToolUse"]

    public var layout: StateLayout
    /// Absolute path of the csm executable the hooks call.
    public var csmExecutable: String
    /// csm's own environment: with the session's, it says where Claude Code keeps its files (HOME,
    /// CLAUDE_CONFIG_DIR). nil leaves Claude Code's files alone (engine tests); front ends pass theirs.
    public var environment: [String: String]?
    /// Reads a session's linked issue (`linear:`) for the context section of its CLAUDE.md; nil, or an
    /// answer of nil, writes the identifier alone.
    public var issueLookup: IssueContextLookup?

    public init(
        layout: StateLayout, csmExecutable: String, environment: [String: String]? = nil,
        issueLookup: IssueContextLookup? = nil
    ) {
        self.layout = layout
        self.csmExecutable = csmExecutable
        self.environment = environment
        self.issueLookup = issueLookup
    }

    /// The agent's argv for `mode`: `<command> --session-id <uuid>|--continue --settings <file> --permission-mode <m>
    /// [--model M] [args] [-- prompt]`.
    public func agentArguments(for session: DesiredSession, mode: LaunchMode) -> [String] {
        var argv = [session.agent.command]
        switch mode {
        case let .new(sessionID): argv += ["--session-id", sessionID]
        case .resume: argv.append("--continue")
        }
        argv += ["--settings", layout.settingsFile(workspace: session.workspace, session: session.name)]
        argv += ["--permission-mode", session.agent.permissionMode.rawValue]
        if let model = session.model { argv += ["--model", model] }
        if let effort = session.effort { argv += ["--effort", effort.rawValue] }
        argv += session.agent.args
        if case .new = mode, let prompt = session.prompt, !prompt.isEmpty {
            // `--` ends the options: a prompt starting with `-` is not read as one, and a variadic option
            // in `args` (`--allowedTools X`) does not swallow the prompt.
            argv += ["--", prompt]
        }
        return argv
    }

    /// Writes settings, scripts and the hook secret (mode 0600/0700) and returns the tmux request. For
    /// Claude Code on this machine it also marks the worktree trusted (`ClaudeHome.markTrusted`) and
    /// turns a `resume` without a conversation into a new one (`effectiveMode`).
    public func prepare(_ session: DesiredSession, mode requested: LaunchMode) throws -> TmuxSessionRequest {
        let ws = session.workspace
        let mode = effectiveMode(for: session, requested: requested)
        if let home = claudeHome(for: session) { try home.markTrusted(session.worktreePath) }
        let directory = layout.sessionDirectory(workspace: ws, session: session.name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        _ = try hookSecret(for: session)
        try writeFile(layout.settingsFile(workspace: ws, session: session.name), try settingsJSON(for: session), mode: 0o600)
        let (agentBody, terminalBody) = scriptBodies(
            for: session, agentLine: "exec " + ShellQuote.command(agentArguments(for: session, mode: mode)))
        let agentScript = layout.agentScript(workspace: ws, session: session.name)
        let terminalScript = layout.terminalScript(workspace: ws, session: session.name)
        try writeFile(agentScript, agentBody, mode: 0o700)
        try writeFile(terminalScript, terminalBody, mode: 0o700)
        return TmuxSessionRequest(
            name: session.tmuxName, workingDirectory: session.worktreePath,
            windows: [
                TmuxWindow(name: "claude", command: ["/bin/sh", agentScript], remainOnExit: true),
                TmuxWindow(name: "terminal", command: ["/bin/sh", terminalScript]),
            ],
            environment: [:],
            options: ["@csm-workspace": ws, "@csm-session": session.name, "@csm-spec": session.specHash]
        )
    }

    /// The agent's and the terminal's launch scripts; `agentLine` starts the agent (an `exec` of its
    /// quoted argv, or for a remote resume a choice made on the host).
    func scriptBodies(for session: DesiredSession, agentLine: String) -> (agent: String, terminal: String) {
        let ws = session.workspace
        let env = session.agent.env.merging(session.env) { _, sessionValue in sessionValue }
        let header = "#!/bin/sh\n# Generated by csm for session '\(session.name)' of workspace '\(ws)'.\n"
            + "# Rewritten on every start: edit csm.yaml instead.\n"
        let exports = env.sorted { $0.key < $1.key }.map { "export \($0.key)=\(ShellQuote.quote($0.value))\n" }.joined()
        let csmExports = "export CSM_WORKSPACE=\(ShellQuote.quote(ws)) CSM_SESSION=\(ShellQuote.quote(session.name))\n"
        // Claude Code refuses to start inside another Claude Code session; tmux may have inherited its marker.
        let agentBody = header + "unset CLAUDECODE\n" + csmExports + exports
            + agentLine + "\n"
        let terminalBody = header + csmExports + exports + "exec \"${SHELL:-/bin/sh}\"\n"
        return (agentBody, terminalBody)
    }

    /// Removes a session's generated files (after a destroy).
    public func removeFiles(workspace: String, session: String) {
        try? FileManager.default.removeItem(atPath: layout.sessionDirectory(workspace: workspace, session: session))
    }

    /// Claude Code settings that register `csm hook` for every event csm follows.
    func settingsJSON(for session: DesiredSession, hookCommand: String? = nil) throws -> String {
        let command = hookCommand ?? [csmExecutable, "hook", "--workspace", session.workspace, "--session", session.name,
                       "--state-dir", layout.root].map(ShellQuote.quote).joined(separator: " ")
        var hooks: [String: [[String: Any]]] = [:]
        for event in Self.hookEvents {
            var entry: [String: Any] = ["hooks": [["type": "command", "command": command, "timeout": 600]]]
            if Self.toolEvents.contains(event) { entry["matcher"] = "*" }
            hooks[event] = [entry]
        }
        let data = try JSONSerialization.data(withJSONObject: ["hooks": hooks], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The session's hook secret, created (mode 0600, in a 0700 folder) when missing.
    func hookSecret(for session: DesiredSession) throws -> String {
        let directory = layout.sessionDirectory(workspace: session.workspace, session: session.name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let secretFile = layout.hookSecretFile(workspace: session.workspace, session: session.name)
        if !FileManager.default.fileExists(atPath: secretFile) {
            try writeFile(secretFile, Self.randomSecret(), mode: 0o600)
        }
        return try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func writeFile(_ path: String, _ text: String, mode: Int) throws {
        let url = URL(fileURLWithPath: path)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
