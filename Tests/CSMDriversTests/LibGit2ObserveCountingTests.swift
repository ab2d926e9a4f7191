import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The cheaper observations: without the status scan, and of one worktree.
@Suite("LibGit2Driver observation without counts", .tags(.realGit), .timeLimit(.minutes(2)))
struct LibGit2ObserveCountingTests {
    let driver = LibGit2Driver()

    func request(_ session: String, _ repo: GitRepositoryFixture) -> WorktreeRequest {
        let path = repo.worktreeBase.appendingPathComponent("ws/\(session)").path
        let marker = WorktreeMarker(
            workspace: "ws", session: session, repoPath: repo.path, branch: "csm/\(session)",
            agentSessionID: "00000000-0000-0000-0000-000000000001", createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        return WorktreeRequest(repoPath: repo.path, path: path, branch: "csm/\(session)", base: nil, marker: marker)
    }

    @Test("uncounted: marker and branch as usual, counts zero and marked as not counted")
    func uncounted() async throws {
        try await withGitRepository { repo in
            let a = request("a", repo)
            try await driver.addWorktree(a)
            try repo.write("new.txt", "work", in: URL(fileURLWithPath: a.path))
            let folder = repo.worktreeBase.appendingPathComponent("ws").path

            let cheap = try #require(try await driver.observeWorktreesUncounted(in: folder, host: "local").first)
            #expect(cheap.marker == a.marker && cheap.branch == "csm/a" && cheap.path == a.path)
            #expect(!cheap.workCounted && cheap.untrackedCount == 0)
            #expect(cheap.holdsWork, "work that was not counted is assumed to be there")
            #expect(cheap.workDescription == "work not inspected")

            let counted = try #require(try await driver.observeWorktrees(in: folder, host: "local").first)
            #expect(counted.workCounted && counted.untrackedCount == 1)
        }
    }

    @Test("one worktree by path is counted; a missing path is nil")
    func onePath() async throws {
        try await withGitRepository { repo in
            let a = request("a", repo)
            let b = request("b", repo)
            try await driver.addWorktree(a)
            try await driver.addWorktree(b)
            try repo.write("new.txt", "work", in: URL(fileURLWithPath: b.path))

            let observed = try #require(try await driver.observeWorktree(at: b.path, host: "local"))
            #expect(observed.marker == b.marker && observed.workCounted && observed.untrackedCount == 1)
            #expect(try await driver.observeWorktree(at: a.path + "-gone", host: "local") == nil)
        }
    }
}
