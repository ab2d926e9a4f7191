import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization
import Testing

/// The reconciler when csm.yaml breaks or the world changes behind its back (in-memory drivers).
@Suite("reconciler under faults", .tags(.faults))
struct ReconcilerFaultTests {
    struct Broken: Error, CustomStringConvertible { var description: String { "csm.yaml:7:3: error: broken" } }

    @Test("an invalid csm.yaml keeps the last valid one: the error is reported, sessions are kept, nothing is pruned")
    func lastGoodConfig() async throws {
        try await withTemporaryDirectory { dir in
            let tmux = InMemoryTmux()
            let git = InMemoryGit()
            let valid = ReconcilerTests.workspace(["a", "b"], prune: true)
            let current = Mutex<Workspace?>(valid)
            let engine = Engine(
                tmux: tmux, git: git, launch: AgentLaunch(layout: StateLayout(root: dir.path), csmExecutable: "/bin/csm"))
            let events = EventStore(directory: dir.appendingPathComponent("events").path)
            let reconciler = Reconciler(
                engine: engine, clock: ManualClock(),
                loadWorkspace: {
                    guard let workspace = current.withLock({ $0 }) else { throw Broken() }
                    return workspace
                }, events: events)
            #expect(await reconciler.pass(reason: "test").error == nil)
            #expect(try await tmux.listSessions().count == 2)

            current.withLock { $0 = nil }
            try await tmux.killSession(named: "csm-a")
            let broken = await reconciler.pass(reason: "test")
            #expect(broken.error?.contains("csm.yaml:7:3: error: broken") == true, "\(String(describing: broken.error))")
            #expect(broken.error?.contains("keeping the last valid csm.yaml") == true)
            #expect(broken.results.map(\.action) == [.start], "the last valid csm.yaml still restarts session a")
            #expect(try await tmux.listSessions().map(\.tmuxName).sorted() == ["csm-a", "csm-b"])

            // A valid csm.yaml that prunes b is obeyed again once it loads.
            current.withLock { $0 = ReconcilerTests.workspace(["a"], prune: true) }
            let pruned = await reconciler.pass(reason: "test")
            #expect(pruned.error == nil)
            #expect(pruned.results.map(\.action) == [.destroy])
        }
    }

    @Test("a session whose tmux session vanished is reported as drift before it is started again")
    func driftEvents() async throws {
        try await withTemporaryDirectory { dir in
            let fixture = ReconcilerTests.Fixture(state: dir, sessions: ["a"])
            _ = await fixture.reconciler.pass(reason: "test")
            try await fixture.tmux.killSession(named: "csm-a")
            let pass = await fixture.reconciler.pass(reason: "test")
            let events = try await fixture.events.events(session: "a").map(\.type)
            #expect(events == ["session.action", "session.drift", "session.action"])
            let drift = try #require(try await fixture.events.events(session: "a").first { $0.type == "session.drift" })
            #expect(drift.data["action"] == .string("start"))
            #expect(drift.data["pass"] == .number(Double(pass.number)))
            #expect(drift.data["reason"] != nil)
        }
    }
}
