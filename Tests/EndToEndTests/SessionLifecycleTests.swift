import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Rename, merge, archive, restore and run, through the built binary against real tmux and git.
@Suite("Session lifecycle end to end", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct SessionLifecycleTests {
    /// Commits `file` with `content` in the session's worktree.
    func commit(_ world: CSMWorld, session: String, file: String, content: String, message: String) throws {
        let worktree = world.worktreeBase.appendingPathComponent("e2e/\(session)")
        try Data(content.utf8).write(to: worktree.appendingPathComponent(file))
        try world.git("add", file, in: worktree)
        try world.git("commit", "-q", "-m", message, in: worktree)
    }

    @Test("rename moves config, tmux session, worktree, default branch and state, and back again")
    func renameRoundTrip() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  old:\n    repo: app  # keep me\nfavorites: [old]\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "old", file: "a.txt", content: "a\n", message: "work on a")
            let renamed = try await world.csm("rename", "old", "new")
            #expect(renamed.status == 0, "\(renamed.combined)")
            #expect(try world.readConfig().contains("  new:\n    repo: app  # keep me\nfavorites: [new]\n"))
            let worktree = world.worktreeBase.appendingPathComponent("e2e/new")
            #expect(try world.git("log", "-1", "--format=%s", in: worktree) == "work on a\n")
            #expect(try world.git("rev-parse", "--abbrev-ref", "HEAD", in: worktree) == "csm/new\n")
            #expect(try world.git("branch", "--list", "csm/old").isEmpty)
            #expect(!FileManager.default.fileExists(atPath: world.worktreeBase.appendingPathComponent("e2e/old").path))
            #expect(try world.git("worktree", "list", "--porcelain").contains(worktree.path))
            #expect(try await world.tmux.listSessions().map(\.tmuxName) == ["csm-new"])
            #expect(
                FileManager.default.fileExists(
                    atPath: world.stateDir.appendingPathComponent("workspaces/e2e/sessions/new/agent.sh").path))
            #expect(world.agentLaunches().last?.first == "--continue")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)

            let back = try await world.csm("rename", "new", "old")
            #expect(back.status == 0, "\(back.combined)")
            #expect(try world.readConfig().contains("  old:\n    repo: app  # keep me\nfavorites: [old]\n"))
            #expect(
                try world.git(
                    "rev-parse", "--abbrev-ref", "HEAD", in: world.worktreeBase.appendingPathComponent("e2e/old"))
                    == "csm/old\n")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("a rename whose target folder exists rolls every step back")
    func renameRollback() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  old:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            let config = try world.readConfig()
            let blocker = world.worktreeBase.appendingPathComponent("e2e/new")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
            let result = try await world.csm("rename", "old", "new")
            #expect(result.status == 1)
            #expect(result.stderr.contains("rolled back"), "\(result.combined)")
            #expect(try world.readConfig() == config)
            #expect(try world.git("branch", "--list", "csm/new").isEmpty)
            #expect(
                try world.git(
                    "rev-parse", "--abbrev-ref", "HEAD", in: world.worktreeBase.appendingPathComponent("e2e/old"))
                    == "csm/old\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: blocker.path).isEmpty)
            #expect(try await world.tmux.listSessions().map(\.tmuxName) == ["csm-old"], "the old session runs again")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("merge fast-forwards the base, updating the source checkout")
    func mergeFastForward() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "s", file: "f.txt", content: "f\n", message: "add f")
            let tip = try world.git("rev-parse", "csm/s")
            let merged = try await world.csm("merge", "s", "--ff-only")
            #expect(merged.status == 0, "\(merged.combined)")
            #expect(merged.stdout.contains("Fast-forwarded 'main'"))
            #expect(try world.git("rev-parse", "main") == tip)
            #expect(try String(contentsOf: world.repo.appendingPathComponent("f.txt"), encoding: .utf8) == "f\n")
            #expect(try world.git("status", "--porcelain").isEmpty)
        }
    }

    @Test("merge --squash makes one commit on the base with the branch's subjects, and archive keeps the branch")
    func mergeSquash() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "s", file: "a.txt", content: "a\n", message: "first change")
            try commit(world, session: "s", file: "b.txt", content: "b\n", message: "second change")
            try world.git("commit", "-q", "--allow-empty", "-m", "main moves on")
            let merged = try await world.csm("merge", "s", "--squash", "--archive")
            #expect(merged.status == 0, "\(merged.combined)")
            #expect(try world.git("log", "-1", "--format=%B", "main").contains("* first change\n* second change"))
            #expect(try world.git("rev-list", "--count", "main") == "3\n")
            #expect(try world.git("show", "main:b.txt") == "b\n")
            #expect(try world.git("status", "--porcelain").isEmpty)
            #expect(!(try world.readConfig().contains("  s:")))
            #expect(try world.git("branch", "--list", "csm/s").contains("csm/s"))
            let archived = try await world.csm("list", "--archived", "--json")
            #expect(archived.stdout.contains("\"mergedAt\""), "\(archived.combined)")
        }
    }

    @Test("a conflicting merge stops with nothing changed and names the files")
    func mergeConflict() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "s", file: "README.md", content: "# session\n", message: "session edit")
            try Data("# main\n".utf8).write(to: world.repo.appendingPathComponent("README.md"))
            try world.git("commit", "-q", "-am", "main edit")
            let before = try world.git("rev-parse", "main")
            for flag in ["--squash", "--rebase"] {
                let result = try await world.csm("merge", "s", flag)
                #expect(result.status == 1)
                #expect(result.stderr.contains("Conflicting files: README.md"), "\(result.combined)")
            }
            let plain = try await world.csm("merge", "s")
            #expect(plain.status == 1 && plain.stderr.contains("nothing was changed"))
            #expect(try world.git("rev-parse", "main") == before)
            #expect(try world.git("status", "--porcelain").isEmpty)
            #expect(
                try String(contentsOf: world.repo.appendingPathComponent("README.md"), encoding: .utf8) == "# main\n")
        }
    }

    @Test("merge refuses a worktree with uncommitted files")
    func mergeDirty() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try Data("x".utf8).write(to: world.worktreeBase.appendingPathComponent("e2e/s/x.txt"))
            let result = try await world.csm("merge", "s")
            #expect(result.status == 1 && result.stderr.contains("1 untracked file"), "\(result.combined)")
        }
    }

    @Test("archive then restore brings the same branch back with its commits")
    func archiveRestore() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n    linear: ENG-1\n    effort: low\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "s", file: "w.txt", content: "w\n", message: "unmerged work")
            let tip = try world.git("rev-parse", "csm/s")
            let archived = try await world.csm("archive", "s")
            #expect(archived.status == 0, "\(archived.combined)")
            #expect(!FileManager.default.fileExists(atPath: world.worktreeBase.appendingPathComponent("e2e/s").path))
            #expect(try await world.tmux.listSessions().isEmpty)
            #expect(try world.git("rev-parse", "csm/s") == tip)
            let list = try await world.csm("list", "--archived")
            #expect(list.stdout.contains("s     csm/s   app"), "\(list.combined)")

            let restored = try await world.csm("restore", "s")
            #expect(restored.status == 0, "\(restored.combined)")
            #expect(try world.readConfig().contains("  s:\n    repo: app\n    linear: ENG-1\n    effort: low\n"))
            let worktree = world.worktreeBase.appendingPathComponent("e2e/s")
            #expect(try world.git("rev-parse", "HEAD", in: worktree) == tip)
            #expect(try world.git("log", "-1", "--format=%s", in: worktree) == "unmerged work\n")
            #expect(try await world.csm("list", "--archived").stdout.contains("No archived sessions"))
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("merge --push pushes the base to origin with the git command line")
    func mergePush() async throws {
        try await withCSMWorld { world in
            let remote = world.root.appendingPathComponent("remote.git")
            try runTool("git", ["init", "-q", "--bare", remote.path])
            try world.git("remote", "add", "origin", remote.path)
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try commit(world, session: "s", file: "p.txt", content: "p\n", message: "pushed work")
            let merged = try await world.csm("merge", "s", "--push")
            #expect(merged.status == 0, "\(merged.combined)")
            #expect(merged.stdout.contains("Pushed 'main' to origin."))
            #expect(
                try runTool("git", ["--git-dir", remote.path, "log", "-1", "--format=%s", "main"]) == "pushed work\n")
        }
    }

    @Test("archive refuses untracked files unless --force, which records them under refs/csm/archive/")
    func archiveForce() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            try Data("draft\n".utf8).write(to: world.worktreeBase.appendingPathComponent("e2e/s/draft.txt"))
            let refused = try await world.csm("archive", "s")
            #expect(refused.status == 1 && refused.stderr.contains("1 untracked file"), "\(refused.combined)")
            #expect(try world.readConfig().contains("  s:"), "nothing changed")
            let forced = try await world.csm("archive", "s", "--force")
            #expect(forced.status == 0, "\(forced.combined)")
            let refs = try world.git("for-each-ref", "--format=%(refname)", "refs/csm/archive/s/")
            let ref = try #require(refs.split(separator: "\n").first.map(String.init))
            #expect(try world.git("show", "\(ref):draft.txt") == "draft\n")
            #expect(try await world.csm("list", "--archived").stdout.contains("csm/s"))
        }
    }

    @Test("run types a generated script into the terminal window")
    func runScript() async throws {
        try await withCSMWorld { world in
            let out = world.root.appendingPathComponent("ran").path
            try world.writeConfig(
                world.config(
                    repo:
                        "    env: {WHO: world}\n    scripts:\n      hello: echo \"hello $WHO from $(pwd)\" > \(out)\n",
                    sessions: "  s:\n    repo: app\n"))
            #expect(try await world.csm("apply").status == 0)
            let listed = try await world.csm("run", "s")
            #expect(listed.stdout.contains("hello: echo"))
            let missing = try await world.csm("run", "s", "nope")
            #expect(missing.status == 1 && missing.stderr.contains("declared: hello"), "\(missing.combined)")
            let ran = try await world.csm("run", "s", "hello")
            #expect(ran.status == 0, "\(ran.combined)")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/s").path
            #expect(
                await eventually {
                    (try? String(contentsOfFile: out, encoding: .utf8)) == "hello world from \(worktree)\n"
                })
        }
    }
}
