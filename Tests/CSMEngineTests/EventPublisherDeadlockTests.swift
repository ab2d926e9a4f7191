import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Found when a `csm server` stopped answering under the full test suite: a client leaving an SSE stream
/// while events were published deadlocked the publisher's lock against the task's status lock.
@Suite("event publisher under churn", .tags(.faults), .timeLimit(.minutes(1)))
struct EventPublisherDeadlockTests {
    @Test("subscribers that come and go while events are published never deadlock it")
    func churn() async throws {
        let publisher = EventPublisher()
        let publishing = Task.detached {
            for id in 1...20_000 {
                publisher.publish(EventRecord(id: UInt64(id), ts: Date(), session: "a", type: "t", data: .null))
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<400 {
                group.addTask {
                    let stream = publisher.subscribe(.all)
                    let reader = Task {
                        var count = 0
                        for await _ in stream {
                            count += 1
                            if count > 3 { break }
                        }
                    }
                    try? await Task.sleep(for: .microseconds(Int.random(in: 0...500)))
                    reader.cancel()
                    _ = await reader.value
                }
            }
            try await group.waitForAll()
        }
        await publishing.value
        #expect(publisher.subscriberCount == 0, "every subscriber that left was removed")
    }
}
