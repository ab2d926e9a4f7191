import CSMDrivers
import CSMModel

/// The lifecycle steps of an apply: preparing a worktree before its agent starts, and adding back a
/// session's missing windows without touching the running agent.
extension Applier {
    /// The preparation the applier runs before every agent start.
    var preparation: WorktreePreparation {
        WorktreePreparation(
            layout: launch.layout, git: git, now: now, progress: setupProgress, issueLookup: launch.issueLookup)
    }

    /// Copies files (new worktrees), writes the CLAUDE.md context, runs the setup if needed. A failed
    /// setup throws `PreparationError.setupFailed`, so the agent is never started in a half-prepared worktree.
    func prepareWorktree(_ session: DesiredSession, isNew: Bool) async throws {
        try await step(session.name, "prepare worktree") {
            try await preparation.prepare(session, isNewWorktree: isNew)
        }
    }

    /// Adds `names` back to the running session (the launch scripts are rewritten first, so the terminal
    /// gets the current env).
    func restoreWindows(_ names: [String], of session: DesiredSession, fallbackSessionID: String) async throws {
        let request = try await step(session.name, "write launch files") {
            try launch.prepare(session, mode: .resume(fallbackSessionID: fallbackSessionID))
        }
        let windows = request.windows.filter { names.contains($0.name) }
        try await step(session.name, "restore windows") {
            try await tmux.addWindows(windows, toSession: session.tmuxName, workingDirectory: session.worktreePath)
        }
    }
}
