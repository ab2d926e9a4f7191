import CSMModel
import CSMPlanner
import Foundation
import Testing

extension Fixture {
    /// `session` with `commands` as its setup (and the spec hash that goes with them).
    static func withSetup(_ session: DesiredSession, _ commands: [String]) -> DesiredSession {
        DesiredSession(
            name: session.name, workspace: session.workspace, host: session.host, repo: session.repo,
            repoPath: session.repoPath,
            worktreePath: session.worktreePath, branch: session.branch, base: session.base, agent: session.agent,
            model: session.model, prompt: session.prompt, env: session.env, linear: session.linear,
            favorite: session.favorite,
            setup: commands)
    }
}

@Suite("Planner: setup stamps and windows")
struct LifecyclePlannerTests {
    func withSetup(_ name: String, _ commands: [String] = ["make deps"]) -> DesiredSession {
        var session = Fixture.desired(name)
        session = DesiredSession(
            name: session.name, workspace: session.workspace, host: session.host, repo: session.repo,
            repoPath: session.repoPath,
            worktreePath: session.worktreePath, branch: session.branch, base: nil, agent: session.agent, model: nil,
            prompt: nil,
            env: [:], linear: nil, favorite: false, setup: commands)
        return session
    }

    func stamp(_ session: DesiredSession, status: Int32, hash: String? = nil) -> SetupStamp {
        SetupStamp(
            hash: hash ?? session.setupHash ?? "", exitStatus: status, finishedAt: Date(timeIntervalSince1970: 0),
            logTail: "npm ERR! network\nfailed", logPath: "/state/setup.log")
    }

    @Test("a worktree whose current setup failed is blocked, with the log tail, instead of started")
    func failedSetupBlocks() {
        let session = withSetup("api")
        var worktree = Fixture.worktree("api")
        worktree.setup = stamp(session, status: 2)
        let plan = Fixture.plan([session], ActualState(worktrees: [worktree]))
        #expect(plan.actions.map(\.kind) == [.blocked])
        #expect(plan.actions[0].refused == .start)
        #expect(plan.actions[0].reason.contains("exit status 2"))
        #expect(plan.actions[0].reason.contains("    | npm ERR! network\n    | failed"))
    }

    @Test("--retry-setup starts it; a changed setup text or a success starts it without the flag")
    func retryAndChange() {
        let session = withSetup("api")
        var worktree = Fixture.worktree("api")
        worktree.setup = stamp(session, status: 2)
        let retried = Fixture.plan([session], ActualState(worktrees: [worktree]), PlanOptions(retrySetup: true))
        #expect(retried.actions.map(\.kind) == [.start])
        worktree.setup = stamp(session, status: 2, hash: "an older text")
        #expect(Fixture.plan([session], ActualState(worktrees: [worktree])).actions.map(\.kind) == [.start])
        worktree.setup = stamp(session, status: 0)
        #expect(Fixture.plan([session], ActualState(worktrees: [worktree])).actions.map(\.kind) == [.start])
    }

    @Test("a missing terminal window is restored without touching the agent; a missing agent window restarts")
    func windows() {
        let session = Fixture.desired("api")
        var tmux = Fixture.tmux(session)
        tmux.windows = ["claude"]
        let restore = Fixture.plan([session], ActualState(tmuxSessions: [tmux], worktrees: [Fixture.worktree("api")]))
        #expect(restore.actions.map(\.kind) == [.start])
        #expect(restore.actions[0].restoresWindows == ["terminal"])
        #expect(!restore.actions[0].killsTmux)
        tmux.windows = ["terminal"]
        let restart = Fixture.plan([session], ActualState(tmuxSessions: [tmux], worktrees: [Fixture.worktree("api")]))
        #expect(restart.actions.map(\.kind) == [.restart])
        tmux.windows = ["claude", "terminal", "extra"]
        #expect(
            Fixture.plan([session], ActualState(tmuxSessions: [tmux], worktrees: [Fixture.worktree("api")])).actions
                .isEmpty)
        tmux.windows = nil
        #expect(
            Fixture.plan([session], ActualState(tmuxSessions: [tmux], worktrees: [Fixture.worktree("api")])).actions
                .isEmpty,
            "an observation without window names is no drift")
    }
}
