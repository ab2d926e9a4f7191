import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The reconciler loop against real tmux (private socket) and real git: drift is corrected without
/// anyone typing a command.
@Suite("reconciler drift", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct ReconcilerDriftTests {
    static func withRunningReconciler(
        _ world: CSMWorld, _ body: (Reconciler<ContinuousClock>) async throws -> Void
    ) async throws {
        let engine = Engine(
            tmux: world.tmux, git: LibGit2Driver(),
            launch: AgentLaunch(layout: StateLayout(root: world.stateDir.path), csmExecutable: "/bin/true"))
        let path = world.configFile.path
        let reconciler = Reconciler(
            engine: engine, settings: ReconcilerSettings(tick: .milliseconds(50)), clock: ContinuousClock(),
            loadWorkspace: { try ConfigLoader().load(file: path) }, configPath: path)
        let loop = Task { await reconciler.run() }
        defer { loop.cancel() }
        try await body(reconciler)
        loop.cancel()
        await loop.value
    }

    static func isRunning(_ world: CSMWorld, _ tmuxName: String) async -> Bool {
        (try? await world.tmux.listSessions().contains { $0.tmuxName == tmuxName }) ?? false
    }

    /// Waits are generous (the whole suite runs in parallel on two cores, and CPU-heavy property tests can
    /// hold both for seconds); "within one interval" is checked by which pass did the work, and the wall
    /// time only loosely.
    static let wait: Duration = .seconds(60)

    @Test("a tmux session killed by hand is back within one interval")
    func killedSessionComesBack() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(
                world.config(sessions: "  a:\n    repo: app\n") + "server:\n  reconcile:\n    interval: 1s\n")
            try await Self.withRunningReconciler(world) { reconciler in
                #expect(await eventually(timeout: Self.wait) { await Self.isRunning(world, "csm-a") })
                #expect(await eventually(timeout: Self.wait) { await reconciler.latest != nil })
                let before = await reconciler.latest?.number ?? 0
                try await world.tmux.killSession(named: "csm-a")
                let clock = ContinuousClock()
                let killed = clock.now
                #expect(await eventually(timeout: Self.wait) { await Self.isRunning(world, "csm-a") })
                #expect(killed.duration(to: clock.now) < .seconds(10))
                #expect(
                    await eventually(timeout: Self.wait) {
                        guard let latest = await reconciler.latest else { return false }
                        return latest.number > before && !latest.results.isEmpty
                    })
                let restoring = try #require(await reconciler.latest)
                // The pass running when the session was killed may have observed it alive; the next one starts it.
                #expect(restoring.number <= before + 2, "restored by the first interval pass after the kill")
                #expect(restoring.reason == "interval")
                #expect(restoring.results.map(\.action) == [.start] && restoring.results.first?.outcome == .succeeded)
            }
        }
    }

    @Test("an edit of csm.yaml is applied by a pass it triggers, without waiting for the interval")
    func configEditApplied() async throws {
        try await withCSMWorld { world in
            let server = "server:\n  reconcile:\n    interval: 1h\n"
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n") + server)
            try await Self.withRunningReconciler(world) { reconciler in
                #expect(await eventually(timeout: Self.wait) { await Self.isRunning(world, "csm-a") })
                #expect(await eventually(timeout: Self.wait) { await reconciler.latest != nil })
                let clock = ContinuousClock()
                let edited = clock.now
                try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n  b:\n    repo: app\n") + server)
                #expect(await eventually(timeout: Self.wait) { await Self.isRunning(world, "csm-b") })
                // Noticed within a tick (50 ms here); the rest is creating the worktree and tmux session.
                #expect(edited.duration(to: clock.now) < .seconds(10))
                #expect(await eventually(timeout: Self.wait) { await reconciler.latest?.number == 2 })
                let pass = try #require(await reconciler.latest)
                #expect(pass.reason == "config changed", "the change, not the 1 h interval, triggered it")
                #expect(pass.results.map(\.session) == ["b"])
            }
        }
    }
}
