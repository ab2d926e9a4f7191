import CSMEngine
import CSMTestSupport
import Foundation
import Testing

@Suite("workspace lock")
struct WorkspaceLockTests {
    @Test("a second holder is refused with the first holder's pid and command; release frees it")
    func secondHolderRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ws/server.lock").path
            let holder = LockHolder(pid: 4242, command: "csm server --listen 127.0.0.1:3000", since: Date())
            let first = try #require(try WorkspaceLock.tryAcquire(path: path, holder: holder))
            let none = try WorkspaceLock.tryAcquire(path: path)
            #expect(none == nil)
            do {
                _ = try await WorkspaceLock.acquire(
                    path: path, timeout: .milliseconds(150), pollInterval: .milliseconds(20))
                Issue.record("the second acquire should fail")
            } catch let error as WorkspaceLockError {
                guard case .held(_, let seen, let waited) = error else { throw error }
                #expect(seen?.pid == 4242)
                #expect(waited >= .milliseconds(150))
                #expect(error.description.contains("process 4242 (csm server --listen 127.0.0.1:3000)"))
            }
            first.release()
            let second = try await WorkspaceLock.acquire(path: path)
            second.release()
        }
    }

    @Test("a waiting acquire gets the lock once the holder releases it")
    func waitsForRelease() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("apply.lock").path
            let first = try #require(try WorkspaceLock.tryAcquire(path: path))
            let waiter = Task {
                try await WorkspaceLock.acquire(path: path, timeout: .seconds(10), pollInterval: .milliseconds(10))
            }
            first.release()
            let second = try await waiter.value
            second.release()
        }
    }
}
