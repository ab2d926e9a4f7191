import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation

@testable import CSMTUI

/// A fixed workspace and observation for reducer and rendering tests.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static var workspace: Workspace {
        Workspace(
            name: "demo",
            defaults: Defaults(
                worktreeBase: "/work/trees",
                agent: AgentSpec(command: "claude", env: ["ANTHROPIC_API_KEY": "sk-secret", "MODE": "fast"])),
            hosts: ["build": HostSpec(name: "build", ssh: "me@build.example", port: 2222)],
            repos: [
                "app": RepoSpec(name: "app", path: "/src/app", baseBranch: "main"),
                "docs": RepoSpec(name: "docs", path: "/src/docs"),
            ],
            sessions: [
                "feature": SessionSpec(name: "feature", repo: "app", prompt: "add a test", linear: "ENG-12"),
                "a-session-with-a-rather-long-name-indeed": SessionSpec(
                    name: "a-session-with-a-rather-long-name-indeed", repo: "app"),
                "translate": SessionSpec(name: "translate", repo: "docs", branch: "csm/日本語-ドキュメント"),
            ],
            favorites: ["feature"],
            rules: [ToolRule(tool: "Bash", pattern: "git *", action: .allow), ToolRule(tool: "*", action: .ask)],
            integrations: Integrations(),
            sourcePath: "/src/csm.yaml")
    }

    static var actual: ActualState {
        func marker(_ session: String, _ branch: String, minutes: Double) -> WorktreeMarker {
            WorktreeMarker(
                workspace: "demo", session: session, repoPath: "/src/app", branch: branch, agentSessionID: "x",
                createdAt: now.addingTimeInterval(-minutes * 60))
        }
        let desired = workspace.resolvedSessions()
        func hash(_ name: String) -> String? { desired.first { $0.name == name }?.specHash }
        return ActualState(
            tmuxSessions: [
                ObservedTmuxSession(
                    tmuxName: "csm-feature", workspace: "demo", session: "feature", specHash: hash("feature"),
                    createdAt: now.addingTimeInterval(-7200), isAttached: true, windowCount: 2),
                ObservedTmuxSession(
                    tmuxName: "csm-translate", workspace: "demo", session: "translate", specHash: hash("translate"),
                    createdAt: now.addingTimeInterval(-300), windowCount: 2, isAgentRunning: false),
                ObservedTmuxSession(
                    tmuxName: "csm-old", workspace: "demo", session: "old",
                    createdAt: now.addingTimeInterval(-3 * 86400)),
                ObservedTmuxSession(tmuxName: "csm-stray", createdAt: now.addingTimeInterval(-45)),
            ],
            worktrees: [
                ObservedWorktree(
                    path: "/work/trees/demo/feature", marker: marker("feature", "csm/feature", minutes: 120),
                    branch: "csm/feature", uncommittedCount: 2, untrackedCount: 1, uniqueCommitCount: 3),
                ObservedWorktree(
                    path: "/work/trees/demo/translate", marker: marker("translate", "csm/日本語-ドキュメント", minutes: 5),
                    branch: "csm/日本語-ドキュメント"),
                ObservedWorktree(
                    path: "/work/trees/demo/old", marker: marker("old", "csm/old", minutes: 3 * 1440), branch: "csm/old"
                ),
            ])
    }

    static var snapshot: WorkspaceSnapshot {
        let ws = workspace
        let plan = Planner.plan(workspace: ws.name, desired: ws.resolvedSessions(), actual: actual)
        var snapshot = WorkspaceSnapshot.make(workspace: ws, actual: actual, plan: plan, observedAt: now)
        snapshot.sessions[snapshot.sessions.firstIndex { $0.name == "feature" }!].lastMessage =
            "All 42 tests pass.\nI also fixed the flaky timeout in the parser test, which was waiting on a fixed sleep."
        // Stats computed for the local worktrees: feature's work against its base, translate without any.
        snapshot.sessions[snapshot.sessions.firstIndex { $0.name == "feature" }!].diffStats =
            DiffStats(files: 3, insertions: 42, deletions: 7)
        snapshot.sessions[snapshot.sessions.firstIndex { $0.name == "translate" }!].diffStats =
            DiffStats(files: 0, insertions: 0, deletions: 0)
        return snapshot
    }

    static func state(columns: Int = 100, rows: Int = 24) -> TUIState {
        var state = TUIState(size: TerminalSize(columns: columns, rows: rows), configPath: "/src/csm.yaml")
        state.timeZone = TimeZone(identifier: "UTC")!
        state.connection = "observing every 5 s · no server"
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        return state
    }

    /// Feeds keys one by one; returns all effects.
    @discardableResult
    static func press(_ state: inout TUIState, _ keys: Key...) -> [TUIEffect] {
        keys.flatMap { Reducer.reduce(&state, .key($0)) }
    }
}
