import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `csm` binary under faults: SIGKILL mid-work, a killed tmux server, files changed behind its
/// back. Every test starts its own world (temp repo, private tmux server, state dir) and removes it.
@Suite("faults end to end", .tags(.realTmux, .realGit, .faults), .timeLimit(.minutes(5)))
struct FaultTests {
    static func sessions(_ count: Int) -> [String] { (0..<count).map { String(format: "s%02d", $0) } }

    static func config(_ world: CSMWorld, sessions: [String], interval: String = "1s", prune: Bool = false) -> String {
        world.config(sessions: sessions.map { "  \($0):\n    repo: app\n" }.joined())
            + "server:\n  reconcile:\n    interval: \(interval)\n    prune: \(prune)\n"
    }

    @Test("kill -9 of csm server under a flood of events: files parse, ids continue, SSE clients resume without gap or duplicate")
    func killServerUnderLoad() async throws {
        try await withCSMWorld { world in
            let names = Self.sessions(20)
            try world.writeConfig(Self.config(world, sessions: names))
            let first = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { first.stop() }
            #expect(await eventually(timeout: .seconds(90)) { first.baseURL != nil }, "\(first.text)")
            let base = try #require(first.baseURL)
            #expect(
                await eventually(timeout: .seconds(120)) {
                    await world.tmuxSessionNames() == names.map { "csm-\($0)" }
                        && names.allSatisfy { world.hookSecret($0) != nil }
                }, "\(first.text)")
            let pairs = names.map { "\($0)=\(world.hookSecret($0) ?? "")" }
            let flood = fixturesDirectory.appendingPathComponent("bin/hook-flood").path

            let client = try SSEClient(url: base + "/api/events", lastEventID: 0)
            defer { client.stop() }
            // 1,000 events/s offered; the kill comes once the client has 1,500 of them (or after 90 s on a
            // machine too busy for that), in the middle of the flood either way.
            let load = try BackgroundProgram(flood, [base, "120", "1000"] + pairs)
            defer { load.stop() }
            _ = await eventually(timeout: .seconds(90)) { client.ids.count > 1500 }
            #expect(client.ids.count > 100, "events stream before the kill")
            await killHard(first.process)
            load.stop()
            #expect(await eventually(timeout: .seconds(10)) { !client.program.process.isRunning })

            // Every line of every file decodes; ids increase strictly in each file and are unique overall.
            let before = try world.eventIDsByFile()
            for (file, ids) in before { #expect(ids == ids.sorted() && Set(ids).count == ids.count, "\(file)") }
            let storedBefore = before.values.flatMap { $0 }
            #expect(Set(storedBefore).count == storedBefore.count, "no id is in two files")
            let highestBefore = try #require(storedBefore.max())
            let received = client.ids
            #expect(received == received.sorted() && Set(received).count == received.count)
            #expect(Set(received).isSubset(of: Set(storedBefore)), "what a client saw is on disk")

            let second = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { second.stop() }
            #expect(await eventually(timeout: .seconds(90)) { second.baseURL != nil }, "\(second.text)")
            let base2 = try #require(second.baseURL)
            let resumed = try SSEClient(url: base2 + "/api/events", lastEventID: received.last ?? 0)
            defer { resumed.stop() }
            let load2 = try BackgroundProgram(flood, [base2, "2", "1000"] + pairs)
            defer { load2.stop() }
            #expect(await eventually(timeout: .seconds(60)) { !load2.process.isRunning })

            let after = try world.eventIDsByFile()
            for (file, ids) in after { #expect(ids == ids.sorted() && Set(ids).count == ids.count, "\(file)") }
            let storedAfter = after.values.flatMap { $0 }.sorted()
            #expect(Set(storedAfter).count == storedAfter.count, "no id is reused after the restart")
            let fresh = storedAfter.filter { !Set(storedBefore).contains($0) }
            #expect(!fresh.isEmpty && fresh.allSatisfy { $0 > highestBefore }, "ids continue after \(highestBefore)")
            let highest = try #require(storedAfter.last)
            #expect(await eventually(timeout: .seconds(60)) { (resumed.ids.last ?? 0) >= highest })
            let seen = received + resumed.ids.filter { $0 <= highest }
            #expect(seen == storedAfter.filter { $0 <= highest }, "the two clients together saw every event once")
            #expect(Set(seen).count == seen.count, "no duplicate across the resume")
        }
    }

    @Test("kill -9 of csm apply while it creates 20 sessions: the next apply converges with nothing orphaned")
    func killApplyMidway() async throws {
        try await withCSMWorld { world in
            let names = Self.sessions(20)
            // Enough files that each checkout takes a moment: the kill lands inside some of them.
            let files = world.repo.appendingPathComponent("files")
            try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
            for index in 0..<3000 {
                try Data("file \(index)\n".utf8).write(to: files.appendingPathComponent("f\(index).txt"))
            }
            try world.git("add", "files")
            try world.git("commit", "-q", "-m", "many files")
            try world.writeConfig(Self.config(world, sessions: names))
            let apply = try CSMProcess(world: world, arguments: ["apply"])
            defer { apply.stop() }
            var killedMidway = false
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(120)
            while clock.now < deadline {
                let made = world.worktreeFolders().count
                if made >= 3 || !apply.process.isRunning {
                    killedMidway = made < names.count && apply.process.isRunning
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            await killHard(apply.process)
            #expect(killedMidway, "the apply was killed before it finished: \(apply.text)")

            let again = try await world.csm("apply")
            #expect(again.status == 0, "\(again.combined)")
            #expect(await world.tmuxSessionNames() == names.map { "csm-\($0)" })
            #expect(world.worktreeFolders() == names)
            let expected = [world.repo.path] + names.map { world.worktreeBase.appendingPathComponent("e2e/\($0)").path }
            #expect(try world.gitWorktreePaths() == expected, "git worktree list agrees with csm")
            #expect(try world.git("worktree", "prune", "--dry-run", "-v").isEmpty, "no stale worktree registration")
            let branches = try world.git("for-each-ref", "--format=%(refname:short)", "refs/heads/")
                .split(separator: "\n").map(String.init).sorted()
            #expect(branches == (["main"] + names.map { "csm/\($0)" }).sorted())
            let plan = try await world.csm("plan", "--detailed-exitcode")
            #expect(plan.status == 0, "\(plan.combined)")
        }
    }

    @Test("the tmux server killed under csm server: sessions come back with --continue, reported as drift")
    func tmuxServerKilled() async throws {
        try await withCSMWorld { world in
            let names = Self.sessions(3)
            try world.writeConfig(Self.config(world, sessions: names))
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(90)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            #expect(await eventually(timeout: .seconds(90)) { await world.tmuxSessionNames().count == 3 })
            let launchesBefore = world.agentLaunches().count
            let passesBefore = (jsonObject(httpGet(base + "/api/health"))["reconcile"] as? [String: Any])?["passes"] as? Int
            _ = try? runTool("tmux", ["-L", world.tmuxSocket, "kill-server"])

            #expect(await eventually(timeout: .seconds(90)) { await world.tmuxSessionNames() == names.map { "csm-\($0)" } })
            #expect(await eventually(timeout: .seconds(30)) { world.agentLaunches().count >= launchesBefore + 3 })
            for launch in world.agentLaunches().dropFirst(launchesBefore) {
                #expect(launch.contains("--continue"), "the agent continues its conversation: \(launch)")
            }
            for name in names {
                let file = world.stateDir.appendingPathComponent("workspaces/e2e/events/sessions/\(name).jsonl")
                #expect(
                    await eventually(timeout: .seconds(30)) {
                        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").contains("session.drift")
                    })
                let text = try String(contentsOf: file, encoding: .utf8)
                let drift = text.split(separator: "\n").map { jsonObject(String($0)) }.filter {
                    $0["type"] as? String == "session.drift"
                }
                #expect(drift.count == 1, "\(name): \(text)")
                let data = drift.first?["data"] as? [String: Any]
                #expect(data?["action"] as? String == "start")
                if let pass = data?["pass"] as? Int, let passesBefore {
                    #expect(pass <= passesBefore + 2, "recreated by the next interval's pass")
                }
            }
        }
    }
}
