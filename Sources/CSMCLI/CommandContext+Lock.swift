import CSMEngine
import CSMModel

extension CommandContext {
    /// How long `apply`, `create` and `kill` wait for a reconcile pass of `csm server` (or another apply)
    /// to finish before giving up.
    static let applyLockTimeout: Duration = .seconds(60)

    /// Takes the workspace's apply lock so this command and a running `csm server` never change the same
    /// sessions at once. Says who holds it while waiting; fails naming the holder after the timeout.
    func applyLock(for workspace: Workspace) async throws -> WorkspaceLock {
        let path = stateLayout.applyLockFile(workspace: workspace.name)
        if let lock = try WorkspaceLock.tryAcquire(path: path) { return lock }
        let holder =
            WorkspaceLock.readHolder(path: path).map { "process \($0.pid) (\($0.command))" } ?? "another csm process"
        output.warning(
            "workspace '\(workspace.name)' is being changed by \(holder); waiting up to \(Self.applyLockTimeout.components.seconds)s…"
        )
        return try await WorkspaceLock.acquire(path: path, timeout: Self.applyLockTimeout)
    }
}

extension CommandContext {
    /// Runs `body` holding the workspace's apply lock (see `applyLock(for:)`), released on every exit path.
    func withApplyLock<T>(_ workspace: Workspace, _ body: () async throws -> T) async throws -> T {
        let lock = try await applyLock(for: workspace)
        defer { lock.release() }
        return try await body()
    }
}
