import Hummingbird

/// The checks every request passes before a route runs, in this order:
/// 1. `Host` names the listen address or localhost (DNS rebinding); any host on a wildcard address.
/// 2. An `Origin`, when sent, is this server's own (cross-site requests and WebSockets).
/// 3. A declared body over 1 MiB → 413 (bodies without a length are cut at 1 MiB when read).
/// 4. Authentication (for registered routes; others fall through to 404 / 405): `Authorization: Bearer <token>` or the login cookie, required for every method but
///    GET and HEAD, and for every route when the server listens beyond loopback. `GET /?login=…` and `POST /api/login`
///    are open: the one-time code or the pasted token is their credential.
struct GuardMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    static let cookieName = "csm_token"

    let listen: ListenAddress
    let credentials: ServerCredentials
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let host = request.head.authority ?? ""
        guard isAllowed(host: host) else {
            throw APIError(
                .misdirectedRequest, "host_not_allowed",
                "the Host '\(host)' is not this server's address (\(listen)); use \(listen.url())")
        }
        if let origin = request.headers[.origin], !isAllowed(origin: origin) {
            throw APIError(.forbidden, "origin_not_allowed", "requests from the origin '\(origin)' are not allowed")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError.bodyTooLarge
        }
        let isRead = request.method == .get || request.method == .head
        // The one-time link and a pasted token are their own credentials.
        let isLogin =
            (request.uri.path == "/" && request.uri.queryParameters["login"] != nil)
            || (request.uri.path == "/api/login" && request.method == .post)
        // Hook deliveries carry their session's own secret instead (checked by HooksController).
        let isHook = request.uri.path.hasPrefix("/api/hooks/")
        // Unknown paths and wrong methods get their 404 / 405 from the router, token or not.
        let isRoute = routes.methods(forPath: request.uri.path).contains(request.method.rawValue)
        if (!isRead || !listen.isLoopback) && !isLogin && !isHook && isRoute {
            guard isAuthenticated(request) else {
                throw APIError(
                    .unauthorized, "unauthorized",
                    "this route needs 'Authorization: Bearer <token>' (the token is in <state-dir>/token)",
                    headers: [.wwwAuthenticate: "Bearer"])
            }
        }
        return try await next(request, context)
    }

    func isAuthenticated(_ request: Request) -> Bool {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return credentials.isValid(String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces))
        }
        for cookieHeader in request.headers[values: .cookie] {
            for pair in cookieHeader.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == Self.cookieName, credentials.isValid(parts[1]) { return true }
            }
        }
        return false
    }

    /// `host[:port]` against the listen address: the port, when given, must be ours.
    func isAllowed(host authority: String) -> Bool {
        guard !authority.isEmpty else { return false }
        var name = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            name = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.hasPrefix(":") { port = Int(rest.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            name = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...])
            if port == nil { return false }
        }
        if let port, port != listen.port, listen.port != 0 { return false }
        if listen.isWildcard { return true }
        let local: Set<String> = ["localhost", "127.0.0.1", "::1"]
        return name.lowercased() == listen.host.lowercased() || local.contains(name.lowercased())
    }

    /// `scheme://host[:port]` with an allowed host (`ws://` too: WebSocket clients outside browsers send it).
    func isAllowed(origin: String) -> Bool {
        guard ["http://", "https://", "ws://", "wss://"].contains(where: origin.hasPrefix) else { return false }
        let authority =
            origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        return isAllowed(host: authority)
    }
}
