import Foundation

/// Runs blocking work (libgit2 calls, file-system scans) on a GCD thread and awaits it.
///
/// Swift's cooperative pool has one thread per core — two on the machines csm targets — so blocking
/// calls made directly in async functions stall every other task, the server's HTTP handling included.
func runOffPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
