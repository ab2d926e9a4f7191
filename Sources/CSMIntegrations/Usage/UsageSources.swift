import CSMAgent
import CSMModel
import Foundation

/// Where the transcripts of a workspace's sessions are: Claude Code's project folder of each local
/// session's worktree, found with csm's environment and the session's own on top (as the agent is
/// launched), so `CLAUDE_CONFIG_DIR` and `HOME` overrides are honoured.
public enum UsageSources {
    /// `(session, folder)` for every local session of `workspace`, plus `extra` worktrees (archived or
    /// undeclared-but-owned sessions, by name).
    public static func folders(
        workspace: Workspace, extra: [(session: String, worktree: String)] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [(session: String, folder: String)] {
        var out: [(session: String, folder: String)] = []
        var seen = Set<String>()
        for session in workspace.resolvedSessions() where session.host == HostSpec.localName {
            let env = environment.merging(session.agent.env) { _, new in new }.merging(session.env) { _, new in new }
            let folder = ClaudeHome(environment: env, fallbackHome: NSHomeDirectory()).projectFolder(
                for: session.worktreePath)
            if seen.insert(folder).inserted { out.append((session.name, folder)) }
        }
        let home = ClaudeHome(environment: environment, fallbackHome: NSHomeDirectory())
        for item in extra {
            let folder = home.projectFolder(for: item.worktree)
            if seen.insert(folder).inserted { out.append((item.session, folder)) }
        }
        return out
    }

    /// The ledger of every transcript of those folders.
    public static func ledger(
        workspace: Workspace, prices: PriceTable, extra: [(session: String, worktree: String)] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> UsageLedger {
        var ledger = UsageLedger(prices: prices)
        for (session, folder) in folders(workspace: workspace, extra: extra, environment: environment) {
            ledger.add(folder: folder, session: session)
        }
        return ledger
    }
}
