import CSMEngine
import CSMModel
import Foundation
import HTTPTypes
import Hummingbird

/// Replay from disk, then live events, without gaps or repeats: the subscription is taken before the
/// files are read, and live events at or below the last replayed id are dropped.
enum EventFeed {
    /// Events replayed to a client that sends no `Last-Event-ID`: the most recent ones.
    static let defaultReplay = 100

    /// The id a client resumes from: `Last-Event-ID` header, else `?lastEventId=`; 400 when not a number.
    static func lastEventID(_ request: Request) throws -> UInt64? {
        guard
            let raw = request.headers[HTTPField.Name("Last-Event-ID")!]
                ?? request.uri.queryParameters["lastEventId"].map(String.init)
        else {
            return nil
        }
        guard let id = UInt64(raw.trimmingCharacters(in: .whitespaces)) else {
            throw APIError(
                .badRequest, "invalid_last_event_id", "Last-Event-ID must be an event id (a whole number), not '\(raw)'"
            )
        }
        return id
    }

    static func replay(_ store: EventStore, _ filter: EventPublisher.Filter, after id: UInt64?) async throws
        -> [EventRecord]
    {
        switch (filter, id) {
        case (.all, nil): return try await store.recentEvents(session: .none, limit: defaultReplay)
        case (.channel(let session), nil):
            return try await store.recentEvents(session: .some(session), limit: defaultReplay)
        case (.all, let id?): return try await store.allEvents(after: id)
        case (.channel(let session), let id?): return try await store.events(session: session, after: id)
        }
    }

    /// How often an idle stream sends a heartbeat, which also notices a client that went away.
    static let heartbeatInterval: Duration = .seconds(15)

    /// Writes the backlog and then every live event through `send` until the subscription ends
    /// (server shutdown, a client too slow to keep up) or `send` throws (the client went away). While no
    /// event comes, `heartbeat` is called every `heartbeatInterval`.
    static func pump(
        _ store: EventStore, _ filter: EventPublisher.Filter, after id: UInt64?, live: AsyncStream<EventRecord>,
        heartbeat: () async throws -> Void = {}, replaysStoredLines: Bool = false,
        sendStored: ([StoredLine]) async throws -> Void = { _ in }, send: (EventRecord) async throws -> Void
    ) async throws {
        var last = id ?? 0
        if replaysStoredLines, case .channel(let session) = filter, let id {
            // A session's replay from an id: the lines as stored, page by page, none decoded.
            var cursor = id
            while true {
                let lines = try await store.storedLines(session: session, after: cursor)
                guard let newest = lines.last else { break }
                try await sendStored(lines)
                cursor = newest.id
            }
            last = cursor
        } else {
            for event in try await replay(store, filter, after: id) {
                try await send(event)
                last = max(last, event.id)
            }
        }
        for await item in withHeartbeats(live, every: heartbeatInterval) {
            guard let event = item else {
                try await heartbeat()
                continue
            }
            guard event.id > last else { continue }
            try await send(event)
            last = event.id
        }
    }

    /// `live` with a nil between events every `interval`. Ends when `live` ends; the helper tasks stop
    /// when the consumer stops iterating.
    static func withHeartbeats(_ live: AsyncStream<EventRecord>, every interval: Duration) -> AsyncStream<EventRecord?>
    {
        let (stream, continuation) = AsyncStream.makeStream(of: EventRecord?.self)
        let forward = Task {
            for await event in live { continuation.yield(event) }
            continuation.finish()
        }
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                continuation.yield(nil)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            beat.cancel()
        }
        return stream
    }

    static func json(_ event: EventRecord) -> String {
        (try? EventStore.lineEncoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Server-Sent Events: `id:` and `data:` (the event as one JSON line) per event, `retry:` first.
enum ServerSentEvents {
    static func response(store: EventStore, filter: EventPublisher.Filter, after id: UInt64?) -> Response {
        let live = store.publisher.subscribe(filter)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            try await EventFeed.pump(
                store, filter, after: id, live: live,
                heartbeat: { try await writer.write(ByteBuffer(string: ": keepalive\n\n")) },
                replaysStoredLines: true, sendStored: { lines in try await writer.write(frames(lines)) }
            ) { event in
                try await writer.write(frame(event, json: store.recentLines.json(of: event)))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
            body: body)
    }

    static func frame(_ event: EventRecord) -> String {
        "id: \(event.id)\ndata: \(EventFeed.json(event))\n\n"
    }

    /// `frame(event)` from the event's already encoded JSON.
    static func frame(_ event: EventRecord, json: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.count + 32)
        buffer.writeString("id: \(event.id)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }

    /// The frames of stored lines in one buffer: the same bytes `frame` writes for each event.
    static func frames(_ lines: [StoredLine]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(lines.reduce(0) { $0 + $1.json.count + 32 })
        for line in lines {
            buffer.writeString("id: \(line.id)\ndata: ")
            buffer.writeBytes(line.json)
            buffer.writeString("\n\n")
        }
        return buffer
    }
}
