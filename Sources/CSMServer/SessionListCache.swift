import Foundation
import Hummingbird

/// The encoded body of `GET /api/sessions`, shared by the requests of a short window.
///
/// Building the list observes tmux and every worktree; doing that per request caps the route at a few
/// hundred requests a second on a small machine. A body is reused while nothing it depends on changed —
/// no session event was stored since (every action, hook and approval is one) and csm.yaml is the same —
/// and it is younger than `maxAge`. Between `maxAge` and `4 × maxAge` the body is still answered while
/// one request's worth of work builds the next in the background; older, or after a change, requests
/// wait for a fresh body (one computation shared by all of them). The price: a change made outside csm
/// (a tmux session killed by hand) shows up to about `2 × maxAge` late.
actor SessionListCache {
    /// What a body was computed from.
    struct Key: Equatable, Sendable {
        var lastEventID: UInt64
        var config: Int
    }

    let maxAge: Duration
    private let clock = ContinuousClock()
    private var entry: (key: Key, body: ByteBuffer, computedAt: ContinuousClock.Instant)?
    private var inFlight: (key: Key, task: Task<ByteBuffer, any Error>)?

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    /// The body for `key`: cached, refreshed behind the answer, or computed by `compute` (once for all
    /// callers waiting on the same key).
    func body(for key: Key, compute: @escaping @Sendable () async throws -> ByteBuffer) async throws -> ByteBuffer {
        if let entry, entry.key == key {
            let age = entry.computedAt.duration(to: clock.now)
            if age < maxAge { return entry.body }
            if age < maxAge * 4 {
                if inFlight == nil { inFlight = (key, start(key, compute)) }
                return entry.body
            }
        }
        if let inFlight, inFlight.key == key { return try await inFlight.task.value }
        let task = start(key, compute)
        inFlight = (key, task)
        return try await task.value
    }

    private func start(_ key: Key, _ compute: @escaping @Sendable () async throws -> ByteBuffer) -> Task<ByteBuffer, any Error> {
        // Aged from when the computation starts: it observes the world then.
        let started = clock.now
        return Task {
            do {
                let body = try await compute()
                finish(key, started: started, body: body)
                return body
            } catch {
                finish(key, started: started, body: nil)
                throw error
            }
        }
    }

    private func finish(_ key: Key, started: ContinuousClock.Instant, body: ByteBuffer?) {
        if inFlight?.key == key { inFlight = nil }
        if let body, entry.map({ $0.computedAt < started }) ?? true { entry = (key, body, started) }
    }
}
