import CSMDrivers
import Foundation

/// The root of this package, found from this file's path.
public let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `Tests/Fixtures`.
public let fixturesDirectory: URL = packageRoot.appendingPathComponent("Tests/Fixtures", isDirectory: true)

/// A throwaway world for the built `csm` binary: a temp folder holding a git repository (`repo/`, one
/// commit on `main`), a csm.yaml, a state dir and a private tmux server. Everything is removed by
/// `withCSMWorld`, also when the test fails.
public struct CSMWorld: Sendable {
    public let root: URL
    public let tmuxSocket: String
    /// Added to the environment of every `csm` run (e.g. `CSM_SSH_OPTIONS` for the test's sshd).
    public var extraEnvironment: [String: String] = [:]
    public var repo: URL { root.appendingPathComponent("repo") }
    public var configFile: URL { root.appendingPathComponent("csm.yaml") }
    public var stateDir: URL { root.appendingPathComponent("state") }
    public var worktreeBase: URL { root.appendingPathComponent("worktrees") }
    /// Where the fake agent records its launches.
    public var agentLog: URL { root.appendingPathComponent("agent.log") }
    public var tmux: TmuxCLI { TmuxCLI(socketName: tmuxSocket) }

    /// The `csm` binary under test: `$CSM_BINARY`, else the package's debug build.
    public static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["CSM_BINARY"], !explicit.isEmpty { return explicit }
        return packageRoot.appendingPathComponent(".build/debug/csm").path
    }

    /// A csm.yaml header using the fake agent and this world's folders; append sessions to it.
    public func config(workspace: String = "e2e", sessions: String = "") -> String {
        """
        # end-to-end test workspace
        version: 1
        workspace: \(workspace)
        defaults:
          worktreeBase: ./worktrees
          agent:
            command: \(fixturesDirectory.appendingPathComponent("bin/fake-agent").path)
            env:
              FAKE_AGENT_LOG: \(agentLog.path)
        repos:
          app:
            path: ./repo
            baseBranch: main
        sessions:\(sessions.isEmpty ? " {}" : "\n" + sessions)

        """
    }

    public func writeConfig(_ text: String) throws {
        try Data(text.utf8).write(to: configFile)
    }

    public func readConfig() throws -> String {
        String(decoding: try Data(contentsOf: configFile), as: UTF8.self)
    }

    /// Runs `csm` in the world's folder with its socket and state dir; never throws on a non-zero exit.
    public func csm(_ arguments: String..., input: String? = nil) async throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["CSM_TMUX_SOCKET"] = tmuxSocket
        environment["CSM_STATE_DIR"] = stateDir.path
        environment["NO_COLOR"] = "1"
        environment["TMUX"] = nil
        // The terminal window runs $SHELL: a plain sh starts at once, without the machine's rc files.
        environment["SHELL"] = "/bin/sh"
        environment.merge(extraEnvironment) { _, new in new }
        return try await SpawnProcessRunner().run(
            "/usr/bin/env", ["--chdir=\(root.path)", Self.binary] + arguments, input: input, environment: environment)
    }

    /// Runs `git` in `directory` (default: the repo) for set-up and checks.
    @discardableResult
    public func git(_ arguments: String..., in directory: URL? = nil) throws -> String {
        try runTool("git", ["-c", "user.name=csm test", "-c", "user.email=test@csm.invalid"] + arguments, in: directory ?? repo)
    }

    /// The agent launches recorded by the fake agent, oldest first, each as its argv.
    public func agentLaunches() -> [[String]] {
        guard let text = try? String(contentsOf: agentLog, encoding: .utf8) else { return [] }
        return text.components(separatedBy: "end\n").filter { !$0.isEmpty }.map { block in
            block.split(separator: "\n").filter { $0.hasPrefix("arg=") }.map { String($0.dropFirst(4)) }
        }
    }
}

extension ProcessResult {
    /// stdout and stderr together, for failure messages.
    public var combined: String { "stdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs `body` in a fresh `CSMWorld` and removes it (tmux server, folders) afterwards.
public func withCSMWorld<T>(_ body: (CSMWorld) async throws -> T) async throws -> T {
    let root = try makeTemporaryDirectory(prefix: "csm-e2e")
    let world = CSMWorld(root: root, tmuxSocket: "csm-e2e-\(UUID().uuidString.prefix(8).lowercased())")
    defer {
        killTmuxServer(socket: world.tmuxSocket)
        try? FileManager.default.removeItem(at: root)
    }
    try FileManager.default.createDirectory(at: world.repo, withIntermediateDirectories: true)
    try world.git("init", "-q", "-b", "main")
    try Data("# app\n".utf8).write(to: world.repo.appendingPathComponent("README.md"))
    try world.git("add", "README.md")
    try world.git("commit", "-q", "-m", "initial")
    return try await body(world)
}
