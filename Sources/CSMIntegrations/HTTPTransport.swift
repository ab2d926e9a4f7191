import AsyncHTTPClient
import Foundation

/// An HTTP answer, fully read.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// One HTTP exchange; the seam between the integrations and the network.
public protocol HTTPTransport: Sendable {
    /// Sends a request and reads the whole answer (at most 8 MiB). Throws on network failures only.
    func send(method: String, url: String, headers: [(String, String)], body: Data?, timeout: Duration) async throws
        -> HTTPAnswer
}

/// `HTTPTransport` through AsyncHTTPClient's shared client (no lifecycle to manage).
public struct AsyncHTTPTransport: HTTPTransport {
    public init() {}

    public func send(method: String, url: String, headers: [(String, String)], body: Data?, timeout: Duration)
        async throws -> HTTPAnswer
    {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(Array(body)) }
        let seconds = Int64(timeout.components.seconds)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(max(1, seconds)))
        var data = Data()
        for try await chunk in response.body {
            data.append(contentsOf: chunk.readableBytesView)
            guard data.count <= 8 << 20 else { break }
        }
        return HTTPAnswer(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: data)
    }
}
