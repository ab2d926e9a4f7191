import CSMModel
import CSMTestSupport
import Foundation
import Testing

@testable import CSMDrivers

/// Merges, branch renames, worktree moves and status exclusions of the libgit2 driver, against real
/// repositories checked with the `git` CLI.
@Suite("LibGit2Driver lifecycle", .tags(.realGit), .timeLimit(.minutes(2)))
struct LibGit2LifecycleTests {
    let driver = LibGit2Driver()

    func marker(_ session: String, _ repo: GitRepositoryFixture) -> WorktreeMarker {
        WorktreeMarker(
            workspace: "ws", session: session, repoPath: repo.path, branch: "csm/\(session)", agentSessionID: "id",
            createdAt: Date(timeIntervalSince1970: 0))
    }

    /// A session worktree on `csm/<session>` with one commit per `(file, content)`.
    func session(_ name: String, _ repo: GitRepositoryFixture, commits: [(String, String)]) async throws -> URL {
        let path = repo.worktreeBase.appendingPathComponent("ws/\(name)")
        try await driver.addWorktree(
            WorktreeRequest(
                repoPath: repo.path, path: path.path, branch: "csm/\(name)", base: nil,
                marker: marker(name, repo)))
        for (file, content) in commits {
            try repo.write(file, content, in: path)
            try repo.git("add", file, in: path)
            try repo.git("commit", "-q", "-m", "change \(file)", in: path)
        }
        return path
    }

    func rev(_ spec: String, _ repo: GitRepositoryFixture, in directory: URL? = nil) throws -> String {
        try repo.git("rev-parse", spec, in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a diverged base gets a merge commit with both parents and the source checkout follows")
    func mergeCommit() async throws {
        try await withGitRepository { repo in
            _ = try await session("s", repo, commits: [("a.txt", "a\n")])
            try repo.write("b.txt", "b\n")
            try repo.git("add", "b.txt")
            try repo.git("commit", "-q", "-m", "main work")
            let outcome = try await driver.merge(
                MergeRequest(repoPath: repo.path, branch: "csm/s", base: nil, strategy: .merge))
            #expect(outcome.kind == .mergeCommit && outcome.base == "main" && outcome.commitCount == 1)
            #expect(try repo.git("rev-list", "--parents", "-n", "1", "main").split(separator: " ").count == 3)
            #expect(try repo.git("status", "--porcelain").isEmpty)
            #expect(repo.exists(repo.url.appendingPathComponent("a.txt").path))
            let again = try await driver.merge(
                MergeRequest(repoPath: repo.path, branch: "csm/s", base: nil, strategy: .merge))
            #expect(again.kind == .upToDate)
        }
    }

    @Test("--ff-only refuses a diverged base, and a dirty source checkout refuses the merge; nothing changes")
    func refusals() async throws {
        try await withGitRepository { repo in
            _ = try await session("s", repo, commits: [("README.md", "# session\n")])
            let before = try rev("main", repo)
            try repo.write("README.md", "# local edit\n")
            await #expect(throws: GitError.self) {
                _ = try await driver.merge(
                    MergeRequest(repoPath: repo.path, branch: "csm/s", base: nil, strategy: .fastForwardOnly))
            }
            #expect(try rev("main", repo) == before)
            #expect(
                try String(contentsOf: repo.url.appendingPathComponent("README.md"), encoding: .utf8)
                    == "# local edit\n")
            try repo.git("checkout", "-q", "README.md")
            try repo.git("commit", "-q", "--allow-empty", "-m", "main moves")
            do {
                _ = try await driver.merge(
                    MergeRequest(repoPath: repo.path, branch: "csm/s", base: nil, strategy: .fastForwardOnly))
                Issue.record("expected a refusal")
            } catch let GitError.mergeRefused(_, reason, _) {
                #expect(reason.contains("cannot be fast-forwarded"))
            }
            // A base that is a commit-ish but not a branch (a session's `base: HEAD~1`, or junk) is refused.
            for base in ["HEAD~1", "no-such-branch", "a\tb"] {
                do {
                    _ = try await driver.merge(
                        MergeRequest(repoPath: repo.path, branch: "csm/s", base: base, strategy: .merge))
                    Issue.record("expected a refusal for \(base)")
                } catch let GitError.mergeRefused(_, reason, _) {
                    #expect(reason.contains("a merge needs a branch"), "\(reason)")
                }
            }
        }
    }

    @Test("--rebase replays the commits on the base and moves the session's branch and worktree with it")
    func rebase() async throws {
        try await withGitRepository { repo in
            let worktree = try await session("s", repo, commits: [("a.txt", "a\n"), ("b.txt", "b\n")])
            try repo.write("m.txt", "m\n")
            try repo.git("add", "m.txt")
            try repo.git("commit", "-q", "-m", "main work")
            let outcome = try await driver.merge(
                MergeRequest(
                    repoPath: repo.path, branch: "csm/s", base: "main", strategy: .rebase,
                    worktreePath: worktree.path))
            #expect(outcome.kind == .rebased && outcome.commitCount == 2)
            #expect(try rev("main", repo) == rev("csm/s", repo))
            #expect(
                try repo.git("log", "--format=%s", "main") == "change b.txt\nchange a.txt\nmain work\ninitial commit\n")
            #expect(try repo.git("status", "--porcelain", in: worktree).isEmpty)
            #expect(repo.exists(worktree.appendingPathComponent("m.txt").path))
        }
    }

    @Test("commit subjects of a branch, oldest first")
    func subjects() async throws {
        try await withGitRepository { repo in
            _ = try await session("s", repo, commits: [("a.txt", "a\n"), ("b.txt", "b\n")])
            #expect(
                try await driver.commitSubjects(repoPath: repo.path, branch: "csm/s", base: "main") == [
                    "change a.txt", "change b.txt",
                ])
        }
    }

    @Test(
        "a branch rename follows into the worktree; a moved worktree keeps working and is observed as the new session")
    func renameAndMove() async throws {
        try await withGitRepository { repo in
            let old = try await session("old", repo, commits: [("a.txt", "a\n")])
            try await driver.renameBranch(repoPath: repo.path, from: "csm/old", to: "csm/new")
            #expect(try repo.git("rev-parse", "--abbrev-ref", "HEAD", in: old) == "csm/new\n")
            var moved = marker("new", repo)
            moved.branch = "csm/new"
            let target = repo.worktreeBase.appendingPathComponent("ws/new")
            try await driver.moveWorktree(from: old.path, to: target.path, repoPath: repo.path, marker: moved)
            #expect(try repo.git("status", "--porcelain", in: target).isEmpty)
            #expect(repo.exists(repo.url.appendingPathComponent(".git/worktrees/ws-new").path))
            let observed = try await driver.observeWorktrees(
                in: repo.worktreeBase.appendingPathComponent("ws").path, host: "local")
            #expect(observed.map { $0.marker?.session } == ["new"])
            #expect(observed.first?.branch == "csm/new")
            try repo.git("worktree", "prune")
            #expect(try repo.git("worktree", "list").contains(target.path))

            try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
            await #expect(throws: GitError.pathOccupied(path: old.path)) {
                try await driver.moveWorktree(
                    from: target.path, to: old.path, repoPath: repo.path, marker: marker("old", repo))
            }
            #expect(repo.exists(target.appendingPathComponent("a.txt").path))
        }
    }

    @Test("a tracked file gets skip-worktree, an untracked one an info/exclude line; both leave status clean")
    func keepOutOfStatus() async throws {
        try await withGitRepository { repo in
            let worktree = try await session("s", repo, commits: [])
            #expect(try await driver.keepOutOfStatus(worktreePath: worktree.path, file: "README.md") == .skipWorktree)
            try repo.write("README.md", "changed\n", in: worktree)
            #expect(try repo.git("ls-files", "-v", "README.md", in: worktree) == "S README.md\n")
            #expect(try await driver.keepOutOfStatus(worktreePath: worktree.path, file: "CLAUDE.md") == .infoExclude)
            #expect(try await driver.keepOutOfStatus(worktreePath: worktree.path, file: "CLAUDE.md") == .infoExclude)
            try repo.write("CLAUDE.md", "context\n", in: worktree)
            #expect(try repo.git("status", "--porcelain", in: worktree).isEmpty)
            let exclude = try String(contentsOf: repo.url.appendingPathComponent(".git/info/exclude"), encoding: .utf8)
            #expect(exclude.components(separatedBy: "/CLAUDE.md\n").count == 2, "added once")
            let observed = try await driver.observeWorktrees(
                in: repo.worktreeBase.appendingPathComponent("ws").path, host: "local")
            #expect(observed.first?.holdsWork == false)
        }
    }
}

extension LibGit2LifecycleTests {
    @Test("one file's diff: a modified tracked file, a new untracked file, an unchanged file")
    func fileDiff() async throws {
        try await withGitRepository { repo in
            let worktree = try await session("s", repo, commits: [])
            try repo.write("README.md", "# fixture\nmore\n", in: worktree)
            try repo.write("new/file.txt", "hello\n", in: worktree)
            let modified = try await driver.fileDiff(worktreePath: worktree.path, file: "README.md")
            #expect(modified.contains("--- a/README.md\n+++ b/README.md\n") && modified.contains("\n+more\n"))
            let added = try await driver.fileDiff(worktreePath: worktree.path, file: "new/file.txt")
            #expect(added.contains("new file mode") && added.contains("+hello"))
            #expect(try await driver.fileDiff(worktreePath: worktree.path, file: "missing.txt").isEmpty)
        }
    }
}

@Suite("TmuxCLI window observation")
struct TmuxWindowParsingTests {
    @Test("window lines of the same invocation attach names and the agent pane's state to their sessions")
    func parse() {
        let output =
            "csm-a\t1700000000\t0\t2\tws\ta\tabc\t0\nwindow\tcsm-a\tclaude\t1\nwindow\tcsm-a\tterminal\t0\n"
            + "csm-b\t1700000000\t1\t1\tws\tb\tdef\t0\nwindow\tcsm-b\tterminal\t0\n"
        let sessions = TmuxCLI.attachingWindows(
            TmuxCLI.parseWindows(output), to: TmuxCLI.parseSessions(output, host: "local"))
        #expect(sessions.map(\.tmuxName) == ["csm-a", "csm-b"])
        #expect(
            sessions[0].windows == ["claude", "terminal"] && !sessions[0].isAgentRunning, "the claude pane is dead")
        #expect(sessions[1].windows == ["terminal"] && sessions[1].isAgentRunning)
    }
}

@Suite("TmuxCLI lifecycle", .tags(.realTmux), .timeLimit(.minutes(1)))
struct TmuxLifecycleTests {
    @Test("windows are observed, added back, and a session is renamed with its options")
    func windowsAndRename() async throws {
        try await withTmuxServer { tmux, _ in
            try await tmux.createSession(
                TmuxSessionRequest(
                    name: "csm-x", workingDirectory: "/tmp",
                    windows: [TmuxWindow(name: "claude", command: ["sleep", "60"])],
                    environment: [:], options: ["@csm-workspace": "ws", "@csm-session": "x"]))
            #expect(try await tmux.listSessions().first?.windows == ["claude"])
            try await tmux.addWindows(
                [TmuxWindow(name: "terminal", command: ["sleep", "60"])], toSession: "csm-x", workingDirectory: "/tmp")
            #expect(try await tmux.listSessions().first?.windows == ["claude", "terminal"])
            try await tmux.renameSession(from: "csm-x", to: "csm-y", options: ["@csm-session": "y"])
            let renamed = try await tmux.listSessions()
            #expect(renamed.map(\.tmuxName) == ["csm-y"] && renamed.first?.session == "y")
        }
    }
}
