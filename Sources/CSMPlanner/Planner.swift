import CSMModel

/// Choices that change what a plan may do.
public struct PlanOptions: Sendable, Equatable {
    /// Archive work and destroy anyway, instead of blocking (`--force`).
    public var force: Bool
    /// Delete the branch of a destroyed session (`--delete-branch`).
    public var deleteBranch: Bool
    /// Whether owned but undeclared sessions are destroyed at all (`server.reconcile.prune` for the
    /// server; always true for `csm apply`).
    public var prune: Bool
    /// Start sessions whose setup failed, running the setup again (`--retry-setup`); otherwise they stay
    /// `blocked` until the setup text changes.
    public var retrySetup: Bool = false

    public init(force: Bool = false, deleteBranch: Bool = false, prune: Bool = true, retrySetup: Bool = false) {
        self.force = force
        self.deleteBranch = deleteBranch
        self.prune = prune
        self.retrySetup = retrySetup
    }
}

/// Computes plans. Pure: no I/O, no clock, no randomness, so the same inputs always give the same plan.
public enum Planner {
    /// The actions that take `actual` to `desired` for `workspace`, sorted by session name.
    ///
    /// Only sessions tagged with `workspace` (tmux `@csm-workspace`, worktree marker) are ever changed;
    /// sessions on unreachable hosts are left out entirely; a destroy that would lose work is `blocked`
    /// unless `options.force`.
    public static func plan(workspace: String, desired: [DesiredSession], actual: ActualState, options: PlanOptions = PlanOptions()) -> Plan {
        var ownedTmux: [String: ObservedTmuxSession] = [:]
        var foreignTmux: [String: ObservedTmuxSession] = [:]
        for tmux in actual.tmuxSessions {
            if tmux.isOwned(by: workspace), let name = tmux.session {
                if ownedTmux[name] == nil { ownedTmux[name] = tmux }
            } else {
                foreignTmux[hostKey(tmux.host, tmux.tmuxName)] = tmux
            }
        }
        var ownedWorktrees: [String: ObservedWorktree] = [:]
        var otherPaths: [String: ObservedWorktree] = [:]
        for worktree in actual.worktrees {
            if let marker = worktree.marker, marker.workspace == workspace, ownedWorktrees[marker.session] == nil {
                ownedWorktrees[marker.session] = worktree
            } else {
                otherPaths[hostKey(worktree.host, worktree.path)] = worktree
            }
        }

        var actions: [PlannedAction] = []
        let declared = Set(desired.map(\.name))
        for session in desired where actual.unreachableHosts[session.host] == nil {
            if let action = planDeclared(session, tmux: ownedTmux[session.name], worktree: ownedWorktrees[session.name],
                                         foreignTmux: foreignTmux[hostKey(session.host, session.tmuxName)],
                                         occupant: otherPaths[hostKey(session.host, session.worktreePath)],
                                         retrySetup: options.retrySetup) {
                actions.append(action)
            }
        }
        if options.prune {
            let undeclared = Set(ownedTmux.keys).union(ownedWorktrees.keys).subtracting(declared)
            for name in undeclared {
                let tmux = ownedTmux[name]
                let worktree = ownedWorktrees[name]
                let host = worktree?.host ?? tmux?.host ?? HostSpec.localName
                guard actual.unreachableHosts[host] == nil else { continue }
                actions.append(planUndeclared(name, host: host, tmux: tmux, worktree: worktree, options: options))
            }
        }
        actions.sort { ($0.session, $0.host) < ($1.session, $1.host) }
        return Plan(workspace: workspace, actions: actions)
    }

    /// The reason of a start refused because the setup failed, with the log's last lines.
    static func setupFailure(_ stamp: SetupStamp) -> String {
        var text = "its setup failed with exit status \(stamp.exitStatus), so the agent is not started; fix the setup "
            + "(changing its text in csm.yaml runs it again) or run 'csm apply --retry-setup'. Log: \(stamp.logPath)"
        let tail = stamp.logTail.split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }
        if !stamp.logTail.isEmpty { text += "\n" + tail.joined(separator: "\n") }
        return text
    }

    private static func hostKey(_ host: String, _ name: String) -> String { host + "\u{0}" + name }

    private static func planDeclared(
        _ session: DesiredSession, tmux: ObservedTmuxSession?, worktree: ObservedWorktree?,
        foreignTmux: ObservedTmuxSession?, occupant: ObservedWorktree?, retrySetup: Bool
    ) -> PlannedAction? {
        func action(_ kind: ActionKind, _ reason: String, refused: ActionKind? = nil, killsTmux: Bool = false) -> PlannedAction {
            PlannedAction(kind: kind, session: session.name, host: session.host, reason: reason, refused: refused,
                          desired: session, worktree: worktree ?? occupant, killsTmux: killsTmux)
        }
        if let worktree, worktree.path != session.worktreePath {
            return action(.blocked, "its worktree is at \(worktree.path) but csm.yaml now puts it at \(session.worktreePath); "
                + "restore the old worktreeBase, or remove the session with 'csm kill' and declare it again", refused: tmux == nil ? .start : .restart)
        }
        switch (tmux, worktree) {
        case (nil, nil):
            if let foreignTmux {
                let owner = foreignTmux.workspace.map { "workspace '\($0)'" } ?? "no csm workspace"
                return action(.blocked, "tmux session \(session.tmuxName) already exists and belongs to \(owner); "
                    + "kill or rename it, or rename this session", refused: .create)
            }
            if occupant != nil {
                return action(.blocked, "\(session.worktreePath) already exists and is not a worktree this workspace created; "
                    + "move it away or rename the session", refused: .create)
            }
            return action(.create, "declared in csm.yaml and not running")
        case let (nil, .some(worktree)):
            if foreignTmux != nil {
                return action(.blocked, "tmux session \(session.tmuxName) exists but is not owned by this workspace; kill or rename it",
                              refused: .start)
            }
            if let failed = worktree.failedSetup(for: session) {
                if retrySetup { return action(.start, "retrying the setup that failed (exit status \(failed.exitStatus))") }
                return action(.blocked, Self.setupFailure(failed), refused: .start)
            }
            return action(.start, "the tmux session is gone; the worktree is kept")
        case (.some, nil):
            return action(.repair, "the worktree is gone; it is re-created from branch \(session.branch)", killsTmux: true)
        case let (.some(tmux), .some):
            if tmux.specHash != session.specHash {
                return action(.restart, "the agent settings changed", killsTmux: true)
            }
            if !tmux.isAgentRunning {
                return action(.restart, "the agent has exited", killsTmux: true)
            }
            if let windows = tmux.windows {
                if !windows.contains(AgentWindows.agent) {
                    return action(.restart, "the agent's window '\(AgentWindows.agent)' is gone", killsTmux: true)
                }
                let missing = AgentWindows.all.filter { !windows.contains($0) }
                if !missing.isEmpty {
                    var restore = action(.start, "the window\(missing.count == 1 ? "" : "s") "
                        + missing.map { "'\($0)'" }.joined(separator: ", ") + " is gone; the agent keeps running")
                    restore.restoresWindows = missing
                    return restore
                }
            }
            return nil
        }
    }

    private static func planUndeclared(
        _ name: String, host: String, tmux: ObservedTmuxSession?, worktree: ObservedWorktree?, options: PlanOptions
    ) -> PlannedAction {
        let deletesBranch = options.deleteBranch && worktree?.branch != nil
        if let worktree, let work = worktree.workDescription {
            guard options.force else {
                return PlannedAction(
                    kind: .blocked, session: name, host: host,
                    reason: "its worktree holds work that exists nowhere else (\(work)); commit and merge or push it, "
                        + "or run with --force to archive it under refs/csm/archive/\(name)/ and then remove it",
                    refused: .destroy, worktree: worktree, killsTmux: tmux != nil)
            }
            return PlannedAction(kind: .destroy, session: name, host: host,
                                 reason: "no longer declared; its work (\(work)) is archived under refs/csm/archive/\(name)/ first",
                                 worktree: worktree, killsTmux: tmux != nil, archivesWork: true, deletesBranch: deletesBranch)
        }
        return PlannedAction(kind: .destroy, session: name, host: host, reason: "no longer declared in csm.yaml",
                             worktree: worktree, killsTmux: tmux != nil, deletesBranch: deletesBranch)
    }
}
