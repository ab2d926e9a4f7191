import CSMConfig
import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation

/// Renaming a session, all or nothing.
extension SessionLifecycle {
    /// What `rename` did.
    public struct RenameReport: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public var worktree: String
        public var branch: String
        /// Whether the branch was renamed (only a branch with csm's default name is).
        public var renamedBranch: Bool
    }

    /// Renames session `old` to `new`: the agent is stopped, the branch renamed when it has csm's default
    /// name (`<branchPrefix><old>`), the worktree moved to `<worktreeBase>/<workspace>/<new>` with git's
    /// links repaired, the state folder (hook log, setup log, event history) moved, and csm.yaml edited
    /// last; then the session is started again under its new name, continuing in its new folder (Claude Code's
    /// transcripts of the old folder are copied to the new folder's, so `--continue` finds them). When a
    /// step fails, every step already made is undone newest first and the old session is started again.
    public func rename(
        _ old: String, to new: String, document: ConfigDocument,
        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) async throws -> RenameReport {
        guard CSMName.isValid(new) else { throw LifecycleError.invalidName(new) }
        let workspace = document.workspace
        let before = try desired(old, in: workspace)
        guard workspace.sessions[new] == nil else { throw LifecycleError.sessionExists(new) }
        let actual = try await engine.observer.observe(workspace)
        if actual.tmuxSessions.contains(where: { $0.tmuxName == CSMName.tmuxSessionName(for: new) }) {
            throw LifecycleError.sessionExists(new)
        }
        guard
            let worktree = actual.worktrees.first(where: {
                $0.marker?.workspace == workspace.name && $0.marker?.session == old
            }),
            let marker = worktree.marker
        else { throw LifecycleError.noWorktree(session: old) }
        let newText = try ConfigEditor(text: document.text, file: document.path).renameSession(from: old, to: new)
        let renamed = try loader.parse(
            newText, file: document.path, baseDirectory: (document.path as NSString).deletingLastPathComponent)
        let after = try desired(new, in: renamed)
        let currentBranch = worktree.branch ?? before.branch
        let renamesBranch =
            workspace.sessions[old]?.branch == nil && currentBranch == before.branch && after.branch != currentBranch

        // The branch rename would fail half-way through the steps; refuse before touching anything.
        if renamesBranch {
            let existing = try await runner.run(
                "git", ["-C", before.repoPath, "rev-parse", "--verify", "--quiet", "refs/heads/\(after.branch)"],
                input: nil, environment: nil)
            if existing.succeeded { throw LifecycleError.branchExists(session: old, branch: after.branch) }
        }

        var undo: [(String, () async -> Void)] = []
        func attempt(_ step: String, _ body: () async throws -> Void) async throws {
            do {
                try await body()
            } catch {
                for (name, reverse) in undo.reversed() {
                    logger.notice("rolling back", metadata: ["session": "\(old)", "action": "\(name)"])
                    await reverse()
                }
                // The agent was stopped first: start the old session again (best effort; 'csm apply' also does).
                if let (plan, _) = try? await engine.plan(workspace, targets: [old]) {
                    _ = await engine.applier.apply(plan)
                }
                throw LifecycleError.renameFailed(from: old, to: new, step: step, underlying: "\(error)")
            }
        }

        try await attempt("stop the agent") { try await tmux.killSession(named: before.tmuxName) }
        if renamesBranch {
            try await attempt("rename branch \(currentBranch) to \(after.branch)") {
                try await git.renameBranch(repoPath: before.repoPath, from: currentBranch, to: after.branch)
            }
            undo.append(
                (
                    "rename branch back",
                    { try? await git.renameBranch(repoPath: before.repoPath, from: after.branch, to: currentBranch) }
                ))
        }
        var newMarker = marker
        newMarker.session = new
        newMarker.branch = renamesBranch ? after.branch : currentBranch
        try await attempt("move the worktree to \(after.worktreePath)") {
            try await git.moveWorktree(
                from: worktree.path, to: after.worktreePath, repoPath: before.repoPath, marker: newMarker)
        }
        undo.append(
            (
                "move worktree back",
                {
                    try? await git.moveWorktree(
                        from: after.worktreePath, to: worktree.path, repoPath: before.repoPath, marker: marker)
                }
            ))
        let oldState = layout.sessionDirectory(workspace: workspace.name, session: old)
        let newState = layout.sessionDirectory(workspace: workspace.name, session: new)
        if FileManager.default.fileExists(atPath: oldState) {
            try await attempt("move the state folder \(oldState)") {
                if FileManager.default.fileExists(atPath: newState) {
                    try FileManager.default.removeItem(atPath: newState)
                }
                try FileManager.default.moveItem(atPath: oldState, toPath: newState)
            }
            undo.append(
                ("move state folder back", { try? FileManager.default.moveItem(atPath: newState, toPath: oldState) }))
        }
        if var stamp = SetupStamp.read(worktreePath: after.worktreePath) {
            // The setup log moved with the state folder.
            stamp.logPath = layout.setupLog(workspace: workspace.name, session: new)
            try? stamp.write(worktreePath: after.worktreePath)
        }
        var saved = document
        try await attempt("write csm.yaml") { saved = try document.saving(newText, loader: loader) }
        // Claude Code finds a folder's conversations by its path: bring them along so --continue continues.
        let agentEnvironment = ProcessInfo.processInfo.environment.merging(
            after.agent.env.merging(after.env) { _, new in new }
        ) { _, new in new }
        if ClaudeTranscripts.carryOver(from: worktree.path, to: after.worktreePath, environment: agentEnvironment) {
            logger.info("copied Claude Code transcripts to the new folder", metadata: ["session": "\(new)"])
        }

        let (plan, _) = try await engine.plan(saved.workspace, targets: [new])
        let report = await engine.applier.apply(plan, progress: progress)
        guard report.isComplete else {
            throw LifecycleError.applyFailed(
                session: new,
                messages: report.failures.map(\.message)
                    + ["the rename itself is complete; run 'csm apply' to start it"])
        }
        return RenameReport(
            from: old, to: new, worktree: after.worktreePath, branch: newMarker.branch, renamedBranch: renamesBranch)
    }
}
