import CSMDrivers

/// Coalesces tmux session creations that arrive while another is in flight into one tmux invocation
/// (`TmuxDriver.createSessions`), like a group commit: the first caller goes at once, callers arriving
/// during its round trip go together in the next one. Each caller still gets its own outcome.
actor TmuxCreationBatcher {
    private let tmux: any TmuxDriver
    private var pending: [(request: TmuxSessionRequest, continuation: CheckedContinuation<Void, any Error>)] = []
    private var isFlushing = false

    init(tmux: any TmuxDriver) {
        self.tmux = tmux
    }

    /// Requests waiting for the next invocation.
    var pendingCount: Int { pending.count }

    /// Creates the session, batched with whatever else is waiting; throws that session's own error.
    func create(_ request: TmuxSessionRequest) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending.append((request, continuation))
            if !isFlushing {
                isFlushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll()
            let errors = await tmux.createSessions(batch.map(\.request))
            for (index, item) in batch.enumerated() {
                if index < errors.count, let error = errors[index] {
                    item.continuation.resume(throwing: error)
                } else {
                    item.continuation.resume()
                }
            }
        }
        isFlushing = false
    }
}
