@testable import CSMServer
import Hummingbird
import Synchronization
import Testing

/// Counts computations (a class, so escaping closures can share it).
final class ComputationCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}

@Suite("the cached body of GET /api/sessions")
struct SessionListCacheTests {
    @Test("one computation per key while young; a new event or config computes again")
    func reuse() async throws {
        let cache = SessionListCache(maxAge: .seconds(3600))
        let computed = ComputationCounter()
        func body(_ key: SessionListCache.Key) async throws -> String {
            let buffer = try await cache.body(for: key) {
                let count = computed.next()
                return ByteBuffer(string: "body \(count)")
            }
            return String(buffer: buffer)
        }
        let first = SessionListCache.Key(lastEventID: 7, config: 1)
        #expect(try await body(first) == "body 1")
        #expect(try await body(first) == "body 1")
        #expect(try await body(SessionListCache.Key(lastEventID: 8, config: 1)) == "body 2")
        #expect(try await body(SessionListCache.Key(lastEventID: 8, config: 2)) == "body 3")
    }

    @Test("an expired body is computed again")
    func expiry() async throws {
        let cache = SessionListCache(maxAge: .zero)
        let computed = ComputationCounter()
        let key = SessionListCache.Key(lastEventID: 1, config: 1)
        for _ in 0..<3 {
            _ = try await cache.body(for: key) {
                _ = computed.next()
                return ByteBuffer(string: "x")
            }
        }
        #expect(computed.value == 3)
    }

    @Test("concurrent requests share one computation")
    func singleFlight() async throws {
        let cache = SessionListCache(maxAge: .seconds(3600))
        let computed = ComputationCounter()
        let key = SessionListCache.Key(lastEventID: 1, config: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    _ = try await cache.body(for: key) {
                        _ = computed.next()
                        try await Task.sleep(for: .milliseconds(50))
                        return ByteBuffer(string: "x")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(computed.value == 1)
    }
}
