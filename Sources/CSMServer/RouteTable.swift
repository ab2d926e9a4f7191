import Hummingbird
import HummingbirdWebSocket
import Synchronization

/// The request context of every route (HTTP and the WebSocket upgrade share one router).
public typealias ServerContext = BasicWebSocketRequestContext

/// One registered route: method and path as written (`/api/sessions/:name`).
public struct RouteInfo: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method) \(path)" }

    /// Whether a concrete request path fits this route's pattern.
    func matches(path requestPath: String) -> Bool {
        let pattern = path.split(separator: "/", omittingEmptySubsequences: true)
        let parts = requestPath.split(separator: "/", omittingEmptySubsequences: true)
        guard pattern.count == parts.count else { return false }
        return zip(pattern, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }
}

/// Every route the server registers, recorded as it is added to the router: the source for 405
/// answers (a known path with another method) and for the test that holds the OpenAPI document to
/// the router.
public final class RouteTable: Sendable {
    private let entries = Mutex<[RouteInfo]>([])

    public init() {}

    public var routes: [RouteInfo] { entries.withLock { $0 } }

    func record(_ method: HTTPRequest.Method, _ path: String) {
        entries.withLock { $0.append(RouteInfo(method: method.rawValue, path: path)) }
    }

    /// The methods registered for a request path (empty when no route has that path).
    func methods(forPath path: String) -> [String] {
        routes.filter { $0.matches(path: path) }.map(\.method)
    }
}

/// Registers routes on the router and in the table at once.
struct RouteRegistrar {
    let router: Router<ServerContext>
    let table: RouteTable

    func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        table.record(method, path)
        router.on(RouterPath(path), method: method, use: handler)
    }
}
