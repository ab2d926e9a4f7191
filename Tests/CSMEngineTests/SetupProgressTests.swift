import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization
import Testing

@Suite("setup output is streamed", .tags(.realGit), .timeLimit(.minutes(1)))
struct SetupProgressTests {
    @Test("a setup reports started, its output lines in order, and finished with the exit status")
    func streamsOutput() async throws {
        try await withCSMWorld { world in
            let workspace = Workspace(
                name: "ws", defaults: Defaults(worktreeBase: world.worktreeBase.path),
                repos: ["app": RepoSpec(name: "app", path: world.repo.path, setup: ["echo one", "echo two; sleep 0.4", "echo three"])],
                sessions: ["s": SessionSpec(name: "s", repo: "app")])
            let session = try #require(workspace.resolvedSessions().first)
            let git = LibGit2Driver()
            try await git.addWorktree(WorktreeRequest(
                repoPath: session.repoPath, path: session.worktreePath, branch: session.branch, base: nil,
                marker: WorktreeMarker(workspace: "ws", session: "s", repoPath: session.repoPath, branch: session.branch,
                                       agentSessionID: "id", createdAt: Date())))
            let reports = Mutex<[SetupProgress]>([])
            let preparation = WorktreePreparation(
                layout: StateLayout(root: world.stateDir.path), git: git, progress: { report in reports.withLock { $0.append(report) } })
            try await preparation.runSetupIfNeeded(session)

            let all = reports.withLock { $0 }
            guard case .started = all.first, case let .finished(_, status, tail) = all.last else {
                Issue.record("unexpected reports \(all)")
                return
            }
            #expect(status == 0 && tail.contains("three"))
            let lines: [String] = all.flatMap { report -> [String] in if case let .output(_, lines) = report { lines } else { [] } }
            #expect(lines == ["one", "two", "three"])
            #expect(all.last?.event.type == "setup.finished")
        }
    }
}
