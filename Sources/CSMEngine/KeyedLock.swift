/// Runs operations one at a time per key (a repository path), in arrival order, while different keys
/// run in parallel: git mutations of one repository share lock files such as `packed-refs`.
actor KeyedLock {
    private var tails: [String: Task<Void, Never>] = [:]

    func run<T: Sendable>(_ key: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tails[key]
        let task = Task<T, any Error> {
            await previous?.value
            return try await operation()
        }
        tails[key] = Task { _ = try? await task.value }
        return try await task.value
    }
}
