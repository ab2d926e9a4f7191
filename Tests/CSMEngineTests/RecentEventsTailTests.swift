@testable import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("event store: the last lines of a file, read backwards")
struct RecentEventsTailTests {
    @Test("the newest N of a channel span rotated files; more than there are gives all")
    func acrossFiles() async throws {
        try await withTemporaryDirectory { dir in
            // Small files: each holds a few events, so the newest 7 come from several files.
            let store = EventStore(directory: dir.path, settings: EventStoreSettings(maxFileBytes: 300, keptFiles: 10))
            for _ in 1...20 { try await store.append(NewEvent(session: "api", type: "t")) }
            #expect(try await store.recentEvents(session: .some("api"), limit: 7).map(\.id) == Array(14...20))
            #expect(try await store.recentEvents(session: .some("api"), limit: 1).map(\.id) == [20])
            let all = try await store.recentEvents(session: .some("api"), limit: 1000).map(\.id)
            #expect(all.last == 20 && all == all.sorted())
        }
    }

    @Test("tailOffset: where the last N lines start")
    func tailOffset() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("f.jsonl").path
            try Data("a\nbb\nccc\n".utf8).write(to: URL(fileURLWithPath: path))
            let store = EventStore(directory: dir.path)
            #expect(try await store.tailOffset(in: path, lines: 1) == 5)
            #expect(try await store.tailOffset(in: path, lines: 2) == 2)
            #expect(try await store.tailOffset(in: path, lines: 3) == 0)
            #expect(try await store.tailOffset(in: path, lines: 9) == 0)
            #expect(try await store.tailOffset(in: path, lines: 0) == 9)
            let empty = dir.appendingPathComponent("e.jsonl").path
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            #expect(try await store.tailOffset(in: empty, lines: 3) == 0)
        }
    }
}
