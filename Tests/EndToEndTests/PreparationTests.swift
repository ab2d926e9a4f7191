import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

extension CSMWorld {
    /// The world's csm.yaml with `repoLines` (indented four spaces) added to repo `app`.
    func config(repo repoLines: String, sessions: String) -> String {
        config(sessions: sessions).replacingOccurrences(
            of: "    baseBranch: main\n", with: "    baseBranch: main\n" + repoLines)
    }

    /// The environment the program in `window` of `tmuxName` was started with (read from /proc).
    func windowEnvironment(_ tmuxName: String, window: String) throws -> [String: String] {
        let pid = try runTool(
            "tmux", ["-L", tmuxSocket, "list-panes", "-t", "=\(tmuxName):\(window)", "-F", "#{pane_pid}"]
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        var out: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            out[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return out
    }

    func windowNames(_ tmuxName: String) throws -> [String] {
        try runTool("tmux", ["-L", tmuxSocket, "list-windows", "-t", "=\(tmuxName)", "-F", "#{window_name}"])
            .split(separator: "\n").map(String.init)
    }
}

/// Setup, copied files, env and the terminal window, through the built binary against real tmux and git.
@Suite("Session preparation end to end", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct PreparationTests {
    @Test("setup runs before the agent, once, and again when its text changes")
    func setupSuccessAndRerun() async throws {
        try await withCSMWorld { world in
            let runs = world.root.appendingPathComponent("setup-runs").path
            let setup =
                "    setup:\n      - echo \"preparing $GREETING\"\n      - echo run >> \(runs)\n      - test ! -e \(world.agentLog.path)\n"
            try world.writeConfig(
                world.config(repo: setup + "    env: {GREETING: hello}\n", sessions: "  s:\n    repo: app\n"))
            let created = try await world.csm("apply")
            #expect(created.status == 0, "\(created.combined)")
            #expect(await eventually { world.agentLaunches().count == 1 })
            let log = try String(
                contentsOf: world.stateDir.appendingPathComponent("workspaces/e2e/sessions/s/setup.log"),
                encoding: .utf8)
            #expect(log.contains("preparing hello"))
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)

            try await world.tmux.killSession(named: "csm-s")
            #expect(try await world.csm("apply").status == 0)
            #expect(
                try String(contentsOfFile: runs, encoding: .utf8) == "run\n",
                "a restart does not run the same setup again")

            // The agent has run by now, so the changed setup drops the "no agent yet" check.
            let changed = setup.replacingOccurrences(of: "preparing", with: "again")
                .replacingOccurrences(of: "      - test ! -e \(world.agentLog.path)\n", with: "")
            try world.writeConfig(
                world.config(
                    repo: changed + "    env: {GREETING: hello}\n",
                    sessions: "  s:\n    repo: app\n"))
            let plan = try await world.csm("plan")
            #expect(plan.stdout.contains("will be restarted: the agent settings changed"), "\(plan.combined)")
            let rerun = try await world.csm("apply")
            #expect(rerun.status == 0, "\(rerun.combined)")
            #expect(try String(contentsOfFile: runs, encoding: .utf8) == "run\nrun\n")
        }
    }

    @Test("a failed setup blocks the session with the log tail, and the agent is never started")
    func setupFailure() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(
                world.config(
                    repo: "    setup: |\n      echo first line\n      echo boom >&2\n      exit 3\n",
                    sessions: "  s:\n    repo: app\n"))
            let created = try await world.csm("create", "t")
            #expect(created.status == 1, "\(created.combined)")
            #expect(created.stderr.contains("setup failed with exit status 3"), "\(created.combined)")
            #expect(created.stderr.contains("| boom"))
            #expect(try await world.tmux.listSessions().isEmpty)
            #expect(world.agentLaunches().isEmpty, "the agent never starts in a half-prepared worktree")

            let plan = try await world.csm("plan", "--detailed-exitcode")
            #expect(plan.status == 2)
            #expect(plan.stdout.contains("! session \"t\""), "\(plan.combined)")
            #expect(plan.stdout.contains("its setup failed with exit status 3"))
            #expect(plan.stdout.contains("| boom"))
            let list = try await world.csm("list")
            #expect(list.stdout.contains("blocked"), "\(list.combined)")
            #expect(list.stdout.contains("    | boom"))
            let json = try await world.csm("list", "--json")
            #expect(json.stdout.contains("\"exitStatus\" : 3"), "\(json.combined)")

            let blocked = try await world.csm("apply", "--target", "t")
            #expect(blocked.status == 1)
            #expect(world.agentLaunches().isEmpty)

            try world.writeConfig(
                world.config(repo: "    setup: echo fixed\n", sessions: "  s:\n    repo: app\n  t:\n    repo: app\n"))
            let fixed = try await world.csm("apply", "--target", "t")
            #expect(fixed.status == 0, "\(fixed.combined)")
            #expect(await eventually { world.agentLaunches().count == 1 })
        }
    }

    @Test("--retry-setup runs a failed setup again")
    func retrySetup() async throws {
        try await withCSMWorld { world in
            let flag = world.root.appendingPathComponent("allow").path
            try world.writeConfig(world.config(repo: "    setup: test -e \(flag)\n", sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 1)
            #expect(FileManager.default.createFile(atPath: flag, contents: Data()))
            #expect(try await world.csm("apply").status == 1, "still blocked without --retry-setup")
            let retried = try await world.csm("apply", "--retry-setup")
            #expect(retried.status == 0, "\(retried.combined)")
            #expect(await eventually { world.agentLaunches().count == 1 })
        }
    }

    @Test(".env and .worktreeinclude files are copied into a new worktree; tracked files are not overwritten")
    func copiedFiles() async throws {
        try await withCSMWorld { world in
            try Data(".env\nlocal/\n".utf8).write(to: world.repo.appendingPathComponent(".gitignore"))
            try Data("local/\n".utf8).write(to: world.repo.appendingPathComponent(".worktreeinclude"))
            try world.git("add", ".gitignore", ".worktreeinclude")
            try world.git("commit", "-q", "-m", "ignore")
            try Data("SECRET=1\n".utf8).write(to: world.repo.appendingPathComponent(".env"))
            try FileManager.default.createDirectory(
                at: world.repo.appendingPathComponent("local"), withIntermediateDirectories: true)
            try Data("x\n".utf8).write(to: world.repo.appendingPathComponent("local/settings.json"))
            try Data("# changed in the checkout\n".utf8).write(to: world.repo.appendingPathComponent("README.md"))
            try world.writeConfig(
                world.config(repo: "    copy: [.env, README.md, \"*.missing\"]\n", sessions: "  s:\n    repo: app\n"))
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/s")
            #expect(try String(contentsOf: worktree.appendingPathComponent(".env"), encoding: .utf8) == "SECRET=1\n")
            #expect(
                try String(contentsOf: worktree.appendingPathComponent("local/settings.json"), encoding: .utf8) == "x\n"
            )
            #expect(try String(contentsOf: worktree.appendingPathComponent("README.md"), encoding: .utf8) == "# app\n")
            #expect(try world.git("status", "--porcelain", in: worktree).isEmpty)
        }
    }

    @Test("env reaches both windows through the launch scripts, and never a pane")
    func environment() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(
                world.config(
                    repo: "    env: {SHARED: repo, TOKEN: s3cret}\n",
                    sessions: "  s:\n    repo: app\n    env: {SHARED: session}\n    effort: high\n"))
            #expect(try await world.csm("apply").status == 0)
            #expect(await eventually { world.agentLaunches().count == 1 })
            #expect(world.agentLaunches()[0].contains("--effort"))
            for window in ["claude", "terminal"] {
                let env = try world.windowEnvironment("csm-s", window: window)
                #expect(env["SHARED"] == "session" && env["TOKEN"] == "s3cret", "window \(window)")
                let pane = try runTool(
                    "tmux", ["-L", world.tmuxSocket, "capture-pane", "-p", "-t", "=csm-s:\(window)"])
                #expect(!pane.contains("s3cret"))
            }
        }
    }

    @Test("a killed terminal window is drift: plan shows it and apply restores it without restarting the agent")
    func terminalRestored() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            #expect(await eventually { world.agentLaunches().count == 1 })
            try runTool("tmux", ["-L", world.tmuxSocket, "kill-window", "-t", "=csm-s:terminal"])
            let plan = try await world.csm("plan", "--detailed-exitcode")
            #expect(plan.status == 2)
            #expect(plan.stdout.contains("the window 'terminal' is gone\n  #   the agent keeps running"), "\(plan.combined)")
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            #expect(try world.windowNames("csm-s").sorted() == ["claude", "terminal"])
            #expect(world.agentLaunches().count == 1, "the agent was not restarted")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test(
        "the CLAUDE.md context section is written, kept out of git status, and updated in place",
        arguments: [false, true])
    func contextFile(repoHasClaudeMD: Bool) async throws {
        try await withCSMWorld { world in
            if repoHasClaudeMD {
                try Data("# Project rules\nUse tabs.\n".utf8).write(to: world.repo.appendingPathComponent("CLAUDE.md"))
                try world.git("add", "CLAUDE.md")
                try world.git("commit", "-q", "-m", "rules")
            }
            try world.writeConfig(
                world.config(sessions: "  s:\n    repo: app\n    linear: ENG-7\n    context: Only touch the parser.\n"))
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/s")
            let file = worktree.appendingPathComponent("CLAUDE.md")
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("Only touch the parser.") && text.contains("ENG-7"))
            #expect(
                text.hasPrefix(
                    repoHasClaudeMD ? "# Project rules\nUse tabs.\n\n<!-- csm:context:start" : "<!-- csm:context:start")
            )
            #expect(try world.git("status", "--porcelain", in: worktree).isEmpty)
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
            let created = try await world.csm("create", "c", "--context", "From the command line.", "--effort", "max")
            #expect(created.status == 0, "\(created.combined)")
            #expect(
                try world.readConfig().contains(
                    "  c:\n    repo: app\n    effort: max\n    context: From the command line.\n"))
            let createdFile = world.worktreeBase.appendingPathComponent("e2e/c/CLAUDE.md")
            #expect(try String(contentsOf: createdFile, encoding: .utf8).contains("From the command line."))
            #expect(try await world.csm("kill", "c").status == 0)

            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n    context: Now the lexer.\n"))
            #expect(try await world.csm("apply").status == 0)
            let updated = try String(contentsOf: file, encoding: .utf8)
            #expect(updated.contains("Now the lexer.") && !updated.contains("parser") && !updated.contains("ENG-7"))
            #expect(updated.components(separatedBy: "csm:context:start").count == 2)
            #expect(try world.git("status", "--porcelain", in: worktree).isEmpty)
            let killed = try await world.csm("kill", "s")
            #expect(killed.status == 0, "the context file is not work that blocks a kill: \(killed.combined)")
        }
    }
}
