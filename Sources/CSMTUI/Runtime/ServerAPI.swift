import CSMModel
import Foundation

/// An error answer of `csm server`: its HTTP status and the stable code and message of its JSON body
/// (docs/server.md, "Every error has one shape").
public struct APIFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status (409, 404, …).
    public var status: Int
    /// The stable code (`destroy_blocked`, `session_not_found`, …).
    public var code: String
    /// The server's message, written for people.
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// What the dashboard needs of a running `csm server`: JSON requests and the merged event stream. A
/// protocol so the data source and the effect runner are tested against fakes; `HTTPServerAPI` is the
/// real one (AsyncHTTPClient on loopback).
public protocol ServerAPI: Sendable {
    /// Where the server listens (`127.0.0.1:3917`), for the footer.
    var address: String { get }
    /// Sends one request and returns the JSON body of a 2xx answer (`.null` for an empty one). An error
    /// answer throws `APIFailure`; a transport failure throws what the client threw.
    func request(_ method: String, _ path: String, body: JSONValue?) async throws -> JSONValue
    /// `GET /api/events` from after `lastEventID` (nil: the server's most recent events first). The stream
    /// ends or throws when the connection does; the caller reconnects.
    func events(after lastEventID: UInt64?) -> AsyncThrowingStream<EventRecord, any Error>
}

extension ServerAPI {
    /// `GET` a path.
    public func get(_ path: String) async throws -> JSONValue { try await request("GET", path, body: nil) }

    /// Percent-encodes one path segment (session names are already restricted, script and issue ids may not be).
    public static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    /// The sessions as `GET /api/sessions` shows them, by name.
    public func sessions() async throws -> [String: ServerSession] {
        let body = try await get("/api/sessions")
        let list = body["sessions"]?.arrayValue ?? body.arrayValue ?? []
        var result: [String: ServerSession] = [:]
        for value in list {
            if let session = ServerSession(json: value) { result[session.name] = session }
        }
        return result
    }
}

/// The part of a session of `GET /api/sessions` that local observation cannot see: the agent's state from
/// its hooks, its usage from the transcript and the tool requests waiting for a person.
public struct ServerSession: Sendable, Equatable {
    public var name: String
    public var agent: AgentInfo
    public var approvals: [PendingApproval]
    /// The linked Linear issue's title, when the server could read it.
    public var linearTitle: String?

    public init(name: String, agent: AgentInfo, approvals: [PendingApproval] = [], linearTitle: String? = nil) {
        self.name = name
        self.agent = agent
        self.approvals = approvals
        self.linearTitle = linearTitle
    }

    /// Reads one element of the `sessions` array; nil when it has no name.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue else { return nil }
        self.name = name
        agent = AgentInfo(
            status: json["status"]?.stringValue ?? "", reason: json["statusReason"]?.stringValue,
            model: json["model"]?.stringValue, turns: json["turnCount"]?.intValue ?? 0,
            costUSD: json["costUSD"]?.numberValue ?? 0)
        approvals = (json["pendingApprovals"]?.arrayValue ?? []).compactMap { PendingApproval(json: $0, session: name) }
        linearTitle = json["linearTitle"]?.stringValue
    }
}

extension PendingApproval {
    /// An approval as `pendingApprovals` and the `agent.approval_pending` event carry it.
    public init?(json: JSONValue, session: String) {
        guard let id = json["requestId"]?.stringValue else { return nil }
        let tool = json["tool"]?.stringValue ?? json["toolName"]?.stringValue ?? "tool"
        self.init(id: id, session: session, tool: tool, input: Self.inputText(json["input"] ?? json["toolInput"]))
    }

    /// A tool input as people read it: the command, path or pattern when there is one, else the JSON.
    static func inputText(_ input: JSONValue?) -> String {
        guard let input else { return "" }
        if let text = input.stringValue { return text }
        for key in ["command", "file_path", "path", "pattern", "url", "query", "description"] {
            if let text = input[key]?.stringValue { return text }
        }
        return input.jsonText
    }
}

/// Where a running `csm server` for the workspace is, read the way `csm hook` reads it.
public struct ServerEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The API token (`<state-dir>/token`); nil when it cannot be read (reads still work on loopback).
    public var token: String?

    public init(host: String, port: Int, token: String?) {
        self.host = host
        self.port = port
        self.token = token
    }

    /// `host:port`.
    public var address: String { "\(host):\(port)" }

    /// The address `csm server` wrote to `server.json` and the token next to it; nil when no server has
    /// written one (or the file is unreadable).
    public static func discover(addressFile: String, tokenFile: String) -> ServerEndpoint? {
        struct Address: Decodable {
            var host: String
            var port: Int
        }
        guard let data = FileManager.default.contents(atPath: addressFile),
            let address = try? JSONDecoder().decode(Address.self, from: data)
        else { return nil }
        let token = FileManager.default.contents(atPath: tokenFile).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let host = address.host == "0.0.0.0" || address.host == "::" ? "127.0.0.1" : address.host
        return ServerEndpoint(host: host, port: address.port, token: token?.isEmpty == true ? nil : token)
    }
}

/// Turns the bytes of a `text/event-stream` into events (the WHATWG rules csm's server needs: `id`,
/// `data` over several lines, comments ignored, a blank line dispatches). Pure, so it is unit-tested.
public struct SSEParser: Sendable {
    private var buffer: [UInt8] = []
    private var data: [String] = []
    private var id: String?

    public init() {}

    /// One dispatched event: its id (when the server sent one) and its data lines joined with newlines.
    public struct Message: Sendable, Equatable {
        public var id: String?
        public var data: String
    }

    /// Feeds a chunk; returns the events it completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Message] {
        buffer.append(contentsOf: bytes)
        var messages: [Message] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { messages.append(Message(id: id, data: data.joined(separator: "\n"))) }
                data = []
                id = nil
                continue
            }
            if line.first == UInt8(ascii: ":") { continue }
            let text = String(decoding: line, as: UTF8.self)
            let field: Substring
            var value: Substring
            if let colon = text.firstIndex(of: ":") {
                field = text[..<colon]
                value = text[text.index(after: colon)...]
                if value.first == " " { value = value.dropFirst() }
            } else {
                field = Substring(text)
                value = ""
            }
            switch field {
            case "data": data.append(String(value))
            case "id": id = String(value)
            default: break
            }
        }
        return messages
    }

    /// Decodes the data of a csm event (`{"id","ts","session","type","data"}`).
    public static func record(_ message: Message) -> EventRecord? {
        try? decoder.decode(EventRecord.self, from: Data(message.data.utf8))
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = ISO8601DateFormatter().date(from: text) { return date }
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = fractional.date(from: text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
        }
        return decoder
    }()
}
