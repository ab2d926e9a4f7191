import Foundation
import Synchronization

/// Runs blocking work (libgit2 calls, file-system scans) on a GCD thread and awaits it.
///
/// Swift's cooperative pool has one thread per core — two on the machines csm targets — so blocking
/// calls made directly in async functions stall every other task, the server's HTTP handling included.
func runOffPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// One lock per repository path, so worktree mutations of one repository never overlap: libgit2's
/// "is this branch checked out elsewhere" check reads the other worktrees' files while a concurrent add
/// is still writing them. Different repositories proceed in parallel.
enum RepositoryLocks {
    private static let locks = Mutex<[String: NSLock]>([:])

    static func withLock<T>(_ repoPath: String, _ body: () throws -> T) rethrows -> T {
        let key = URL(fileURLWithPath: repoPath).standardizedFileURL.path
        let lock = locks.withLock { table in
            if let existing = table[key] { return existing }
            let created = NSLock()
            table[key] = created
            return created
        }
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
