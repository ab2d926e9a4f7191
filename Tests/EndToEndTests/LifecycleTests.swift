import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The built `csm` binary against real tmux (private socket) and real git repositories.
@Suite("csm end to end", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct LifecycleTests {
    @Test("create, drift, start, blocked destroy, forced archive: the whole life of a session")
    func lifecycle() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            let created = try await world.csm("create", "feature", "--prompt", "add a test")
            #expect(created.status == 0, "\(created.combined)")
            #expect(created.stdout.contains("session.feature: Creation complete after"))
            #expect(created.stdout.contains("Apply complete! Sessions: 1 added, 0 changed, 0 destroyed."))
            #expect(try world.readConfig().contains("  feature:\n    repo: app\n    prompt: add a test\n"))

            let clean = try await world.csm("plan", "--detailed-exitcode")
            #expect(clean.status == 0, "\(clean.combined)")
            #expect(clean.stdout.hasPrefix("No changes."))

            try await world.tmux.killSession(named: "csm-feature")
            let drift = try await world.csm("plan", "--detailed-exitcode")
            #expect(drift.status == 2, "\(drift.combined)")
            #expect(drift.stdout.contains("~ session \"feature\""))
            #expect(drift.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."))
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            #expect(applied.stdout.contains("session.feature: Start complete after"))
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)

            let worktree = world.worktreeBase.appendingPathComponent("e2e/feature")
            try Data("notes\n".utf8).write(to: worktree.appendingPathComponent("notes.txt"))
            let refused = try await world.csm("kill", "feature")
            #expect(refused.status == 1, "\(refused.combined)")
            #expect(refused.stderr.contains("1 untracked file"))
            #expect(refused.stdout.contains("! session \"feature\""))
            #expect(try world.readConfig().contains("feature:"), "a refused kill leaves csm.yaml alone")
            #expect(FileManager.default.fileExists(atPath: worktree.path))

            let forced = try await world.csm("kill", "feature", "--force")
            #expect(forced.status == 0, "\(forced.combined)")
            #expect(!FileManager.default.fileExists(atPath: worktree.path))
            let archives = try world.git("for-each-ref", "--format=%(refname)", "refs/csm/archive/feature/")
            let archive = try #require(archives.split(separator: "\n").first.map(String.init))
            #expect(try world.git("show", "\(archive):notes.txt") == "notes\n")
            #expect(try world.git("branch", "--list", "csm/feature").contains("csm/feature"), "the branch is kept")
            #expect(!(try world.readConfig().contains("feature:")))
            let sessions = try await world.tmux.listSessions()
            #expect(sessions.isEmpty)
        }
    }

    @Test("the agent starts in its worktree with a session id and csm's hook settings, then continues")
    func agentLaunch() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  api:\n    repo: app\n    model: opus\n    prompt: \"-starts with a dash\"\n"))
            #expect(try await world.csm("apply").status == 0)
            #expect(await eventually { world.agentLaunches().count == 1 })
            let first = try #require(world.agentLaunches().first)
            #expect(first[0] == "--session-id" && UUID(uuidString: first[1]) != nil)
            #expect(first[2] == "--settings")
            #expect(Array(first[4...]) == ["--permission-mode", "default", "--model", "opus", "--", "-starts with a dash"])
            let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: first[3]))) as? [String: Any]
            let hooks = try #require(settings?["hooks"] as? [String: Any])
            #expect(Set(hooks.keys).isSuperset(of: ["SessionStart", "PreToolUse", "Stop", "SessionEnd", "PermissionRequest"]))

            try await world.tmux.killSession(named: "csm-api")
            #expect(try await world.csm("apply").status == 0)
            #expect(await eventually { world.agentLaunches().count == 2 })
            #expect(world.agentLaunches().last?.prefix(2) == ["--continue", "--settings"])
        }
    }

    @Test("the generated hook command records the payload and exits 0")
    func hookCommand() async throws {
        try await withCSMWorld { world in
            let payload = #"{"hook_event_name":"Stop","session_id":"x"}"#
            let result = try await world.csm("hook", "--workspace", "e2e", "--session", "api", "--state-dir", world.stateDir.path, input: payload)
            #expect(result.status == 0 && result.stdout.isEmpty)
            let log = try String(contentsOf: world.stateDir.appendingPathComponent("workspaces/e2e/sessions/api/hooks.jsonl"), encoding: .utf8)
            #expect(log.contains(#""hook_event_name":"Stop""#))
        }
    }

    @Test("a changed model restarts the agent; an undeclared session is destroyed after --yes")
    func restartAndDestroy() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n  b:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n    model: sonnet\n"))
            let plan = try await world.csm("plan")
            #expect(plan.stdout.contains("# session \"a\" will be restarted: the agent settings changed"))
            #expect(plan.stdout.contains("# session \"b\" will be destroyed: no longer declared in csm.yaml"))
            #expect(plan.stdout.contains("Plan: 0 to add, 1 to change, 1 to destroy."))

            let refused = try await world.csm("apply")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("re-run with --yes"))
            #expect(try await world.tmux.listSessions().count == 2, "nothing was applied without confirmation")

            let applied = try await world.csm("apply", "--yes", "--delete-branch")
            #expect(applied.status == 0, "\(applied.combined)")
            #expect(applied.stdout.contains("Sessions: 0 added, 1 changed, 1 destroyed."))
            #expect(try world.git("branch", "--list", "csm/b").isEmpty)
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("a worktree deleted by hand is repaired on its branch with its commits")
    func repair() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  fix:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            let worktree = world.worktreeBase.appendingPathComponent("e2e/fix")
            try Data("x\n".utf8).write(to: worktree.appendingPathComponent("x.txt"))
            try world.git("add", "x.txt", in: worktree)
            try world.git("commit", "-q", "-m", "work", in: worktree)
            try FileManager.default.removeItem(at: worktree)
            let plan = try await world.csm("plan")
            #expect(plan.stdout.contains("will be repaired"), "\(plan.combined)")
            #expect(try await world.csm("apply").status == 0)
            #expect(FileManager.default.fileExists(atPath: worktree.appendingPathComponent("x.txt").path))
            #expect(try world.git("log", "-1", "--format=%s", in: worktree) == "work\n")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("an existing branch is checked out as it is, not reset to the base")
    func existingBranch() async throws {
        try await withCSMWorld { world in
            try world.git("branch", "csm/old")
            try world.git("commit", "-q", "--allow-empty", "-m", "main moves on")
            let oldTip = try world.git("rev-parse", "csm/old")
            try world.writeConfig(world.config(sessions: "  old:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            #expect(try world.git("rev-parse", "HEAD", in: world.worktreeBase.appendingPathComponent("e2e/old")) == oldTip)
        }
    }

    @Test("list shows running, missing and unmanaged sessions, also as JSON")
    func list() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  up:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try world.writeConfig(world.config(sessions: "  up:\n    repo: app\n  down:\n    repo: app\n"))
            try runTool("tmux", ["-L", world.tmuxSocket, "new-session", "-d", "-s", "csm-stranger", "sleep", "60"])
            let table = try await world.csm("ls")
            #expect(table.status == 0, "\(table.combined)")
            #expect(table.stdout.hasPrefix("NAME"))
            let json = try await world.csm("list", "--json")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            let statuses = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0["status"] as? String ?? "") })
            #expect(statuses == ["up": "running", "down": "missing", "stranger": "unmanaged"])
        }
    }

    @Test("create and kill keep every comment and unrelated byte of csm.yaml")
    func commentsKept() async throws {
        try await withCSMWorld { world in
            let original = world.config() + "# trailing comment\nfavorites: []  # none yet\n"
            try world.writeConfig(original)
            #expect(try await world.csm("create", "tmp").status == 0)
            #expect(try world.readConfig() != original)
            #expect(try await world.csm("kill", "tmp").status == 0)
            #expect(try world.readConfig() == original)
        }
    }

    @Test("config errors name file, line and column; plan exits 1")
    func configErrors() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config().replacingOccurrences(of: "worktreeBase:", with: "worktreBase:"))
            let result = try await world.csm("plan", "--detailed-exitcode")
            #expect(result.status == 1)
            #expect(result.stderr.contains("csm.yaml:5:3: error: unknown key 'worktreBase'"), "\(result.combined)")
            #expect(result.stderr.contains("did you mean 'worktreeBase'?"))
        }
    }

    @Test("plan --json describes the same plan")
    func planJSON() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  j:\n    repo: app\n"))
            let result = try await world.csm("plan", "--json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect((document["summary"] as? [String: Int])?["add"] == 1)
            #expect(((document["actions"] as? [[String: Any]])?.first?["kind"] as? String) == "create")
        }
    }
}

@Suite("csm end to end: edges", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct EdgeTests {
    @Test("killing a declared session that never ran only edits csm.yaml")
    func killNeverApplied() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  idle:\n    repo: app\n"))
            let result = try await world.csm("kill", "idle")
            #expect(result.status == 0, "\(result.combined)")
            #expect(!(try world.readConfig().contains("idle:")))
        }
    }

    @Test("unknown targets and unknown sessions are errors that list what exists")
    func unknownNames() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  a:\n    repo: app\n"))
            let plan = try await world.csm("plan", "--target", "nope")
            #expect(plan.status == 1 && plan.stderr.contains("--target 'nope' names no session"), "\(plan.combined)")
            let kill = try await world.csm("kill", "nope")
            #expect(kill.status == 1 && kill.stderr.contains("no session named 'nope'"), "\(kill.combined)")
            let create = try await world.csm("create", "a")
            #expect(create.status == 1 && create.stderr.contains("already declared"), "\(create.combined)")
        }
    }

    @Test("global options work before the command too")
    func globalOptionsFirst() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            let other = world.root.appendingPathComponent("other.yaml")
            try Data(world.config(workspace: "other").utf8).write(to: other)
            let result = try await world.csm("-f", other.path, "plan")
            #expect(result.status == 0 && result.stdout.contains("Workspace 'other'"), "\(result.combined)")
        }
    }

    @Test("a tmux session of the same name that csm does not own blocks the create and is left alone")
    func unownedCollision() async throws {
        try await withCSMWorld { world in
            try runTool("tmux", ["-L", world.tmuxSocket, "new-session", "-d", "-s", "csm-taken", "sleep", "60"])
            try world.writeConfig(world.config(sessions: "  taken:\n    repo: app\n"))
            let result = try await world.csm("apply")
            #expect(result.status == 1)
            #expect(result.stdout.contains("! session \"taken\""), "\(result.combined)")
            #expect(result.stderr.contains("belongs to no csm workspace"))
            let sessions = try await world.tmux.listSessions()
            #expect(sessions.map(\.tmuxName) == ["csm-taken"] && sessions[0].workspace == nil)
        }
    }

    @Test("sessions named with dots run in tmux, which writes '.' as '_', and converge")
    func dottedNames() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  v1.2-fix:\n    repo: app\n  it.a.b:\n    repo: app\n"))
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            let tmuxNames = Set(try await world.tmux.listSessions().map(\.tmuxName))
            #expect(tmuxNames.isSuperset(of: ["csm-v1_2-fix", "csm-it_a_b"]), "\(tmuxNames)")
            let clean = try await world.csm("plan", "--detailed-exitcode")
            #expect(clean.status == 0, "a second plan has nothing to do: \(clean.combined)")
            let list = try await world.csm("list")
            #expect(list.stdout.contains("v1.2-fix") && list.stdout.contains("it.a.b"), "\(list.combined)")
            #expect(!list.stdout.contains("unmanaged"), "\(list.combined)")

            try await world.tmux.killSession(named: "csm-v1_2-fix")
            let repaired = try await world.csm("apply")
            #expect(repaired.stdout.contains("session.v1.2-fix: Start complete after"), "\(repaired.combined)")
            let killed = try await world.csm("kill", "it.a.b")
            #expect(killed.status == 0, "\(killed.combined)")
            #expect(!(try await world.tmux.listSessions().map(\.tmuxName)).contains("csm-it_a_b"))
        }
    }
}
