import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The changes column's numbers against a real repository, checked against `git diff --shortstat`.
@Suite("LibGit2Driver diff stats", .tags(.realGit), .timeLimit(.minutes(2)))
struct LibGit2DiffStatsTests {
    let driver = LibGit2Driver()

    func addWorktree(_ repo: GitRepositoryFixture, session: String = "s") async throws -> URL {
        let path = repo.worktreeBase.appendingPathComponent("ws/\(session)").path
        let marker = WorktreeMarker(
            workspace: "ws", session: session, repoPath: repo.path, branch: "csm/\(session)",
            agentSessionID: "00000000-0000-0000-0000-000000000001",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        try await driver.addWorktree(
            WorktreeRequest(repoPath: repo.path, path: path, branch: "csm/\(session)", base: "main", marker: marker))
        return URL(fileURLWithPath: path)
    }

    static func lines(_ count: Int, _ word: String = "line") -> String {
        (1...count).map { "\(word) \($0)\n" }.joined()
    }

    /// `" 5 files changed, 14 insertions(+), 4 deletions(-)"` as stats.
    static func parseShortstat(_ text: String) -> DiffStats {
        func number(before word: String) -> Int {
            guard let range = text.range(of: word) else { return 0 }
            let digits = text[..<range.lowerBound].reversed().drop { $0 == " " }.prefix { $0.isNumber }
            return Int(String(digits.reversed())) ?? 0
        }
        return DiffStats(
            files: number(before: "file"), insertions: number(before: "insertion"),
            deletions: number(before: "deletion"))
    }

    @Test("committed, staged, unstaged and untracked work against the merge base match git diff --shortstat")
    func matchesShortstat() async throws {
        try await withGitRepository { repo in
            try repo.write("a.txt", Self.lines(10))
            try repo.write("b.txt", Self.lines(5))
            try repo.git("add", ".")
            try repo.git("commit", "--quiet", "-m", "files")
            let tree = try await addWorktree(repo)

            // Committed on the branch: a.txt gets 2 lines changed and 3 added.
            try repo.write(
                "a.txt",
                Self.lines(10).replacingOccurrences(of: "line 2\n", with: "LINE 2\n")
                    .replacingOccurrences(of: "line 7\n", with: "LINE 7\n") + Self.lines(3, "more"), in: tree)
            try repo.git("commit", "--quiet", "-am", "work", in: tree)
            // The base moves on afterwards: none of that is the session's work.
            try repo.write("b.txt", Self.lines(9))
            try repo.git("commit", "--quiet", "-am", "base moves", in: repo.url)
            // Unstaged: 2 lines of b.txt removed. Staged: a new file. Untracked: two files, one in a folder.
            try repo.write("b.txt", Self.lines(3), in: tree)
            try repo.write("c.txt", Self.lines(3, "staged"), in: tree)
            try repo.git("add", "c.txt", in: tree)
            try repo.write("d.txt", Self.lines(4, "new"), in: tree)
            try repo.write("sub/e.txt", Self.lines(2, "deep"), in: tree)

            let key = try await driver.diffStatsKey(worktreePath: tree.path, base: "main", repoPath: repo.path)
            let stats = try await driver.diffStats(worktreePath: tree.path, key: key)
            #expect(stats == DiffStats(files: 5, insertions: 5 + 3 + 4 + 2, deletions: 2 + 2))

            // git counts untracked files once they are intended to be added.
            let mergeBase = try repo.git("merge-base", "HEAD", "main", in: tree)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try repo.git("add", "--intent-to-add", ".", in: tree)
            let git = Self.parseShortstat(try repo.git("diff", "--shortstat", mergeBase, in: tree))
            #expect(stats == git)
            #expect(stats.summary == "5 files +14 \u{2212}4")
        }
    }

    @Test("a clean worktree is clean; the key follows HEAD, the index and the base")
    func keyAndClean() async throws {
        try await withGitRepository { repo in
            let tree = try await addWorktree(repo)
            let clean = try await driver.diffStatsKey(worktreePath: tree.path, base: "main", repoPath: repo.path)
            #expect(clean.head != nil && clean.head == clean.base)
            let stats = try await driver.diffStats(worktreePath: tree.path, key: clean)
            #expect(stats == DiffStats(files: 0, insertions: 0, deletions: 0) && stats.summary == "clean")

            // An unstaged edit changes none of the key (the cache's time-to-live covers it)…
            try repo.write("README.md", "# fixture\nmore\n", in: tree)
            #expect(try await driver.diffStatsKey(worktreePath: tree.path, base: "main", repoPath: repo.path) == clean)
            #expect(
                try await driver.diffStats(worktreePath: tree.path, key: clean)
                    == DiffStats(files: 1, insertions: 1, deletions: 0))
            // …staging rewrites the index, committing moves HEAD.
            try repo.git("add", "README.md", in: tree)
            let staged = try await driver.diffStatsKey(worktreePath: tree.path, base: "main", repoPath: repo.path)
            #expect(staged.index != clean.index && staged.head == clean.head)
            try repo.git("commit", "--quiet", "-m", "more", in: tree)
            let committed = try await driver.diffStatsKey(worktreePath: tree.path, base: "main", repoPath: repo.path)
            #expect(committed.head != clean.head && committed.base == clean.base)
            #expect(
                try await driver.diffStats(worktreePath: tree.path, key: committed)
                    == DiffStats(files: 1, insertions: 1, deletions: 0))

            // No declared base: the repository's HEAD (main here); an unknown base counts uncommitted work only.
            #expect(
                try await driver.diffStatsKey(worktreePath: tree.path, base: nil, repoPath: repo.path).base
                    == clean.base)
            let unknown = try await driver.diffStatsKey(
                worktreePath: tree.path, base: "no-such-branch", repoPath: repo.path)
            #expect(unknown.base == nil)
            #expect(try await driver.diffStats(worktreePath: tree.path, key: unknown).isEmpty)
        }
    }

    @Test("a folder that is not a repository is an error, not a zero")
    func notARepository() async throws {
        try await withGitRepository { repo in
            _ = await #expect(throws: GitError.self) {
                try await driver.diffStatsKey(worktreePath: repo.root.path, base: nil, repoPath: repo.path)
            }
        }
    }
}
