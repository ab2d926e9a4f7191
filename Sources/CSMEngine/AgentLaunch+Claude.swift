import CSMAgent
import CSMModel
import Foundation

extension AgentLaunch {
    /// Whether the session's agent is Claude Code (its program's file name starts with `claude`): only
    /// then does csm touch Claude Code's files.
    public static func isClaudeCode(_ agent: AgentSpec) -> Bool {
        (agent.command as NSString).lastPathComponent.hasPrefix("claude")
    }

    /// Claude Code's files for a local Claude Code session (nil for other agents, remote hosts, or when no
    /// environment was given), found
    /// from csm's environment with the session's on top, as the launch script exports it.
    func claudeHome(for session: DesiredSession) -> ClaudeHome? {
        guard let environment, Self.isClaudeCode(session.agent), session.host == HostSpec.localName else { return nil }
        let env = environment.merging(session.agent.env) { _, new in new }.merging(session.env) { _, new in new }
        return ClaudeHome(environment: env, fallbackHome: NSHomeDirectory())
    }

    /// `requested`, except that a resume in a worktree without any conversation becomes a new
    /// conversation: `claude --continue` there exits with "No conversation found to continue".
    func effectiveMode(for session: DesiredSession, requested: LaunchMode) -> LaunchMode {
        guard case let .resume(fallbackSessionID) = requested, let home = claudeHome(for: session),
            !home.hasConversation(cwd: session.worktreePath)
        else { return requested }
        return .new(sessionID: fallbackSessionID)
    }
}
