import CSMModel

/// The default of `createSessions`: one `createSession` after another (in-memory twins, remote hosts).
extension TmuxDriver {
    public func createSessions(_ requests: [TmuxSessionRequest]) async -> [(any Error)?] {
        var errors: [(any Error)?] = []
        for request in requests {
            do {
                try await createSession(request)
                errors.append(nil)
            } catch {
                errors.append(error)
            }
        }
        return errors
    }
}
