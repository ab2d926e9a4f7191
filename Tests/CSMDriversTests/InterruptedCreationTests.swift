import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// A worktree creation killed between `git worktree add` and the marker (csm apply got SIGKILL): the
/// next observation does not take the folder for someone else's, and the next create starts it over.
@Suite("interrupted worktree creation", .tags(.realGit, .faults), .timeLimit(.minutes(2)))
struct InterruptedCreationTests {
    @Test("a registered folder without marker but with csm's creation record is skipped, then recreated")
    func interruptedCreation() async throws {
        try await withGitRepository { repo in
            let driver = LibGit2Driver()
            let folder = repo.worktreeBase.appendingPathComponent("ws")
            let path = folder.appendingPathComponent("a").path
            let marker = WorktreeMarker(
                workspace: "ws", session: "a", repoPath: repo.path, branch: "csm/a",
                agentSessionID: "00000000-0000-0000-0000-000000000001", createdAt: Date(timeIntervalSince1970: 0))
            // What a killed creation leaves: the record, a registered worktree on the new branch, no marker.
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(marker).write(to: folder.appendingPathComponent(".a.csm-creating"))
            try repo.git("worktree", "add", "-q", "-b", "csm/a", path)
            try Data("half\n".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("partial.txt"))

            let observed = try await driver.observeWorktrees(in: folder.path, host: "local")
            #expect(observed.isEmpty, "an interrupted creation is not there yet: \(observed)")

            try await driver.addWorktree(
                WorktreeRequest(repoPath: repo.path, path: path, branch: "csm/a", base: nil, marker: marker))
            let again = try await driver.observeWorktrees(in: folder.path, host: "local")
            #expect(again.map(\.marker?.session) == ["a"])
            #expect(again.first?.holdsWork == false, "the half-made folder was replaced by a clean checkout")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".a.csm-creating").path))
            let list = try repo.git("worktree", "list", "--porcelain")
            #expect(list.components(separatedBy: "worktree ").count - 1 == 2, "\(list)")
        }
    }

    @Test("a folder without marker and without csm's record stays someone else's")
    func foreignFolder() async throws {
        try await withGitRepository { repo in
            let driver = LibGit2Driver()
            let folder = repo.worktreeBase.appendingPathComponent("ws")
            let path = folder.appendingPathComponent("b").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data("mine\n".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("mine.txt"))
            // A record that does not name this folder's session does not make it csm's.
            try Data(#"{"session":"other"}"#.utf8).write(to: folder.appendingPathComponent(".b.csm-creating"))
            let observed = try await driver.observeWorktrees(in: folder.path, host: "local")
            #expect(observed.count == 1 && observed.first?.marker == nil)
            let marker = WorktreeMarker(
                workspace: "ws", session: "b", repoPath: repo.path, branch: "csm/b",
                agentSessionID: "00000000-0000-0000-0000-000000000002", createdAt: Date(timeIntervalSince1970: 0))
            await #expect(throws: GitError.self) {
                try await driver.addWorktree(
                    WorktreeRequest(repoPath: repo.path, path: path, branch: "csm/b", base: nil, marker: marker))
            }
            #expect(FileManager.default.fileExists(atPath: path + "/mine.txt"))
        }
    }
}
