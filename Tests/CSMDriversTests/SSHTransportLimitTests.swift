import CSMDrivers
import CSMModel
import Foundation
import Synchronization
import Testing

/// The per-host limit, with a recording runner standing in for ssh (pure scheduling logic).
@Suite("ssh transport limits", .timeLimit(.minutes(1)))
struct SSHTransportLimitTests {
    /// Calls to host `slow` block until released; every other call answers at once.
    final class GatedRunner: ProcessRunner, Sendable {
        struct State {
            var running: [String: Int] = [:]
            var peak: [String: Int] = [:]
            var waiting: [CheckedContinuation<Void, Never>] = []
            var finished: [String] = []
        }
        let state = Mutex(State())

        func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?)
            async throws -> ProcessResult
        {
            guard arguments.contains(where: { $0.contains("ControlMaster=no") }) else {
                return ProcessResult(status: 0, stdout: "", stderr: "")
            }
            let host = arguments.contains { $0.contains("slow.invalid") } ? "slow" : "fast"
            state.withLock {
                $0.running[host, default: 0] += 1
                $0.peak[host] = max($0.peak[host, default: 0], $0.running[host, default: 0])
            }
            if host == "slow" {
                await withCheckedContinuation { continuation in state.withLock { $0.waiting.append(continuation) } }
            }
            state.withLock {
                $0.running[host, default: 0] -= 1
                $0.finished.append(host)
            }
            return ProcessResult(status: 0, stdout: "", stderr: "")
        }

        func releaseAll() {
            let waiting = state.withLock { state in
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }

        var waitingCount: Int { state.withLock { $0.waiting.count } }
    }

    @Test("a host runs at most its limit of calls at once, and a blocked host does not hold back another")
    func perHostLimit() async throws {
        let runner = GatedRunner()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "csm-limit-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let transport = SSHTransport(
            stateDirectory: state.path, options: SSHOptions(maxConcurrentCallsPerHost: 2), runner: runner)
        await transport.configure([
            HostSpec(name: "slow", ssh: "u@slow.invalid"), HostSpec(name: "fast", ssh: "u@fast.invalid"),
        ])
        let slowCalls = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 { group.addTask { _ = try await transport.run("slow", "true") } }
                try await group.waitForAll()
            }
        }
        while runner.waitingCount < 2 { await Task.yield() }
        _ = try await transport.run("fast", "true")
        #expect(
            runner.state.withLock { $0.finished } == ["fast"], "the fast host answered while the slow one was stuck")
        while !runner.state.withLock({ $0.finished.filter { $0 == "slow" }.count == 6 }) {
            runner.releaseAll()
            await Task.yield()
        }
        try await slowCalls.value
        #expect(runner.state.withLock { $0.peak["slow"] } == 2)
    }
}
