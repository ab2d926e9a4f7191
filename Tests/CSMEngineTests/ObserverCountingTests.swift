import CSMDrivers
import CSMEngine
import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Testing

/// A git driver whose folder observation never counts, and which records the worktrees it was asked to
/// count one by one: shows which worktrees an observation scans.
actor CountingSpyGit: GitDriver {
    let inner: InMemoryGit
    private(set) var countedPaths: [String] = []

    init(_ inner: InMemoryGit) { self.inner = inner }

    func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree] {
        try await inner.observeWorktrees(in: folder, host: host)
    }

    func observeWorktreesUncounted(in folder: String, host: String) async throws -> [ObservedWorktree] {
        try await inner.observeWorktrees(in: folder, host: host).map { worktree in
            var cheap = ObservedWorktree(host: worktree.host, path: worktree.path, marker: worktree.marker, branch: worktree.branch)
            cheap.workCounted = false
            return cheap
        }
    }

    func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        countedPaths.append(path)
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        return try await inner.observeWorktrees(in: folder, host: host).first { $0.path == path }
    }

    func addWorktree(_ request: WorktreeRequest) async throws { try await inner.addWorktree(request) }
    func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String {
        try await inner.archiveWork(worktreePath: worktreePath, session: session, at: date)
    }
    func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws {
        try await inner.removeWorktree(worktreePath: worktreePath, repoPath: repoPath, deleteBranch: deleteBranch)
    }
}

@Suite("what an observation counts")
struct ObserverCountingTests {
    func worktree(_ session: String, untracked: Int = 0) -> ObservedWorktree {
        ObservedWorktree(
            path: "/wt/ws/\(session)",
            marker: WorktreeMarker(workspace: "ws", session: session, repoPath: "/src/app", branch: "csm/\(session)",
                                   agentSessionID: "id-\(session)", createdAt: Date(timeIntervalSince1970: 0)),
            branch: "csm/\(session)", untrackedCount: untracked)
    }

    func workspace(_ names: [String]) -> Workspace {
        var sessions: [String: SessionSpec] = [:]
        for name in names { sessions[name] = SessionSpec(name: name, repo: "app") }
        return Workspace(name: "ws", defaults: Defaults(worktreeBase: "/wt"), repos: ["app": RepoSpec(name: "app", path: "/src/app")],
                         sessions: sessions)
    }

    func world() async -> (CountingSpyGit, Observer) {
        let git = InMemoryGit()
        await git.add(worktree("kept", untracked: 2))
        await git.add(worktree("gone", untracked: 3))
        let spy = CountingSpyGit(git)
        return (spy, Observer(tmux: InMemoryTmux(), git: spy))
    }

    @Test("a plan counts only the worktrees it may destroy")
    func destroyCandidates() async throws {
        let (spy, observer) = await world()
        let actual = try await observer.observe(workspace(["kept"]), counting: .destroyCandidates)
        #expect(await spy.countedPaths == ["/wt/ws/gone"])
        let byName = Dictionary(uniqueKeysWithValues: actual.worktrees.map { ($0.marker!.session, $0) })
        #expect(byName["gone"]?.workCounted == true && byName["gone"]?.untrackedCount == 3)
        #expect(byName["kept"]?.workCounted == false)

        let plan = Planner.plan(workspace: "ws", desired: workspace(["kept"]).resolvedSessions(), actual: actual)
        let destroy = try #require(plan.actions.first { $0.session == "gone" })
        #expect(destroy.kind == .blocked && destroy.reason.contains("3 untracked files"))
    }

    @Test("a list counts nothing; the TUI's observation counts everything")
    func noneAndAll() async throws {
        let (spy, observer) = await world()
        let listed = try await observer.observe(workspace(["kept"]), counting: .none)
        #expect(listed.worktrees.allSatisfy { !$0.workCounted })
        #expect(await spy.countedPaths.isEmpty)
        let all = try await observer.observe(workspace(["kept"]), counting: .all)
        #expect(all.worktrees.allSatisfy { $0.workCounted })
    }

    @Test("an undeclared worktree whose work was not counted is never destroyed without --force")
    func uncountedIsBlocked() {
        var gone = worktree("gone")
        gone.workCounted = false
        let plan = Planner.plan(workspace: "ws", desired: [], actual: ActualState(tmuxSessions: [], worktrees: [gone]))
        #expect(plan.actions.map(\.kind) == [.blocked])
        #expect(plan.actions.first?.reason.contains("work not inspected") == true)
    }
}
