import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The libgit2 driver against real repositories built with the `git` CLI; each test has its own repo,
/// so the tests run in parallel.
@Suite("LibGit2Driver", .tags(.realGit), .timeLimit(.minutes(2)))
struct LibGit2DriverTests {
    let driver = LibGit2Driver()
    static let workspace = "ws"
    static let createdAt = Date(timeIntervalSince1970: 1_700_000_000)

    // MARK: Helpers

    func marker(_ session: String, _ repo: GitRepositoryFixture, branch: String? = nil) -> WorktreeMarker {
        WorktreeMarker(
            workspace: Self.workspace, session: session, repoPath: repo.path, branch: branch ?? "csm/\(session)",
            agentSessionID: "00000000-0000-0000-0000-000000000001", createdAt: Self.createdAt)
    }

    func sessionFolder(_ repo: GitRepositoryFixture) -> URL {
        repo.worktreeBase.appendingPathComponent(Self.workspace, isDirectory: true)
    }

    func worktreeURL(_ session: String, _ repo: GitRepositoryFixture) -> URL {
        sessionFolder(repo).appendingPathComponent(session, isDirectory: true)
    }

    func request(_ session: String, _ repo: GitRepositoryFixture, branch: String? = nil, base: String? = nil)
        -> WorktreeRequest
    {
        WorktreeRequest(
            repoPath: repo.path, path: worktreeURL(session, repo).path, branch: branch ?? "csm/\(session)",
            base: base, marker: marker(session, repo, branch: branch))
    }

    /// Adds the worktree of `session` on its default branch and returns its folder.
    @discardableResult
    func addSession(_ session: String, _ repo: GitRepositoryFixture, branch: String? = nil, base: String? = nil)
        async throws -> URL
    {
        try await driver.addWorktree(request(session, repo, branch: branch, base: base))
        return worktreeURL(session, repo)
    }

    func administrativeEntry(_ session: String, _ repo: GitRepositoryFixture) -> String {
        repo.url.appendingPathComponent(".git/worktrees/\(Self.workspace)-\(session)").path
    }

    func revision(_ spec: String, _ repo: GitRepositoryFixture) throws -> String {
        try repo.git("rev-parse", "--verify", "--quiet", spec).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func branchExists(_ branch: String, _ repo: GitRepositoryFixture) -> Bool {
        (try? repo.git("rev-parse", "--verify", "--quiet", "refs/heads/\(branch)")) != nil
    }

    func observe(_ session: String, _ repo: GitRepositoryFixture) async throws -> ObservedWorktree {
        let all = try await driver.observeWorktrees(in: sessionFolder(repo).path, host: "local")
        return try #require(all.first { $0.path == worktreeURL(session, repo).path })
    }

    func commit(_ file: String, _ content: String, in directory: URL, _ repo: GitRepositoryFixture) throws {
        try repo.write(file, content, in: directory)
        try repo.git("add", file, in: directory)
        try repo.git("commit", "--quiet", "-m", "add \(file)", in: directory)
    }

    // MARK: addWorktree

    @Test("a new branch is created from HEAD and the marker is written into the worktree's git directory")
    func addCreatesBranchFromHead() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            #expect(repo.exists(folder.appendingPathComponent("README.md").path))
            #expect(try revision("refs/heads/csm/a", repo) == revision("main", repo))
            #expect(try repo.git("symbolic-ref", "HEAD", in: folder) == "refs/heads/csm/a\n")
            #expect(try repo.git("worktree", "list", "--porcelain").contains("worktree \(folder.path)\n"))
            #expect(repo.exists(administrativeEntry("a", repo) + "/csm.json"))
            #expect(try repo.git("status", "--porcelain", in: folder).isEmpty)
        }
    }

    @Test("a new branch starts at the base branch")
    func addFromBaseBranch() async throws {
        try await withGitRepository { repo in
            try repo.git("checkout", "--quiet", "-b", "feature")
            try commit("feature.txt", "feature\n", in: repo.url, repo)
            try repo.git("checkout", "--quiet", "main")
            let folder = try await addSession("a", repo, base: "feature")
            #expect(try revision("csm/a", repo) == revision("feature", repo))
            #expect(repo.exists(folder.appendingPathComponent("feature.txt").path))
        }
    }

    @Test("a new branch starts at a tag")
    func addFromTag() async throws {
        try await withGitRepository { repo in
            try repo.git("tag", "-a", "v1", "-m", "version 1")
            try commit("later.txt", "later\n", in: repo.url, repo)
            let folder = try await addSession("a", repo, base: "v1")
            #expect(try revision("csm/a", repo) == revision("v1^{commit}", repo))
            #expect(!repo.exists(folder.appendingPathComponent("later.txt").path))
        }
    }

    @Test("an existing branch is checked out as it is, not moved to the base")
    func addKeepsExistingBranch() async throws {
        try await withGitRepository { repo in
            try repo.git("checkout", "--quiet", "-b", "csm/a")
            try commit("work.txt", "work\n", in: repo.url, repo)
            try repo.git("checkout", "--quiet", "main")
            try commit("main.txt", "main\n", in: repo.url, repo)
            let tip = try revision("csm/a", repo)
            let folder = try await addSession("a", repo, base: "main")
            #expect(try revision("csm/a", repo) == tip)
            #expect(repo.exists(folder.appendingPathComponent("work.txt").path))
            #expect(!repo.exists(folder.appendingPathComponent("main.txt").path))
        }
    }

    @Test("an existing path is refused as occupied and left as it was")
    func addRefusesOccupiedPath() async throws {
        try await withGitRepository { repo in
            let folder = worktreeURL("a", repo)
            try repo.write("mine.txt", "keep me\n", in: folder)
            await #expect(throws: GitError.pathOccupied(path: folder.path)) {
                try await addSession("a", repo)
            }
            #expect(repo.exists(folder.appendingPathComponent("mine.txt").path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
            #expect(!branchExists("csm/a", repo))
        }
    }

    @Test("a folder that is not a repository is refused")
    func addRefusesNonRepository() async throws {
        try await withGitRepository { repo in
            let plain = repo.root.appendingPathComponent("plain")
            try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
            var bad = request("a", repo)
            bad.repoPath = plain.path
            await #expect(throws: GitError.notARepository(path: plain.path)) {
                try await driver.addWorktree(bad)
            }
            #expect(!repo.exists(bad.path))
        }
    }

    @Test("an unknown base leaves no folder, no registration and no branch")
    func addUnknownBaseLeavesNothing() async throws {
        try await withGitRepository { repo in
            await #expect(throws: GitError.unknownBase(repoPath: repo.path, base: "no-such-branch")) {
                try await addSession("a", repo, base: "no-such-branch")
            }
            #expect(!repo.exists(worktreeURL("a", repo).path))
            #expect(!repo.exists(repo.worktreeBase.path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
            #expect(!branchExists("csm/a", repo))
        }
    }

    @Test("a branch checked out in another worktree is refused with that worktree's path and nothing is left")
    func addRefusesBranchCheckedOutElsewhere() async throws {
        try await withGitRepository { repo in
            let other = repo.root.appendingPathComponent("other")
            try repo.git("worktree", "add", "--quiet", "-b", "csm/a", other.path)
            do {
                try await addSession("a", repo)
                Issue.record("adding a worktree on a branch checked out elsewhere succeeded")
            } catch let error as GitError {
                #expect(error.description.contains(other.path))
            }
            do {
                try await addSession("b", repo, branch: "main")
                Issue.record("adding a worktree on the main checkout's branch succeeded")
            } catch let error as GitError {
                #expect(error.description.contains(repo.path))
            }
            #expect(!repo.exists(repo.worktreeBase.path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
            #expect(!repo.exists(administrativeEntry("b", repo)))
            #expect(branchExists("csm/a", repo))
        }
    }

    @Test("a branch held only by a worktree whose folder was deleted can be checked out again")
    func addTakesBranchOfVanishedWorktree() async throws {
        try await withGitRepository { repo in
            let other = repo.root.appendingPathComponent("other")
            try repo.git("worktree", "add", "--quiet", "-b", "csm/a", other.path)
            try FileManager.default.removeItem(at: other)
            let folder = try await addSession("a", repo)
            #expect(try repo.git("symbolic-ref", "HEAD", in: folder) == "refs/heads/csm/a\n")
        }
    }

    @Test("a worktree name registered for another existing folder is refused and that worktree kept")
    func addRefusesNameInUse() async throws {
        try await withGitRepository { repo in
            let first = try await addSession("a", repo)
            var moved = request("a", repo, branch: "other")
            moved.path = repo.root.appendingPathComponent("elsewhere/a").path
            await #expect(throws: GitError.self) { try await driver.addWorktree(moved) }
            #expect(!repo.exists(moved.path))
            #expect(!branchExists("other", repo))
            #expect(try await observe("a", repo).marker == marker("a", repo))
            #expect(repo.exists(first.appendingPathComponent("README.md").path))
        }
    }

    @Test("a stale registration whose folder was deleted by hand is pruned and the session re-created on its branch")
    func addRepairsStaleRegistration() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try commit("work.txt", "work\n", in: folder, repo)
            let tip = try revision("csm/a", repo)
            try FileManager.default.removeItem(at: folder)

            try await addSession("a", repo)
            #expect(try revision("csm/a", repo) == tip)
            #expect(try String(contentsOf: folder.appendingPathComponent("work.txt"), encoding: .utf8) == "work\n")
            #expect(try await observe("a", repo).marker == marker("a", repo))
        }
    }

    @Test("a failed add removes the folders and the branch it created")
    func addFailureRollsBack() async throws {
        try await withGitRepository { repo in
            // A file where libgit2 wants the worktrees folder makes git_worktree_add itself fail, after
            // the branch and the parent folders were made.
            try repo.write(".git/worktrees", "in the way\n")
            await #expect(throws: GitError.self) { try await addSession("a", repo) }
            #expect(!repo.exists(repo.worktreeBase.path))
            #expect(!branchExists("csm/a", repo))
            #expect(try String(contentsOfFile: repo.path + "/.git/worktrees", encoding: .utf8) == "in the way\n")
        }
    }

    @Test("parallel adds to one repository all succeed")
    func addInParallel() async throws {
        try await withGitRepository { repo in
            let sessions = (1...6).map { "s\($0)" }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in sessions { group.addTask { try await addSession(session, repo) } }
                try await group.waitForAll()
            }
            let observed = try await driver.observeWorktrees(in: sessionFolder(repo).path, host: "local")
            #expect(observed.compactMap(\.marker?.session) == sessions)
            #expect(observed.allSatisfy { !$0.holdsWork })
        }
    }

    // MARK: observeWorktrees

    @Test("a missing folder is observed as empty")
    func observeMissingFolder() async throws {
        try await withGitRepository { repo in
            let observed = try await driver.observeWorktrees(in: sessionFolder(repo).path, host: "local")
            #expect(observed.isEmpty)
        }
    }

    @Test("a clean worktree reports its marker, its branch and zero counts")
    func observeCleanWorktree() async throws {
        try await withGitRepository { repo in
            try await addSession("a", repo)
            let observed = try await observe("a", repo)
            #expect(
                observed
                    == ObservedWorktree(
                        host: "local", path: worktreeURL("a", repo).path, marker: marker("a", repo),
                        branch: "csm/a"))
        }
    }

    @Test("the marker is stored as sorted-key JSON with ISO-8601 dates and reads back equal")
    func markerRoundTrip() async throws {
        try await withGitRepository { repo in
            try await addSession("a", repo)
            let stored = try String(contentsOfFile: administrativeEntry("a", repo) + "/csm.json", encoding: .utf8)
            #expect(stored.contains("\"createdAt\" : \"2023-11-14T22:13:20Z\""))
            let keys = ["agentSessionID", "branch", "createdAt", "repoPath", "session", "workspace"]
            let positions = keys.compactMap { stored.range(of: "\"\($0)\"")?.lowerBound }
            #expect(positions.count == keys.count && positions == positions.sorted())
            #expect(try await observe("a", repo).marker == marker("a", repo))
        }
    }

    @Test("modified, staged and deleted tracked files count as uncommitted")
    func observeUncommitted() async throws {
        try await withGitRepository { repo in
            for name in ["one.txt", "two.txt", "three.txt"] { try commit(name, "\(name)\n", in: repo.url, repo) }
            let folder = try await addSession("a", repo)
            try repo.write("one.txt", "changed\n", in: folder)
            try repo.write("two.txt", "staged\n", in: folder)
            try repo.git("add", "two.txt", in: folder)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("three.txt"))
            try repo.write("added.txt", "new and staged\n", in: folder)
            try repo.git("add", "added.txt", in: folder)
            let observed = try await observe("a", repo)
            #expect(observed.uncommittedCount == 4)
            #expect(observed.untrackedCount == 0)
            #expect(observed.uniqueCommitCount == 0)
        }
    }

    @Test("a staged rename counts as one uncommitted change")
    func observeStagedRename() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try repo.git("mv", "README.md", "READ-ME.md", in: folder)
            #expect(try await observe("a", repo).uncommittedCount == 1)
        }
    }

    @Test("a worktree holding an untracked nested repository is not archived, so a forced destroy cannot lose it")
    func archiveNestedRepository() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            let nested = folder.appendingPathComponent("vendor/lib")
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
            try repo.git("init", "--quiet", in: nested)
            try repo.write("lib.c", "int x;\n", in: nested)
            try repo.write("mine.txt", "mine\n", in: folder)
            await #expect(throws: GitError.nestedRepositories(path: folder.path, repositories: ["vendor/lib/"])) {
                try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            }
            #expect(try repo.git("for-each-ref", "refs/csm/").isEmpty, "no archive ref is left behind")
        }
    }

    @Test("untracked files are counted one by one inside new folders and ignored files are not counted")
    func observeUntracked() async throws {
        try await withGitRepository { repo in
            try commit(".gitignore", "*.log\nbuild/\n", in: repo.url, repo)
            let folder = try await addSession("a", repo)
            for name in ["notes/one.md", "notes/two.md", "notes/deep/three.md", "top.txt"] {
                try repo.write(name, "x\n", in: folder)
            }
            try repo.write("debug.log", "ignored\n", in: folder)
            try repo.write("build/output.o", "ignored\n", in: folder)
            let observed = try await observe("a", repo)
            #expect(observed.untrackedCount == 4)
            #expect(observed.uncommittedCount == 0)
        }
    }

    @Test("a commit only on the session branch is unique until it is merged into main")
    func observeUniqueCommitsUntilMerged() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try commit("work.txt", "work\n", in: folder, repo)
            #expect(try await observe("a", repo).uniqueCommitCount == 1)
            try commit("more.txt", "more\n", in: folder, repo)
            #expect(try await observe("a", repo).uniqueCommitCount == 2)
            try repo.git("merge", "--quiet", "--no-edit", "--no-ff", "csm/a")
            #expect(try await observe("a", repo).uniqueCommitCount == 0)
        }
    }

    @Test("a commit that a tag or a remote-tracking ref also reaches is not unique")
    func observeTaggedAndRemoteCommits() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try commit("one.txt", "1\n", in: folder, repo)
            try repo.git("tag", "kept", "csm/a")
            #expect(try await observe("a", repo).uniqueCommitCount == 0)
            try commit("two.txt", "2\n", in: folder, repo)
            #expect(try await observe("a", repo).uniqueCommitCount == 1)
            try repo.git("update-ref", "refs/remotes/origin/csm/a", "csm/a")
            #expect(try await observe("a", repo).uniqueCommitCount == 0)
        }
    }

    @Test("a commit only on the session branch no longer counts once it is archived")
    func observeUniqueCommitsAfterArchive() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try commit("work.txt", "work\n", in: folder, repo)
            #expect(try await observe("a", repo).uniqueCommitCount == 1)
            _ = try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            #expect(try await observe("a", repo).uniqueCommitCount == 0)
        }
    }

    @Test("plain folders, worktrees csm did not create and broken links have no marker")
    func observeForeignFolders() async throws {
        try await withGitRepository { repo in
            let folder = sessionFolder(repo)
            try repo.write("plain/file.txt", "x\n", in: folder)
            try repo.git("worktree", "add", "--quiet", "-b", "foreign", folder.appendingPathComponent("foreign").path)
            try repo.write("broken/.git", "gitdir: /nonexistent/worktrees/broken\n", in: folder)
            try repo.write("not-a-folder.txt", "x\n", in: folder)
            let observed = try await driver.observeWorktrees(in: folder.path, host: "local")
            #expect(
                observed.map(\.path) == ["broken", "foreign", "plain"].map { folder.appendingPathComponent($0).path })
            #expect(observed.allSatisfy { $0.marker == nil && !$0.holdsWork })
        }
    }

    @Test("a copy of a csm worktree folder is not taken for the registered worktree")
    func observeCopiedFolder() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            let copy = worktreeURL("copy", repo)
            try FileManager.default.copyItem(at: folder, to: copy)
            let observed = try await driver.observeWorktrees(in: sessionFolder(repo).path, host: "local")
            #expect(observed.map(\.path) == [folder.path, copy.path])
            #expect(observed.map(\.marker) == [marker("a", repo), nil])
        }
    }

    @Test("a worktree whose git directory is damaged is reported without a marker")
    func observeDamagedGitDirectory() async throws {
        try await withGitRepository { repo in
            try await addSession("a", repo)
            try FileManager.default.removeItem(atPath: administrativeEntry("a", repo) + "/commondir")
            #expect(try await observe("a", repo).marker == nil)
        }
    }

    @Test("a worktree whose registration was deleted is reported without a marker")
    func observeDeletedRegistration() async throws {
        try await withGitRepository { repo in
            try await addSession("a", repo)
            try FileManager.default.removeItem(atPath: administrativeEntry("a", repo))
            #expect(try await observe("a", repo).marker == nil)
        }
    }

    @Test("a detached HEAD has no branch and its new commits are still unique")
    func observeDetachedHead() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try repo.git("checkout", "--quiet", "--detach", in: folder)
            try commit("work.txt", "work\n", in: folder, repo)
            let observed = try await observe("a", repo)
            #expect(observed.branch == nil)
            #expect(observed.uniqueCommitCount == 1)
        }
    }

    @Test("an orphan branch without commits is observed with its staged files and no unique commits")
    func observeUnbornBranch() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try repo.git("checkout", "--quiet", "--orphan", "fresh", in: folder)
            let observed = try await observe("a", repo)
            #expect(observed.branch == "fresh")
            #expect(observed.uncommittedCount == 1)
            #expect(observed.uniqueCommitCount == 0)
        }
    }

    // MARK: archiveWork

    @Test("an archive holds modified, staged and untracked work, not ignored files, and leaves the worktree as it was")
    func archiveRecordsWorkWithoutTouchingWorktree() async throws {
        try await withGitRepository { repo in
            try commit(".gitignore", "*.log\n", in: repo.url, repo)
            try commit("gone.txt", "gone\n", in: repo.url, repo)
            let folder = try await addSession("a", repo)
            try repo.write("README.md", "changed\n", in: folder)
            try repo.write("notes/new.md", "untracked\n", in: folder)
            try repo.write("staged.txt", "staged\n", in: folder)
            try repo.git("add", "staged.txt", in: folder)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("gone.txt"))
            try repo.write("debug.log", "ignored\n", in: folder)

            let indexPath = administrativeEntry("a", repo) + "/index"
            let statusBefore = try repo.git("status", "--porcelain", in: folder)
            let indexBefore = try Data(contentsOf: URL(fileURLWithPath: indexPath))
            let headBefore = try revision("HEAD", repo)
            let worktreeHeadBefore = try repo.git("rev-parse", "HEAD", in: folder)

            let ref = try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            // Compared before any git command runs in the worktree (git status may refresh the index).
            #expect(try Data(contentsOf: URL(fileURLWithPath: indexPath)) == indexBefore)

            #expect(ref == "refs/csm/archive/a/20231114T221320Z")
            #expect(try repo.git("show", "\(ref):README.md") == "changed\n")
            #expect(try repo.git("show", "\(ref):notes/new.md") == "untracked\n")
            #expect(try repo.git("show", "\(ref):staged.txt") == "staged\n")
            #expect(throws: ToolFailure.self) { try repo.git("show", "\(ref):gone.txt") }
            #expect(throws: ToolFailure.self) { try repo.git("show", "\(ref):debug.log") }
            #expect(try repo.git("rev-parse", "\(ref)^") == worktreeHeadBefore)
            let message = try repo.git("log", "-1", "--format=%B", ref)
            #expect(message.hasPrefix("csm: archive of session a at 2023-11-14T22:13:20Z\n"))
            #expect(message.contains("notes/new.md"))

            #expect(try repo.git("status", "--porcelain", in: folder) == statusBefore)
            #expect(try revision("HEAD", repo) == headBefore)
            #expect(try repo.git("rev-parse", "HEAD", in: folder) == worktreeHeadBefore)
        }
    }

    @Test("a second archive in the same second gets a numbered ref")
    func archiveNumbersTakenNames() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            let first = try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            let second = try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            let third = try await driver.archiveWork(worktreePath: folder.path, session: "a", at: Self.createdAt)
            #expect([first, second, third] == ["", "-2", "-3"].map { "refs/csm/archive/a/20231114T221320Z\($0)" })
        }
    }

    @Test("an archive in a repository without commits is a root commit by the repository's identity")
    func archiveWithoutHead() async throws {
        try await withTemporaryDirectory(prefix: "csm-git-empty") { root in
            @discardableResult
            func git(_ arguments: [String]) throws -> String {
                try runTool(
                    "git", arguments, in: root,
                    environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"])
            }
            try git(["init", "--quiet", "--initial-branch=main"])
            try git(["config", "user.name", "Local Identity"])
            try git(["config", "user.email", "local@csm.invalid"])
            try Data("draft\n".utf8).write(to: root.appendingPathComponent("draft.txt"))
            let ref = try await driver.archiveWork(worktreePath: root.path, session: "empty", at: Self.createdAt)
            #expect(try git(["show", "\(ref):draft.txt"]) == "draft\n")
            #expect(try git(["rev-list", "--parents", "-n", "1", ref]).split(separator: " ").count == 1)
            #expect(try git(["log", "-1", "--format=%an <%ae>", ref]) == "Local Identity <local@csm.invalid>\n")
            #expect(try git(["status", "--porcelain"]) == "?? draft.txt\n")
        }
    }

    // MARK: removeWorktree

    @Test("removing a worktree deletes its folder and registration and keeps its branch")
    func removeKeepsBranch() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try commit("work.txt", "work\n", in: folder, repo)
            try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: nil)
            #expect(!repo.exists(folder.path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
            #expect(!(try repo.git("worktree", "list", "--porcelain").contains(folder.path)))
            #expect(branchExists("csm/a", repo))
        }
    }

    @Test("removing a worktree with deleteBranch deletes the branch too")
    func removeDeletesBranch() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: "csm/a")
            #expect(!repo.exists(folder.path))
            #expect(!branchExists("csm/a", repo))
            // A branch that is already gone is what was asked for.
            let again = try await addSession("b", repo)
            try await driver.removeWorktree(worktreePath: again.path, repoPath: repo.path, deleteBranch: "no-such")
            #expect(!repo.exists(again.path))
        }
    }

    @Test("a locked worktree is removed too")
    func removeLockedWorktree() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try repo.git("worktree", "lock", "--reason", "test", folder.path)
            try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: nil)
            #expect(!repo.exists(folder.path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
        }
    }

    @Test("removing a worktree whose folder is already gone prunes its registration")
    func removeWithFolderGone() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try FileManager.default.removeItem(at: folder)
            try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: "csm/a")
            #expect(!repo.exists(administrativeEntry("a", repo)))
            #expect(!branchExists("csm/a", repo))
        }
    }

    @Test("a path that is not a registered worktree is refused and the folder stays")
    func removeRefusesUnregisteredPath() async throws {
        try await withGitRepository { repo in
            let folder = worktreeURL("a", repo)
            try repo.write("precious.txt", "keep\n", in: folder)
            await #expect(throws: GitError.self) {
                try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: nil)
            }
            #expect(repo.exists(folder.appendingPathComponent("precious.txt").path))
            await #expect(throws: GitError.self) {
                try await driver.removeWorktree(worktreePath: repo.path, repoPath: repo.path, deleteBranch: nil)
            }
            #expect(repo.exists(repo.url.appendingPathComponent("README.md").path))
        }
    }

    @Test("a worktree is found through another spelling of its path")
    func removeThroughSymbolicLink() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            let link = repo.root.appendingPathComponent("link")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: repo.worktreeBase)
            let spelled = link.path + "/\(Self.workspace)/./a/"
            try await driver.removeWorktree(worktreePath: spelled, repoPath: repo.path + "/", deleteBranch: nil)
            #expect(!repo.exists(folder.path))
            #expect(!repo.exists(administrativeEntry("a", repo)))
        }
    }

    @Test("a registered folder that no longer links to its registration is refused and left in place")
    func removeRefusesReplacedFolder() async throws {
        try await withGitRepository { repo in
            let folder = try await addSession("a", repo)
            try FileManager.default.removeItem(at: folder)
            try repo.write("precious.txt", "keep\n", in: folder)
            await #expect(throws: GitError.self) {
                try await driver.removeWorktree(worktreePath: folder.path, repoPath: repo.path, deleteBranch: "csm/a")
            }
            #expect(repo.exists(folder.appendingPathComponent("precious.txt").path))
            #expect(branchExists("csm/a", repo))
        }
    }
}
