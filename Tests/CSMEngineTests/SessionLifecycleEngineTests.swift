import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// `SessionLifecycle` called in-process, as an API route would call it.
@Suite("SessionLifecycle in process", .tags(.realGit, .realTmux), .timeLimit(.minutes(1)))
struct SessionLifecycleEngineTests {
    @Test("diff of one file, and paths outside the worktree are refused")
    func diff() async throws {
        try await withGitRepository { repo in
            try await withTmuxServer { tmux, _ in
                let state = repo.root.appendingPathComponent("state").path
                let engine = Engine(
                    tmux: tmux, git: LibGit2Driver(),
                    launch: AgentLaunch(layout: StateLayout(root: state), csmExecutable: "/bin/true"))
                let workspace = Workspace(
                    name: "ws",
                    defaults: Defaults(
                        worktreeBase: repo.worktreeBase.path, agent: AgentSpec(command: "sleep", args: ["60"])),
                    repos: ["app": RepoSpec(name: "app", path: repo.path)],
                    sessions: ["s": SessionSpec(name: "s", repo: "app")])
                let (plan, _) = try await engine.plan(workspace)
                #expect(await engine.applier.apply(plan).isComplete)
                let lifecycle = SessionLifecycle(engine: engine, loader: ConfigLoader())
                try repo.write("README.md", "changed\n", in: repo.worktreeBase.appendingPathComponent("ws/s"))
                let diff = try await lifecycle.diff(file: "README.md", in: "s", workspace: workspace)
                #expect(diff.patch.contains("+changed"))
                for bad in ["../repo/README.md", "/etc/passwd", ".git/config", ""] {
                    await #expect(throws: LifecycleError.invalidPath(bad)) {
                        _ = try await lifecycle.diff(file: bad, in: "s", workspace: workspace)
                    }
                }
                await #expect(throws: LifecycleError.self) {
                    _ = try await lifecycle.diff(file: "a", in: "nope", workspace: workspace)
                }
            }
        }
    }
}
