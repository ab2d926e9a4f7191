import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("csm server end to end", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct ServerEndToEndTests {
    @Test("csm server corrects drift, holds the workspace lock against a second server, and stops cleanly on SIGTERM")
    func serverLifecycle() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(
                world.config(sessions: "  a:\n    repo: app\n") + "server:\n  reconcile:\n    interval: 1s\n")
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(60)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            #expect(server.text.contains("/?login="))

            func running() async -> Bool {
                (try? await world.tmux.listSessions().contains { $0.tmuxName == "csm-a" }) ?? false
            }
            #expect(await eventually(timeout: .seconds(60)) { await running() })
            try await world.tmux.killSession(named: "csm-a")
            #expect(await eventually(timeout: .seconds(60)) { await running() }, "the reconciler starts it again")

            let health = try runTool("curl", ["-s", "\(base)/api/health"])
            #expect(health.contains(#""status":"ok""#))
            let sessions = try runTool("curl", ["-s", "\(base)/api/sessions"])
            #expect(sessions.contains(#""name":"a""#))

            let second = try await world.csm("server", "--listen", "127.0.0.1:0")
            #expect(second.status == 1)
            #expect(
                second.stderr.contains("server.lock is held by process \(server.process.processIdentifier)"),
                "\(second.combined)")

            let apply = try await world.csm("apply")
            #expect(apply.status == 0, "csm apply waits for the apply lock, not the server lock: \(apply.combined)")

            server.process.terminate()
            #expect(await eventually(timeout: .seconds(60)) { !server.process.isRunning })
            #expect(server.process.terminationStatus == 0, "\(server.text)")
            let lock = try String(
                contentsOf: world.stateDir.appendingPathComponent("workspaces/e2e/server.lock"), encoding: .utf8)
            #expect(lock.isEmpty, "the lock is released")
            let token = world.stateDir.appendingPathComponent("token").path
            let mode = try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("csm apply names the holder of the apply lock, waits for it, then applies")
    func applyWaitsForLock() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n"))
            let path = world.stateDir.appendingPathComponent("workspaces/e2e/apply.lock").path
            let holder = LockHolder(pid: getpid(), command: "test holder", since: Date())
            let lock = try #require(try WorkspaceLock.tryAcquire(path: path, holder: holder))
            let apply = try CSMProcess(world: world, arguments: ["apply"])
            defer { apply.stop() }
            #expect(await eventually(timeout: .seconds(60)) { apply.text.contains("waiting up to") }, "\(apply.text)")
            #expect(apply.text.contains("is being changed by process \(getpid()) (test holder)"))
            #expect(try await world.tmux.listSessions().isEmpty, "nothing is applied while the lock is held")
            lock.release()
            #expect(await eventually(timeout: .seconds(60)) { !apply.process.isRunning })
            #expect(apply.process.terminationStatus == 0, "\(apply.text)")
            #expect(try await world.tmux.listSessions().map(\.tmuxName) == ["csm-a"])
        }
    }
}
