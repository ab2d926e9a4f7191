import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization
import Testing

/// The desired workspace a test changes between passes.
final class DesiredBox: Sendable {
    let value: Mutex<Workspace>
    init(_ workspace: Workspace) { value = Mutex(workspace) }
}

/// The reconciler against in-memory drivers and a manual clock: no sleeping, no real programs.
@Suite("reconciler")
struct ReconcilerTests {
    static func workspace(_ sessions: [String], prune: Bool = false) -> Workspace {
        var workspace = Workspace(
            name: "t", defaults: Defaults(worktreeBase: "/wt"), repos: ["app": RepoSpec(name: "app", path: "/repo")],
            sessions: Dictionary(uniqueKeysWithValues: sessions.map { ($0, SessionSpec(name: $0, repo: "app")) }))
        workspace.server.prune = prune
        return workspace
    }

    struct Fixture {
        let tmux = InMemoryTmux()
        let git = InMemoryGit()
        let clock = ManualClock()
        let desired: DesiredBox
        let reconciler: Reconciler<ManualClock>
        let events: EventStore

        init(state: URL, sessions: [String]) {
            let desired = DesiredBox(ReconcilerTests.workspace(sessions))
            self.desired = desired
            events = EventStore(directory: state.appendingPathComponent("events").path)
            let engine = Engine(
                tmux: tmux, git: git,
                launch: AgentLaunch(layout: StateLayout(root: state.path), csmExecutable: "/bin/csm"))
            reconciler = Reconciler(
                engine: engine, settings: ReconcilerSettings(backoffBase: .seconds(5), backoffCap: .seconds(12)),
                clock: clock,
                loadWorkspace: { desired.value.withLock { $0 } }, events: events)
        }
    }

    @Test("a pass creates what is missing and a second pass finds nothing to do")
    func converges() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = Fixture(state: dir, sessions: ["a", "b"])
            let first = await fixture.reconciler.pass(reason: "test")
            #expect(first.error == nil)
            #expect(first.results.map(\.outcome) == [.succeeded, .succeeded])
            #expect(await fixture.tmux.created.sorted() == ["csm-a", "csm-b"])
            let second = await fixture.reconciler.pass(reason: "test")
            #expect(second.isClean)
            #expect(second.number == 2)
            let latest = await fixture.reconciler.latest
            #expect(latest == second)
        }
    }

    @Test("a failing session backs off exponentially up to the cap while others go ahead")
    func backoff() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = Fixture(state: dir, sessions: ["bad", "good"])
            await fixture.tmux.setFailing("csm-bad", true)
            let first = await fixture.reconciler.pass(reason: "test")
            #expect(first.results.map(\.outcome) == [.failed, .succeeded])
            var failure = try #require(await fixture.reconciler.failures["bad"])
            #expect(failure.count == 1 && failure.message.contains("simulated failure"))

            let deferred = await fixture.reconciler.pass(reason: "test")
            #expect(deferred.results.map(\.outcome) == [.deferred])

            fixture.clock.advance(by: .seconds(5))
            _ = await fixture.reconciler.pass(reason: "test")
            failure = try #require(await fixture.reconciler.failures["bad"])
            #expect(failure.count == 2)
            fixture.clock.advance(by: .seconds(9))
            #expect(
                await fixture.reconciler.pass(reason: "test").results.map(\.outcome) == [.deferred],
                "10 s after 2 failures")
            fixture.clock.advance(by: .seconds(1))
            _ = await fixture.reconciler.pass(reason: "test")
            fixture.clock.advance(by: .seconds(12))
            _ = await fixture.reconciler.pass(reason: "test")
            #expect(await fixture.reconciler.failures["bad"]?.count == 4, "the cap (12 s) bounds the wait")

            await fixture.tmux.setFailing("csm-bad", false)
            fixture.clock.advance(by: .seconds(12))
            let recovered = await fixture.reconciler.pass(reason: "test")
            #expect(recovered.results.map(\.outcome) == [.succeeded])
            #expect(await fixture.reconciler.failures.isEmpty)
        }
    }

    @Test("undeclared sessions are destroyed only with prune")
    func prune() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = Fixture(state: dir, sessions: ["a", "b"])
            _ = await fixture.reconciler.pass(reason: "test")
            fixture.desired.value.withLock { $0 = ReconcilerTests.workspace(["a"]) }
            #expect(await fixture.reconciler.pass(reason: "test").isClean, "no destroy without prune")
            let sessions = try await fixture.tmux.listSessions()
            #expect(sessions.count == 2)
            fixture.desired.value.withLock { $0 = ReconcilerTests.workspace(["a"], prune: true) }
            let pruned = await fixture.reconciler.pass(reason: "test")
            #expect(pruned.results.map(\.action) == [.destroy])
            let remaining = try await fixture.tmux.listSessions()
            #expect(remaining.map(\.tmuxName) == ["csm-a"])
        }
    }

    @Test("each pass is published on the reconcile channel, each action on its session's channel")
    func events() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = Fixture(state: dir, sessions: ["a"])
            _ = await fixture.reconciler.pass(reason: "test")
            let passes = try await fixture.events.events(session: nil)
            #expect(passes.map(\.type) == ["reconcile.pass"])
            #expect(passes.first?.data["plan"]?["actions"] != nil)
            let actions = try await fixture.events.events(session: "a")
            #expect(actions.map(\.type) == ["session.action"])
            #expect(actions.first?.data["outcome"] == .string("succeeded"))
        }
    }

    @Test("an invalid csm.yaml makes a failed pass that is reported, not a crash")
    func invalidConfig() async throws {
        try await withTemporaryDirectory { dir in
            struct Broken: Error, CustomStringConvertible { var description: String { "csm.yaml:3:1: error: broken" } }
            let engine = Engine(
                tmux: InMemoryTmux(), git: InMemoryGit(),
                launch: AgentLaunch(layout: StateLayout(root: dir.path), csmExecutable: "/bin/csm"))
            let reconciler = Reconciler(engine: engine, clock: ManualClock(), loadWorkspace: { throw Broken() })
            let pass = await reconciler.pass(reason: "test")
            #expect(pass.error == "csm.yaml:3:1: error: broken")
            #expect(pass.plan == nil)
        }
    }
}
