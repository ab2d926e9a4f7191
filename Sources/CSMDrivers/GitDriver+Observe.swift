import CSMModel

/// Defaults of the cheaper observations, for drivers that can only observe a whole folder with counts
/// (in-memory twins, drivers of remote hosts): correct, just not cheaper.
extension GitDriver {
    public func observeWorktreesUncounted(in folder: String, host: String) async throws -> [ObservedWorktree] {
        try await observeWorktrees(in: folder, host: host)
    }

    public func observeWorktree(at path: String, host: String) async throws -> ObservedWorktree? {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        return try await observeWorktrees(in: folder, host: host).first { $0.path == path }
    }
}
