import CSMDrivers
import CSMEngine
import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Synchronization
import Testing

/// How many actions run at once, and the most seen (from an applier's progress events).
final class RunningActions: Sendable {
    private let counts = Mutex((now: 0, maximum: 0))
    func start() { counts.withLock { $0.now += 1; $0.maximum = max($0.maximum, $0.now) } }
    func finish() { counts.withLock { $0.now -= 1 } }
    var maximum: Int { counts.withLock { $0.maximum } }
}

/// The engine with in-memory drivers: what the applier does, in which order, and what it refuses.
@Suite("Applier with in-memory drivers")
struct ApplierTests {
    let tmux = InMemoryTmux()
    let git = InMemoryGit()
    let state: URL

    init() throws { state = try makeTemporaryDirectory(prefix: "csm-engine") }

    func workspace(_ names: [String], model: String? = nil) -> Workspace {
        var sessions: [String: SessionSpec] = [:]
        for name in names { sessions[name] = SessionSpec(name: name, repo: "app", model: model) }
        return Workspace(name: "ws", defaults: Defaults(worktreeBase: "/wt"), repos: ["app": RepoSpec(name: "app", path: "/src/app")],
                         sessions: sessions)
    }

    func engine(parallelism: Int = 4) -> Engine {
        Engine(tmux: tmux, git: git, launch: AgentLaunch(layout: StateLayout(root: state.path), csmExecutable: "/usr/bin/csm"),
               parallelism: parallelism)
    }

    func converge(_ workspace: Workspace, _ options: PlanOptions = PlanOptions()) async throws -> ApplyReport {
        let (plan, _) = try await engine().plan(workspace, options: options)
        return await engine().applier.apply(plan)
    }

    @Test("apply creates worktree then tmux session, and a second plan has no changes")
    func createThenNoChanges() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        let ws = workspace(["a", "b"])
        let report = try await converge(ws)
        #expect(report.isComplete)
        #expect(await git.worktrees.keys.sorted() == ["/wt/ws/a", "/wt/ws/b"])
        let requests = await tmux.requests
        #expect(requests.map(\.name).sorted() == ["csm-a", "csm-b"])
        #expect(requests.allSatisfy { $0.windows.map(\.name) == ["claude", "terminal"] && $0.options["@csm-workspace"] == "ws" })
        let (again, _) = try await engine().plan(ws)
        #expect(!again.hasChanges)
    }

    @Test("observation is one tmux call per pass")
    func oneTmuxCall() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        _ = try await engine().plan(workspace(["a", "b", "c"]))
        #expect(await tmux.calls == ["list"])
    }

    @Test("no more than the configured number of actions run at once")
    func boundedParallelism() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        await tmux.setCreateDelay(.milliseconds(20))
        let (plan, _) = try await engine(parallelism: 2).plan(workspace(["a", "b", "c", "d", "e"]))
        // Counted from the progress events: tmux creations themselves may share one invocation.
        let running = RunningActions()
        let report = await engine(parallelism: 2).applier.apply(plan) { event in
            if case .started = event { running.start() } else { running.finish() }
        }
        #expect(report.isComplete)
        #expect(running.maximum == 2)
    }

    @Test("after a failure no new action starts and the failure names the session and step")
    func stopsAfterFailure() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        await tmux.setFailingCreates(["csm-a"])
        let (plan, _) = try await engine(parallelism: 1).plan(workspace(["a", "b", "c"]))
        let report = await engine(parallelism: 1).applier.apply(plan)
        #expect(report.failures.map(\.action.session) == ["a"])
        #expect(report.failures.first?.message.contains("session a: start tmux session failed") == true)
        #expect(report.results.filter { if case .skipped = $0.outcome { true } else { false } }.map(\.action.session) == ["b", "c"])
    }

    @Test("a destroy re-checks the worktree after stopping the agent and keeps work that appeared")
    func destroyRechecks() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        _ = try await converge(workspace(["a"]))
        let (plan, _) = try await engine().plan(workspace([]))
        #expect(plan.actions.map(\.kind) == [.destroy])
        await git.addWorkOnNextObserve(path: "/wt/ws/a", untracked: 1)
        let report = await engine().applier.apply(plan)
        #expect(report.failures.first?.message.contains("now holds work that exists nowhere else (1 untracked file)") == true)
        #expect(await git.worktrees["/wt/ws/a"] != nil, "the worktree is still there")
    }

    @Test("--force archives before removing, and --delete-branch deletes the branch")
    func forcedDestroy() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        _ = try await converge(workspace(["a"]))
        await git.addWorkOnNextObserve(path: "/wt/ws/a", untracked: 2)
        let report = try await converge(workspace([]), PlanOptions(force: true, deleteBranch: true))
        #expect(report.isComplete)
        let calls = await git.calls.filter { !$0.hasPrefix("observe") }
        #expect(calls.suffix(2) == ["archive /wt/ws/a", "remove /wt/ws/a"])
        #expect(await git.removedBranches == ["csm/a"])
        #expect(await tmux.sessions.isEmpty)
    }

    @Test("a spec change restarts with --continue in the launch script")
    func restartContinues() async throws {
        defer { try? FileManager.default.removeItem(at: state) }
        _ = try await converge(workspace(["a"]))
        let report = try await converge(workspace(["a"], model: "opus"))
        #expect(report.results.map(\.action.kind) == [.restart])
        let script = try String(contentsOfFile: StateLayout(root: state.path).agentScript(workspace: "ws", session: "a"), encoding: .utf8)
        #expect(script.contains("'--continue'") && script.contains("'--model' 'opus'"))
        #expect(await tmux.calls.contains("kill csm-a"))
    }
}
