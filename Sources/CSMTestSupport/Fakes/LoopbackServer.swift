import Foundation
import Hummingbird
import Logging
import Synchronization

/// Runs a Hummingbird router on 127.0.0.1 on a free port for the length of `body`, then stops it, also
/// when `body` throws. The fakes of external services (Linear, Claude's usage endpoint) use it.
enum LoopbackServer {
    static func with<T>(
        _ router: Router<BasicRequestContext>, _ body: (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        // Quiet: stopping by cancellation makes Hummingbird log errors that mean nothing here.
        var logger = Logger(label: "csm.test.fake")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await value in ports { port = value }
        defer { task.cancel() }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            task.cancel()
            _ = await task.result
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }
}

extension Response {
    /// A JSON answer.
    static func json(_ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A plain-text answer.
    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A mutex-protected value a route handler and a test can share (a class, so closures can capture it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T { try mutex.withLock { try body(&$0) } }
}
