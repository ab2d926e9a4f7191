@testable import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("event store: replay of stored lines")
struct StoredLinesTests {
    @Test("pages of stored lines are the events, encoded as streams send them, across rotated files")
    func sameAsEvents() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path, settings: EventStoreSettings(maxFileBytes: 400, keptFiles: 20))
            for index in 1...40 {
                // Data holding its own "id" key must not confuse the id of the line.
                try await store.append(NewEvent(session: index % 3 == 0 ? "other" : "api", type: "t",
                                                data: .object(["id": .number(Double(1000 + index)), "text": .string("\"id\":7")])))
            }
            let events = try await store.events(session: "api", after: 5)
            var lines: [StoredLine] = []
            var cursor: UInt64 = 5
            while true {
                let page = try await store.storedLines(session: "api", after: cursor, maxBytes: 300)
                guard let last = page.last else { break }
                lines += page
                cursor = last.id
            }
            #expect(lines.map(\.id) == events.map(\.id))
            let encoded = try events.map { try EventStore.lineEncoder.encode($0) }
            #expect(lines.map(\.json) == encoded)
            #expect(try await store.storedLines(session: "api", after: 40).isEmpty)
        }
    }

    @Test("the id of a line is read from its own key")
    func storedID() {
        let line = Data(#"{"data":{"id":99,"x":"\"id\":5"},"id":1234,"session":"api","ts":"2026-01-01T00:00:00Z","type":"t"}"#.utf8)
        #expect(line.withUnsafeBytes { EventStore.storedID($0.bindMemory(to: UInt8.self)) } == 1234)
        #expect(Data("garbage".utf8).withUnsafeBytes { EventStore.storedID($0.bindMemory(to: UInt8.self)) } == nil)
        let two = Data("{\"id\":1}\n\n{\"id\":2}\n".utf8)
        #expect(EventStore.splitStoredLines(two, after: 1).map(\.id) == [2])
    }
}
