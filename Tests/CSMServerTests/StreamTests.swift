import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import Synchronization
import Testing

@testable import CSMServer

/// Text frames received by a WebSocket test client.
final class Frames: Sendable {
    private let frames = Mutex<[String]>([])
    /// Appends and returns the count.
    func append(_ text: String) -> Int {
        frames.withLock {
            $0.append(text); return $0.count
        }
    }
    var all: [String] { frames.withLock { $0 } }
}

@Suite("event streams", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct StreamTests {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// The `id:` values of an SSE body, in order.
    static func ids(_ body: String) -> [UInt64] {
        body.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? UInt64($0.dropFirst(4)) : nil }
    }

    @Test("SSE replays what a client missed (Last-Event-ID) from disk across a restart of the store, then goes live")
    func replayAcrossRestart() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            let directory = world.stateDir.appendingPathComponent("events").path
            let before = EventStore(directory: directory)
            for index in 1...5 { try await before.append(NewEvent(session: "a", type: "t\(index)")) }
            try await before.append(NewEvent(session: "b", type: "other"))
            await before.close()

            let store = EventStore(directory: directory)
            let server = try ServerHarness(world: world, store: store)
            try await server.test { client in
                let request = Task {
                    try await client.execute(
                        uri: "/api/sessions/a/stream", method: .get, headers: [Self.lastEventID: "3"])
                }
                #expect(await eventually(timeout: .seconds(30)) { store.publisher.subscriberCount == 1 })
                try await store.append(NewEvent(session: "b", type: "not for a"))
                try await store.append(NewEvent(session: "a", type: "live"))
                #expect(await eventually { (try? await store.lastID) == 8 })
                store.publisher.finishAll()
                let response = try await request.value
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                #expect(Self.ids(response.text) == [4, 5, 8])
                #expect(response.text.contains(#""type":"live""#))
                #expect(response.text.hasPrefix("retry: 2000\n"))
            }
        }
    }

    @Test("the global stream merges every channel after ?lastEventId=, and without an id replays the recent events")
    func globalStream() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            let store = EventStore(directory: world.stateDir.appendingPathComponent("events").path)
            try await store.append(NewEvent(session: "a", type: "one"))
            try await store.append(NewEvent(session: nil, type: "reconcile.pass"))
            try await store.append(NewEvent(session: "b", type: "two"))
            store.publisher.finishAll()
            let server = try ServerHarness(world: world, store: store)
            try await server.test { client in
                let resumed = try await client.execute(uri: "/api/events?lastEventId=1", method: .get)
                #expect(Self.ids(resumed.text) == [2, 3])
                let fresh = try await client.execute(uri: "/api/events", method: .get)
                #expect(Self.ids(fresh.text) == [1, 2, 3])
                let unknown = try await client.execute(uri: "/api/sessions/ghost/stream", method: .get)
                #expect(unknown.status == .notFound)
            }
        }
    }

    @Test("the WebSocket carries the same events, resumed from lastEventId, one JSON text frame each")
    func webSocket() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            let store = EventStore(directory: world.stateDir.appendingPathComponent("events").path)
            for index in 1...3 { try await store.append(NewEvent(session: "a", type: "e\(index)")) }
            let server = try ServerHarness(world: world, listen: "127.0.0.1:0", store: store)
            try await server.application().test(.live) { client in
                let received = try await withThrowingTaskGroup(of: [String].self) { group in
                    group.addTask {
                        let frames = Frames()
                        try await client.ws("/api/ws?lastEventId=1") { inbound, _, _ in
                            for try await message in inbound.messages(maxSize: 1 << 20) {
                                if case .text(let text) = message, frames.append(text) == 3 { break }
                            }
                        }
                        return frames.all
                    }
                    group.addTask {
                        #expect(await eventually(timeout: .seconds(30)) { store.publisher.subscriberCount == 1 })
                        try await store.append(NewEvent(session: "a", type: "live"))
                        return []
                    }
                    var all: [String] = []
                    for try await frames in group { all += frames }
                    return all
                }
                let ids = received.compactMap { text in
                    (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["id"] as? Int
                }
                #expect(ids == [2, 3, 4])
            }
        }
    }
}

@Suite("stream heartbeats")
struct HeartbeatTests {
    @Test("an idle live stream gets heartbeats between events and ends with its source")
    func heartbeats() async throws {
        let (live, continuation) = AsyncStream.makeStream(of: EventRecord.self)
        let merged = EventFeed.withHeartbeats(live, every: .milliseconds(20))
        var iterator = merged.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .some(nil), "a heartbeat while nothing happens")
        continuation.yield(EventRecord(id: 1, ts: Date(), session: nil, type: "t", data: .null))
        continuation.finish()
        var ids: [UInt64] = []
        while let item = await iterator.next() {
            if let event = item { ids.append(event.id) }
        }
        #expect(ids == [1])
    }
}
