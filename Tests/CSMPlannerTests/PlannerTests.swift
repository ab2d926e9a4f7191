import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Testing

/// Small builders for planner inputs.
enum Fixture {
    static let workspace = "ws"

    static func desired(_ name: String, model: String? = nil, host: String = "local") -> DesiredSession {
        DesiredSession(name: name, workspace: workspace, host: host, repo: "app", repoPath: "/src/app",
                       worktreePath: "/wt/\(workspace)/\(name)", branch: "csm/\(name)", base: nil, agent: AgentSpec(),
                       model: model, prompt: nil, env: [:], linear: nil, favorite: false)
    }

    static func tmux(_ d: DesiredSession, running: Bool = true, spec: String? = nil) -> ObservedTmuxSession {
        ObservedTmuxSession(host: d.host, tmuxName: d.tmuxName, workspace: workspace, session: d.name, specHash: spec ?? d.specHash,
                            isAgentRunning: running)
    }

    static func worktree(_ name: String, path: String? = nil, uncommitted: Int = 0, untracked: Int = 0, unique: Int = 0,
                         workspace: String = Fixture.workspace) -> ObservedWorktree {
        ObservedWorktree(path: path ?? "/wt/\(Fixture.workspace)/\(name)",
                         marker: WorktreeMarker(workspace: workspace, session: name, repoPath: "/src/app", branch: "csm/\(name)",
                                                agentSessionID: "id", createdAt: Date(timeIntervalSince1970: 0)),
                         branch: "csm/\(name)", uncommittedCount: uncommitted, untrackedCount: untracked, uniqueCommitCount: unique)
    }

    static func plan(_ desired: [DesiredSession], _ actual: ActualState, _ options: PlanOptions = PlanOptions()) -> Plan {
        Planner.plan(workspace: workspace, desired: desired, actual: actual, options: options)
    }
}

@Suite("Planner decisions")
struct PlannerTests {
    @Test("a declared session with nothing running is created")
    func create() {
        let plan = Fixture.plan([Fixture.desired("api")], ActualState())
        #expect(plan.actions.map(\.kind) == [.create])
        #expect(plan.toAdd == 1 && plan.toChange == 0 && plan.toDestroy == 0)
    }

    @Test("a running session matching its spec needs nothing")
    func noChanges() {
        let d = Fixture.desired("api")
        let plan = Fixture.plan([d], ActualState(tmuxSessions: [Fixture.tmux(d)], worktrees: [Fixture.worktree("api")]))
        #expect(!plan.hasChanges)
    }

    @Test("a worktree without its tmux session is started")
    func start() {
        let plan = Fixture.plan([Fixture.desired("api")], ActualState(worktrees: [Fixture.worktree("api")]))
        #expect(plan.actions.map(\.kind) == [.start])
    }

    @Test("a changed model restarts the agent")
    func restartOnSpecChange() {
        let d = Fixture.desired("api", model: "opus")
        let plan = Fixture.plan([d], ActualState(tmuxSessions: [Fixture.tmux(d, spec: "old")], worktrees: [Fixture.worktree("api")]))
        #expect(plan.actions.map(\.kind) == [.restart])
        #expect(plan.actions[0].killsTmux)
    }

    @Test("an agent that exited is restarted")
    func restartOnExit() {
        let d = Fixture.desired("api")
        let plan = Fixture.plan([d], ActualState(tmuxSessions: [Fixture.tmux(d, running: false)], worktrees: [Fixture.worktree("api")]))
        #expect(plan.actions.map(\.kind) == [.restart])
        #expect(plan.actions[0].reason == "the agent has exited")
    }

    @Test("a tmux session without its worktree is repaired")
    func repair() {
        let d = Fixture.desired("api")
        let plan = Fixture.plan([d], ActualState(tmuxSessions: [Fixture.tmux(d)]))
        #expect(plan.actions.map(\.kind) == [.repair])
    }

    @Test("an undeclared clean session is destroyed and its branch kept")
    func destroyClean() {
        let d = Fixture.desired("old")
        let plan = Fixture.plan([], ActualState(tmuxSessions: [Fixture.tmux(d)], worktrees: [Fixture.worktree("old")]))
        #expect(plan.actions.map(\.kind) == [.destroy])
        #expect(plan.actions[0].killsTmux && !plan.actions[0].deletesBranch && !plan.actions[0].archivesWork)
    }

    @Test("destroy is blocked when the worktree has untracked files", arguments: [(1, 0, 0), (0, 2, 0), (0, 0, 3)])
    func destroyBlocked(work: (Int, Int, Int)) {
        let wt = Fixture.worktree("old", uncommitted: work.0, untracked: work.1, unique: work.2)
        let plan = Fixture.plan([], ActualState(worktrees: [wt]))
        #expect(plan.actions.map(\.kind) == [.blocked])
        #expect(plan.actions[0].refused == .destroy)
        #expect(plan.actions[0].reason.contains("--force"))
    }

    @Test("--force turns a blocked destroy into archive-then-destroy")
    func destroyForced() {
        let wt = Fixture.worktree("old", untracked: 1)
        let plan = Fixture.plan([], ActualState(worktrees: [wt]), PlanOptions(force: true, deleteBranch: true))
        #expect(plan.actions.map(\.kind) == [.destroy])
        #expect(plan.actions[0].archivesWork && plan.actions[0].deletesBranch)
    }

    @Test("another workspace's sessions are never touched")
    func foreignWorkspace() {
        let other = ObservedTmuxSession(tmuxName: "csm-x", workspace: "other", session: "x")
        let plan = Fixture.plan([], ActualState(tmuxSessions: [other], worktrees: [Fixture.worktree("x", workspace: "other")]))
        #expect(!plan.hasChanges)
    }

    @Test("an unowned tmux session of the same name blocks the create")
    func unownedTmuxBlocksCreate() {
        let plan = Fixture.plan([Fixture.desired("api")], ActualState(tmuxSessions: [ObservedTmuxSession(tmuxName: "csm-api")]))
        #expect(plan.actions.map(\.kind) == [.blocked])
        #expect(plan.actions[0].refused == .create)
    }

    @Test("a foreign folder at the worktree path blocks the create")
    func occupiedPathBlocksCreate() {
        let occupant = ObservedWorktree(path: "/wt/ws/api", marker: nil)
        let plan = Fixture.plan([Fixture.desired("api")], ActualState(worktrees: [occupant]))
        #expect(plan.actions.map(\.kind) == [.blocked])
    }

    @Test("sessions on unreachable hosts are left alone")
    func unreachableHost() {
        let d = Fixture.desired("api", host: "far")
        var gone = Fixture.worktree("old")
        gone.host = "far"
        let plan = Fixture.plan([d], ActualState(worktrees: [gone], unreachableHosts: ["far": "timeout"]))
        #expect(!plan.hasChanges)
    }

    @Test("prune off never plans a destroy")
    func pruneOff() {
        let plan = Fixture.plan([], ActualState(worktrees: [Fixture.worktree("old")]), PlanOptions(prune: false))
        #expect(!plan.hasChanges)
    }

    @Test("targets limit the plan to the named sessions")
    func targets() {
        let plan = Fixture.plan([Fixture.desired("a"), Fixture.desired("b")], ActualState()).limited(to: ["b"])
        #expect(plan.actions.map(\.session) == ["b"])
    }
}
