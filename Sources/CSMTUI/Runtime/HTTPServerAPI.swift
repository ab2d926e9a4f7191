import AsyncHTTPClient
import CSMModel
import Foundation
import NIOCore
import NIOHTTP1

/// `ServerAPI` over HTTP with AsyncHTTPClient (the shared client: its threads live as long as the process).
/// Writes carry the bearer token; the `Host` header is the server's listen address, which its DNS-rebinding
/// guard accepts.
public struct HTTPServerAPI: ServerAPI {
    public let endpoint: ServerEndpoint
    /// How long a request may take before it fails (the head of a stream too).
    public var timeout: TimeAmount

    public init(endpoint: ServerEndpoint, timeout: TimeAmount = .seconds(30)) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    public var address: String { endpoint.address }

    var base: String {
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        return "http://\(host):\(endpoint.port)"
    }

    func makeRequest(_ method: String, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if let token = endpoint.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    public func request(_ method: String, _ path: String, body: JSONValue?) async throws -> JSONValue {
        var request = makeRequest(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let data = Data(bytes.readableBytesView)
        let json =
            data.isEmpty ? JSONValue.null : (JSONValue.parse(data) ?? .string(String(decoding: data, as: UTF8.self)))
        guard (200..<300).contains(Int(response.status.code)) else {
            throw APIFailure(
                status: Int(response.status.code),
                code: json["error"]?["code"]?.stringValue ?? "http_\(response.status.code)",
                message: json["error"]?["message"]?.stringValue
                    ?? "csm server answered \(response.status.code) to \(method) \(path)")
        }
        return json
    }

    public func events(after lastEventID: UInt64?) -> AsyncThrowingStream<EventRecord, any Error> {
        let api = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var request = api.makeRequest("GET", "/api/events")
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
                    let timeout = api.timeout
                    let response = try await HTTPClient.shared.execute(request, timeout: timeout)
                    guard response.status == .ok else {
                        throw APIFailure(
                            status: Int(response.status.code), code: "http_\(response.status.code)",
                            message: "csm server answered \(response.status.code) to GET /api/events")
                    }
                    var parser = SSEParser()
                    for try await chunk in response.body {
                        for message in parser.feed(chunk.readableBytesView) {
                            if let record = SSEParser.record(message) { continuation.yield(record) }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
