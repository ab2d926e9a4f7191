/// Runs operations one at a time per key (a repository path), in arrival order, while different keys
/// run in parallel: git mutations of one repository share lock files such as `packed-refs`.
actor KeyedLock {
    private var tails: [String: Task<Void, Never>] = [:]

    /// Runs `operation` after the ones queued before it on `key`. Cancelling the caller cancels the
    /// operation (it runs in a task of its own, so it would otherwise go on: a reconcile pass interrupted
    /// by a server shutdown must stop its programs rather than hold the shutdown up).
    func run<T: Sendable>(_ key: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tails[key]
        let task = Task<T, any Error> {
            await previous?.value
            try Task.checkCancellation()
            return try await operation()
        }
        tails[key] = Task { _ = try? await task.value }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
