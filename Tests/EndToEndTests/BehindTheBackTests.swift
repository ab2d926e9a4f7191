import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Worktrees, branches and csm.yaml changed by hand while `csm server` runs, and two writers at once.
@Suite("changes behind csm's back", .tags(.realTmux, .realGit, .faults), .timeLimit(.minutes(5)))
struct BehindTheBackTests {
    static func lastPass(_ base: String) -> [String: Any] {
        jsonObject(httpGet(base + "/api/plan"))["pass"] as? [String: Any] ?? [:]
    }

    @Test("worktree deleted, gitdir pruned, branch deleted, csm.yaml invalid or deleted: repaired or reported, nothing destroyed")
    func handEdits() async throws {
        try await withCSMWorld { world in
            let names = ["a", "b", "c", "d"]
            let good = FaultTests.config(world, sessions: names, prune: true)
            try world.writeConfig(good)
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(90)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            #expect(await eventually(timeout: .seconds(90)) { await world.tmuxSessionNames().count == 4 })
            func worktree(_ name: String) -> URL { world.worktreeBase.appendingPathComponent("e2e/\(name)") }

            // a: the worktree folder deleted by hand → repaired on its branch, with its commit.
            try Data("kept\n".utf8).write(to: worktree("a").appendingPathComponent("kept.txt"))
            try world.git("add", "kept.txt", in: worktree("a"))
            try world.git("commit", "-q", "-m", "work on a", in: worktree("a"))
            try FileManager.default.removeItem(at: worktree("a"))
            #expect(
                await eventually(timeout: .seconds(60)) {
                    FileManager.default.fileExists(atPath: worktree("a").appendingPathComponent("kept.txt").path)
                }, "the worktree comes back from its branch: \(server.text)")

            // b: its git directory pruned by hand → no longer provably csm's: left alone, files kept.
            try Data("notes\n".utf8).write(to: worktree("b").appendingPathComponent("notes.txt"))
            let admin = try #require(
                try FileManager.default.contentsOfDirectory(
                    atPath: world.repo.appendingPathComponent(".git/worktrees").path
                ).first { $0.hasSuffix("-b") })
            try FileManager.default.removeItem(at: world.repo.appendingPathComponent(".git/worktrees/\(admin)"))

            // c: its branch deleted by hand (the ref only; git refuses `branch -D` of a checked-out branch).
            try Data("wip\n".utf8).write(to: worktree("c").appendingPathComponent("wip.txt"))
            try world.git("update-ref", "-d", "refs/heads/csm/c")

            let passNow = Self.lastPass(base)["number"] as? Int ?? 0
            #expect(await eventually(timeout: .seconds(60)) { (Self.lastPass(base)["number"] as? Int ?? 0) >= passNow + 2 })
            #expect(try String(contentsOf: worktree("b").appendingPathComponent("notes.txt"), encoding: .utf8) == "notes\n")
            #expect(try String(contentsOf: worktree("c").appendingPathComponent("wip.txt"), encoding: .utf8) == "wip\n")
            #expect(server.process.isRunning)

            // csm.yaml made invalid: the pass reports file:line:column and keeps the last valid csm.yaml.
            try world.writeConfig(good.replacingOccurrences(of: "  d:\n    repo: app\n", with: "  d:\n    repo: [app\n"))
            #expect(
                await eventually(timeout: .seconds(60)) {
                    (Self.lastPass(base)["error"] as? String ?? "").contains("csm.yaml:")
                }, "\(Self.lastPass(base))")
            let error = Self.lastPass(base)["error"] as? String ?? ""
            #expect(error.range(of: #"csm\.yaml:[0-9]+:[0-9]+: error"#, options: .regularExpression) != nil, "\(error)")
            #expect(error.contains("keeping the last valid csm.yaml"))
            try await world.tmux.killSession(named: "csm-d")
            #expect(
                await eventually(timeout: .seconds(60)) { await world.tmuxSessionNames().contains("csm-d") },
                "the last valid csm.yaml still keeps d running")
            let sessions = jsonObject(httpGet(base + "/api/sessions"))
            #expect((sessions["error"] as? [String: Any])?["code"] as? String == "config_invalid")

            // csm.yaml deleted: the same, and nothing is pruned although `prune: true`.
            try FileManager.default.removeItem(at: world.configFile)
            let passDeleted = Self.lastPass(base)["number"] as? Int ?? 0
            #expect(await eventually(timeout: .seconds(60)) { (Self.lastPass(base)["number"] as? Int ?? 0) >= passDeleted + 2 })
            #expect((Self.lastPass(base)["error"] as? String ?? "").contains("keeping the last valid csm.yaml"))
            for name in names where name != "b" {
                #expect(FileManager.default.fileExists(atPath: worktree(name).path), "\(name) is not destroyed")
            }
            #expect(await world.tmuxSessionNames().contains("csm-a"))

            try world.writeConfig(good)
            #expect(
                await eventually(timeout: .seconds(60)) { Self.lastPass(base)["error"] == nil || Self.lastPass(base)["error"] is NSNull },
                "a valid csm.yaml again: passes succeed: \(Self.lastPass(base))")
            #expect(try String(contentsOf: worktree("b").appendingPathComponent("notes.txt"), encoding: .utf8) == "notes\n")
            #expect(try String(contentsOf: worktree("c").appendingPathComponent("wip.txt"), encoding: .utf8) == "wip\n")
        }
    }

    @Test("two csm apply at once, and csm apply beside csm server, are serialised by the apply lock")
    func concurrentApplies() async throws {
        try await withCSMWorld { world in
            let names = FaultTests.sessions(6)
            try world.writeConfig(FaultTests.config(world, sessions: names, interval: "1s"))
            async let first = world.csm("apply")
            async let second = world.csm("apply")
            let (one, two) = try await (first, second)
            #expect(one.status == 0, "\(one.combined)")
            #expect(two.status == 0, "\(two.combined)")
            let created = (one.stdout + two.stdout).components(separatedBy: "Creation complete").count - 1
            #expect(created == names.count, "each session is created exactly once:\n\(one.combined)\n\(two.combined)")
            #expect(await world.tmuxSessionNames() == names.map { "csm-\($0)" })
            #expect(try world.gitWorktreePaths().count == names.count + 1)

            // Beside a server: apply and the reconciler both converge, neither fails on the other's work.
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(90)) { server.baseURL != nil }, "\(server.text)")
            for name in names { try await world.tmux.killSession(named: "csm-\(name)") }
            let apply = try await world.csm("apply")
            #expect(apply.status == 0, "\(apply.combined)")
            #expect(await eventually(timeout: .seconds(60)) { await world.tmuxSessionNames() == names.map { "csm-\($0)" } })
            let plan = try await world.csm("plan", "--detailed-exitcode")
            #expect(plan.status == 0, "\(plan.combined)")
            #expect(try world.gitWorktreePaths().count == names.count + 1)
            let sessions = try await world.tmux.listSessions()
            #expect(sessions.count == names.count, "no session was started twice")
        }
    }
}
