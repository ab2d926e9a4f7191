import CSMAgent
import CSMTestSupport
import Foundation
import Synchronization
import Testing

@Suite("pending tool approvals")
struct ApprovalBrokerTests {
    let request = ToolRequest(toolName: "Bash", input: ["command": "make deploy"], cwd: "/w", home: "/h")

    func counter() -> @Sendable () -> String {
        let next = Counter()
        return { "req-\(next.increment())" }
    }

    @Test("a decision wakes the waiting hook; a second decision is a conflict, an unknown id is not found")
    func decide() async throws {
        let broker = ApprovalBroker(makeID: counter())
        let approval = await broker.open(session: "api", request: request, toolUseID: "toolu_1")
        #expect(approval.requestID == "req-1" && approval.toolUseID == "toolu_1")
        async let answer = broker.wait(for: approval.requestID, timeout: .seconds(60), clock: ContinuousClock())
        try await broker.decide(approval.requestID, .deny, message: "not on Fridays")
        #expect(await answer == .decided(.deny, message: "not on Fridays"))
        await #expect(
            throws: ApprovalError.alreadyAnswered(
                requestID: "req-1", answer: .decided(.deny, message: "not on Fridays"))
        ) {
            try await broker.decide("req-1", .allow)
        }
        await #expect(throws: ApprovalError.unknownRequest(requestID: "req-9")) {
            try await broker.decide("req-9", .allow)
        }
        #expect(await broker.pending().isEmpty)
    }

    @Test("nobody deciding in time answers timedOut, and a late decision is a conflict")
    func timeout() async throws {
        let broker = ApprovalBroker(makeID: counter())
        let approval = await broker.open(session: "api", request: request, toolUseID: nil)
        #expect(
            await broker.wait(for: approval.requestID, timeout: .milliseconds(30), clock: ContinuousClock())
                == .timedOut)
        await #expect(throws: ApprovalError.alreadyAnswered(requestID: approval.requestID, answer: .timedOut)) {
            try await broker.decide(approval.requestID, .allow)
        }
    }

    @Test("several approvals per session stay open independently; a decision before the wait is kept")
    func several() async throws {
        let broker = ApprovalBroker(makeID: counter())
        let first = await broker.open(session: "api", request: request, toolUseID: nil)
        let second = await broker.open(session: "api", request: request, toolUseID: nil)
        let other = await broker.open(session: "web", request: request, toolUseID: nil)
        #expect(await broker.pending(session: "api").map(\.requestID) == [first.requestID, second.requestID])
        try await broker.decide(second.requestID, .allow)
        #expect(
            await broker.wait(for: second.requestID, timeout: .seconds(60), clock: ContinuousClock())
                == .decided(.allow, message: nil))
        #expect(await broker.pending().map(\.requestID) == [first.requestID, other.requestID])
        await broker.cancelAll(session: "api")
        #expect(await broker.pending().map(\.requestID) == [other.requestID])
        #expect(await broker.wait(for: first.requestID, timeout: .seconds(60), clock: ContinuousClock()) == .cancelled)
    }

    @Test("a hook that goes away cancels its approval")
    func cancelled() async throws {
        let broker = ApprovalBroker(makeID: counter())
        let approval = await broker.open(session: "api", request: request, toolUseID: nil)
        let waiting = Task {
            await broker.wait(for: approval.requestID, timeout: .seconds(60), clock: ContinuousClock())
        }
        #expect(await eventually { await broker.pending().count == 1 })
        waiting.cancel()
        #expect(await waiting.value == .cancelled)
        #expect(await eventually { await broker.pending().isEmpty })
    }

    @Test("answered requests are remembered up to a bound, then unknown")
    func memory() async throws {
        let broker = ApprovalBroker(memory: 2, makeID: counter())
        for _ in 0..<3 {
            let approval = await broker.open(session: "api", request: request, toolUseID: nil)
            try await broker.decide(approval.requestID, .allow)
        }
        await #expect(throws: ApprovalError.unknownRequest(requestID: "req-1")) {
            try await broker.decide("req-1", .allow)
        }
        await #expect(throws: ApprovalError.alreadyAnswered(requestID: "req-3", answer: .decided(.allow, message: nil)))
        {
            try await broker.decide("req-3", .allow)
        }
    }

    @Test("a server shutdown answers every waiting hook, and every later one at once, with serverStopping")
    func stopAll() async throws {
        let broker = ApprovalBroker(makeID: counter())
        let first = await broker.open(session: "api", request: request, toolUseID: nil)
        let waiting = Task { await broker.wait(for: first.requestID, timeout: .seconds(600), clock: ContinuousClock()) }
        #expect(await eventually { await broker.pending().count == 1 })
        await broker.stopAll()
        #expect(await waiting.value == .serverStopping)
        #expect(await broker.pending().isEmpty)
        let late = await broker.open(session: "api", request: request, toolUseID: nil)
        #expect(await broker.wait(for: late.requestID, timeout: .seconds(600), clock: ContinuousClock()) == .serverStopping)
        await #expect(throws: ApprovalError.alreadyAnswered(requestID: late.requestID, answer: .serverStopping)) {
            try await broker.decide(late.requestID, .allow)
        }
    }
}

/// A thread-safe counter for deterministic ids.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}
