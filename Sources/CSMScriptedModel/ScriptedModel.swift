import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A scripted stand-in for the Anthropic Messages API on 127.0.0.1, for tests that run the real Claude
/// Code offline (DESIGN.md §4). Each request that offers tools (Claude Code's main loop) gets the next
/// `ModelTurn` of the script, streamed as SSE or as one JSON message, as the request asks; requests
/// without tools (titles, summaries) get plain text; `count_tokens` gets a fixed count; anything else gets
/// `{}`. Every request is recorded.
///
/// HTTP/1.1 with `Connection: close` on a blocking socket: one thread accepts, one GCD task serves each
/// connection. Test use only; it never listens beyond loopback.
public final class ScriptedModel: Sendable {
    struct State {
        var script: [ModelTurn]
        var requests: [RecordedRequest] = []
        var listener: Int32 = -1
    }

    private let state: Mutex<State>
    /// The port the server listens on (set by `start`).
    public let port: Int
    /// Text given to requests without tools.
    public let sideCallText: String
    /// Text of the turn played when the script has run out.
    public let fallbackText: String

    /// `http://127.0.0.1:<port>`, for `ANTHROPIC_BASE_URL`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Binds 127.0.0.1 on a free port and starts serving `script`.
    public init(
        script: [ModelTurn], sideCallText: String = "Scripted title", fallbackText: String = "Nothing more to do."
    ) throws {
        self.sideCallText = sideCallText
        self.fallbackText = fallbackText
        let (listener, port) = try Self.listen()
        self.port = port
        state = Mutex(State(script: script, listener: listener))
        let server = self
        let thread = Thread { server.acceptLoop(listener) }
        thread.name = "scripted-model"
        thread.start()
    }

    deinit { stop() }

    /// Appends turns to the script (for a second conversation turn).
    public func enqueue(_ turns: [ModelTurn]) {
        state.withLock { $0.script += turns }
    }

    /// Every request received so far, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Stops listening; the accept thread ends and open connections finish their answer.
    public func stop() {
        let fd = state.withLock { state -> Int32 in
            defer { state.listener = -1 }
            return state.listener
        }
        // Only shut down here: the accept thread closes the descriptor once `accept` fails, so the number
        // cannot be reused by another socket while that thread still waits on it.
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// A socket error while starting.
    public struct StartError: Error, CustomStringConvertible {
        public var call: String
        public var errno: Int32
        public var description: String { "scripted model: \(call) failed: \(String(cString: strerror(errno)))" }
    }

    static func listen() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw StartError(call: "bind/listen", errno: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)
                return
            }
            DispatchQueue.global().async { self.serve(connection) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = HTTPWire.readRequest(fd) else { return }
        state.withLock { $0.requests.append(request) }
        HTTPWire.write(fd, respond(to: request))
    }

    func respond(to request: RecordedRequest) -> Data {
        if request.method == "POST", request.path.hasPrefix("/v1/messages/count_tokens") {
            return HTTPWire.response(json: #"{"input_tokens":42}"#)
        }
        guard request.isMessages else { return HTTPWire.response(json: "{}") }
        let model = (request.json?["model"] as? String) ?? "claude-scripted"
        let turn: ModelTurn
        if request.offersTools {
            turn = state.withLock { $0.script.isEmpty ? ModelTurn([.text(fallbackText)]) : $0.script.removeFirst() }
        } else {
            turn = ModelTurn(
                [.text(sideCallText)], inputTokens: 50, outputTokens: 5, cacheCreationTokens: 0, cacheReadTokens: 0)
        }
        let messageID = "msg_scripted_\(UUID().uuidString.prefix(8).lowercased())"
        if request.isStreaming {
            return HTTPWire.response(eventStream: MessageEncoding.events(for: turn, model: model, messageID: messageID))
        }
        return HTTPWire.response(json: MessageEncoding.message(for: turn, model: model, messageID: messageID))
    }
}
