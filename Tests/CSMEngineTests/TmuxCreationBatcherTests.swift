import CSMDrivers
@testable import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// A tmux driver that records the batches it is given and holds the first one until released.
actor GatedBatchTmux: TmuxDriver {
    private(set) var batches: [[String]] = []
    private var gate: CheckedContinuation<Void, Never>?
    private var released = false
    let failing: Set<String>

    init(failing: Set<String> = []) { self.failing = failing }

    func release() {
        released = true
        gate?.resume()
        gate = nil
    }

    var isHolding: Bool { gate != nil }

    func createSessions(_ requests: [TmuxSessionRequest]) async -> [(any Error)?] {
        if batches.isEmpty && !released { await withCheckedContinuation { gate = $0 } }
        batches.append(requests.map(\.name))
        return requests.map { failing.contains($0.name) ? TmuxError.sessionExists(name: $0.name) : nil }
    }

    func listSessions() async throws -> [ObservedTmuxSession] { [] }
    func createSession(_ request: TmuxSessionRequest) async throws { _ = await createSessions([request]) }
    func killSession(named tmuxName: String) async throws {}
    func paste(_ text: String, session tmuxName: String, window: String) async throws {}
    func capturePane(session tmuxName: String, window: String) async throws -> String { "" }
    func respawnWindow(session tmuxName: String, window: String, command: [String]) async throws {}
}

@Suite("tmux creations batched while one is in flight")
struct TmuxCreationBatcherTests {
    // Generous waits: in the full parallel suite the cooperative pool can be busy for many seconds.
    func request(_ name: String) -> TmuxSessionRequest {
        TmuxSessionRequest(name: name, workingDirectory: "/", windows: [TmuxWindow(name: "w", command: nil)], environment: [:], options: [:])
    }

    @Test("requests arriving during a round trip go together; each gets its own outcome")
    func groupCommit() async throws {
        let tmux = GatedBatchTmux(failing: ["s3"])
        let batcher = TmuxCreationBatcher(tmux: tmux)
        let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            group.addTask {
                try await batcher.create(request("s0"))
                return ("s0", true)
            }
            #expect(await eventually(timeout: .seconds(120)) { await tmux.isHolding })
            for name in ["s1", "s2", "s3", "s4"] {
                group.addTask {
                    do {
                        try await batcher.create(request(name))
                        return (name, true)
                    } catch {
                        return (name, false)
                    }
                }
            }
            #expect(await eventually(timeout: .seconds(120)) { await batcher.pendingCount == 4 })
            await tmux.release()
            var outcomes: [String: Bool] = [:]
            for try await (name, ok) in group { outcomes[name] = ok }
            return outcomes
        }
        #expect(await tmux.batches.map { $0.sorted() } == [["s0"], ["s1", "s2", "s3", "s4"]])
        #expect(outcomes == ["s0": true, "s1": true, "s2": true, "s3": false, "s4": true])
    }
}
