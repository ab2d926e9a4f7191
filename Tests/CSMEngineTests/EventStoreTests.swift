import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("event store")
struct EventStoreTests {
    @Test("ids increase across channels and continue after a restart of the store")
    func idsSurviveRestart() async throws {
        try await withTemporaryDirectory { dir in
            let first = EventStore(directory: dir.path)
            let a = try await first.append(NewEvent(session: "api", type: "t"))
            let b = try await first.append(NewEvent(session: nil, type: "reconcile.pass"))
            let c = try await first.append(NewEvent(session: "web", type: "t"))
            #expect([a.id, b.id, c.id] == [1, 2, 3])
            await first.close()

            let second = EventStore(directory: dir.path)
            let d = try await second.append(NewEvent(session: "api", type: "t", data: .object(["k": .string("v")])))
            #expect(d.id == 4)
            #expect(try await second.events(session: "api").map(\.id) == [1, 4])
            #expect(try await second.events(session: "api", after: 1).map(\.data) == [.object(["k": .string("v")])])
            #expect(try await second.events(session: nil).map(\.type) == ["reconcile.pass"])
            #expect(try await second.allEvents(after: 1).map(\.id) == [2, 3, 4])
        }
    }

    @Test("a torn last line is cut off on open and its id is given again")
    func tornLine() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path)
            try await store.append(NewEvent(session: "api", type: "one"))
            try await store.append(NewEvent(session: "api", type: "two"))
            await store.close()
            let file = dir.appendingPathComponent("sessions/api.jsonl")
            let handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"id":3,"ts":"2026-01-0"#.utf8))
            try handle.close()

            let reopened = EventStore(directory: dir.path)
            try await reopened.open()
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 2)
            #expect(try await reopened.append(NewEvent(session: "api", type: "three")).id == 3)
            #expect(try await reopened.events(session: "api").map(\.type) == ["one", "two", "three"])
        }
    }

    @Test("files rotate past the size limit, keep N files, and replay still finds every kept id")
    func rotation() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path, settings: EventStoreSettings(maxFileBytes: 300, keptFiles: 3))
            for index in 1...40 {
                try await store.append(NewEvent(session: "api", type: "e\(index)"))
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sessions").path)
                .sorted()
            // The current file is renamed as soon as it is full, so it may not exist until the next append.
            #expect(Set(files).isSubset(of: ["api.jsonl", "api.jsonl.1", "api.jsonl.2"]))
            #expect(files.contains("api.jsonl.2"), "older files are kept up to the limit")
            let kept = try await store.events(session: "api")
            #expect(kept.last?.id == 40)
            #expect(kept.count < 40, "the oldest files were deleted")
            #expect(kept.map(\.id) == Array(kept.first!.id...40), "no gap in what is kept")
            let recent = try await store.events(session: "api", after: 37)
            #expect(recent.map(\.id) == [38, 39, 40])
            let fromKept = try await store.events(session: "api", after: kept[2].id)
            #expect(fromKept.map(\.id) == Array((kept[2].id + 1)...40))
        }
    }

    @Test("replay after an id finds the boundary by binary search in a long file")
    func binarySearch() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path)
            for index in 1...500 {
                let padding = String(repeating: "x", count: index % 37)
                try await store.append(NewEvent(session: "s", type: "t", data: .string(padding)))
            }
            for after in [0, 1, 17, 250, 499, 500, 900] as [UInt64] {
                let ids = try await store.events(session: "s", after: after).map(\.id)
                #expect(ids == (after < 500 ? Array((after + 1)...500) : []), "after \(after)")
            }
        }
    }

    @Test("live subscribers get matching events in id order; finishAll ends their streams")
    func publisher() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path)
            let api = store.publisher.subscribe(.channel("api"))
            let all = store.publisher.subscribe(.all)
            try await store.append(NewEvent(session: "api", type: "a"))
            try await store.append(NewEvent(session: "web", type: "b"))
            try await store.append(NewEvent(session: nil, type: "c"))
            store.publisher.finishAll()
            var apiTypes: [String] = []
            for await event in api { apiTypes.append(event.type) }
            var allIDs: [UInt64] = []
            for await event in all { allIDs.append(event.id) }
            #expect(apiTypes == ["a"])
            #expect(allIDs == [1, 2, 3])
        }
    }

    @Test("an invalid session name is refused as a channel")
    func invalidChannel() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path)
            await #expect(throws: EventStoreError.invalidChannel("../x")) {
                try await store.append(NewEvent(session: "../x", type: "t"))
            }
        }
    }
}

@Suite("event store: recent events")
struct RecentEventsTests {
    @Test("the newest N events of a channel or of all channels, oldest first")
    func recent() async throws {
        try await withTemporaryDirectory { dir in
            let store = EventStore(directory: dir.path, settings: EventStoreSettings(maxFileBytes: 500, keptFiles: 4))
            for index in 1...30 {
                try await store.append(NewEvent(session: index % 2 == 0 ? "even" : "odd", type: "t"))
            }
            #expect(try await store.recentEvents(session: .some("even"), limit: 3).map(\.id) == [26, 28, 30])
            #expect(try await store.recentEvents(session: .none, limit: 4).map(\.id) == [27, 28, 29, 30])
            #expect(try await store.recentEvents(session: .some(nil), limit: 4).isEmpty)
        }
    }
}
