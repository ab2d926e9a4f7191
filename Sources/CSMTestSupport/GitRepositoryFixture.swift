import Foundation

/// A throwaway git repository made with the real `git` CLI, for tests of the git driver.
///
/// Layout inside one temporary folder: `repo/` (branch `main`, one commit of `README.md`, a configured
/// user) and room for worktrees next to it (`worktrees/`), so everything goes away with the folder.
public struct GitRepositoryFixture: Sendable {
    /// The temporary folder holding the repository and the worktrees.
    public let root: URL
    /// The repository's working folder.
    public let url: URL

    /// The repository's path.
    public var path: String { url.path }

    /// A folder for worktrees next to the repository (not created).
    public var worktreeBase: URL { root.appendingPathComponent("worktrees", isDirectory: true) }

    /// Runs `git` with `arguments` in `directory` (the repository by default) and returns its output.
    /// System and global git configuration are ignored so the user's settings cannot change results.
    @discardableResult
    public func git(_ arguments: String..., in directory: URL? = nil) throws -> String {
        try runTool("git", arguments, in: directory ?? url, environment: Self.environment)
    }

    /// Writes `content` to `relativePath` below `directory` (the repository by default), creating folders.
    public func write(_ relativePath: String, _ content: String, in directory: URL? = nil) throws {
        let file = (directory ?? url).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: file)
    }

    /// Whether anything exists at `path`.
    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static let environment = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
    ]
}

/// Runs `body` with a fresh repository (see `GitRepositoryFixture`) and removes everything afterwards,
/// also when `body` throws.
public func withGitRepository<T>(_ body: (GitRepositoryFixture) async throws -> T) async throws -> T {
    try await withTemporaryDirectory(prefix: "csm-git") { root in
        let url = root.appendingPathComponent("repo", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let fixture = GitRepositoryFixture(root: root, url: url)
        try fixture.git("init", "--quiet", "--initial-branch=main")
        try fixture.git("config", "user.name", "CSM Test")
        try fixture.git("config", "user.email", "test@csm.invalid")
        try fixture.git("config", "commit.gpgsign", "false")
        try fixture.write("README.md", "# fixture\n")
        try fixture.git("add", "README.md")
        try fixture.git("commit", "--quiet", "-m", "initial commit")
        return try await body(fixture)
    }
}
