import Foundation

/// One stored event: a line `{"id","ts","session","type","data"}` of an event file, and one SSE or
/// WebSocket message.
///
/// Ids come from one counter per state dir and workspace, so they increase strictly within every
/// session's file and across all files; a client resumes any stream from the last id it saw.
public struct EventRecord: Sendable, Equatable, Codable {
    /// The channel of events that are about no single session (reconciler passes).
    public static let reconcileChannel = "reconcile"

    public var id: UInt64
    public var ts: Date
    /// The session the event is about; nil for the `reconcile` channel.
    public var session: String?
    /// What happened, for example `reconcile.pass`, `session.action`, `message.sent`.
    public var type: String
    public var data: JSONValue

    public init(id: UInt64, ts: Date, session: String?, type: String, data: JSONValue) {
        self.id = id
        self.ts = ts
        self.session = session
        self.type = type
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case id, ts, session, type, data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UInt64.self, forKey: .id)
        ts = try container.decode(Date.self, forKey: .ts)
        session = try container.decodeIfPresent(String.self, forKey: .session)
        type = try container.decode(String.self, forKey: .type)
        data = try container.decodeIfPresent(JSONValue.self, forKey: .data) ?? .null
    }

    /// Encodes `session` as `null` rather than leaving it out, so every line has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(ts, forKey: .ts)
        try container.encode(session, forKey: .session)
        try container.encode(type, forKey: .type)
        try container.encode(data, forKey: .data)
    }
}

/// An event before the store gives it an id and time.
public struct NewEvent: Sendable, Equatable {
    public var session: String?
    public var type: String
    public var data: JSONValue

    public init(session: String?, type: String, data: JSONValue = .null) {
        self.session = session
        self.type = type
        self.data = data
    }
}
