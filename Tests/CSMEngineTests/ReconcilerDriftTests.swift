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

    @Test("a tmux session killed by hand is back within one interval")
    func killedSessionComesBack() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(
                world.config(sessions: "  a:\n    repo: app\n") + "server:\n  reconcile:\n    interval: 1s\n")
            try await Self.withRunningReconciler(world) { _ in
                #expect(await eventually { await Self.isRunning(world, "csm-a") })
                try await world.tmux.killSession(named: "csm-a")
                let clock = ContinuousClock()
                let killed = clock.now
                #expect(await eventually(timeout: .seconds(5)) { await Self.isRunning(world, "csm-a") })
                #expect(
                    killed.duration(to: clock.now) < .milliseconds(2500), "one interval (1 s) plus the start itself")
            }
        }
    }

    @Test("an edit of csm.yaml is applied within about a second, without waiting for the interval")
    func configEditApplied() async throws {
        try await withCSMWorld { world in
            let server = "server:\n  reconcile:\n    interval: 1h\n"
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n") + server)
            try await Self.withRunningReconciler(world) { reconciler in
                #expect(await eventually { await Self.isRunning(world, "csm-a") })
                #expect(await eventually { await reconciler.latest != nil })
                let clock = ContinuousClock()
                let edited = clock.now
                try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n  b:\n    repo: app\n") + server)
                #expect(await eventually(timeout: .seconds(5)) { await Self.isRunning(world, "csm-b") })
                #expect(edited.duration(to: clock.now) < .milliseconds(1500))
                #expect(await reconciler.latest?.reason == "config changed")
            }
        }
    }
}
