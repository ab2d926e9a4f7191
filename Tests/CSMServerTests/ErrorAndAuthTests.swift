import CSMModel
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CSMServer

@Suite("server errors and auth", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct ErrorAndAuthTests {
    /// Every mutating route, with a path that exists (the auth check runs before the route).
    static let mutatingRoutes: [(HTTPRequest.Method, String)] = [
        (.post, "/api/sessions"), (.delete, "/api/sessions/a"), (.post, "/api/sessions/a/message"),
        (.post, "/api/sessions/a/approve-tool"), (.post, "/api/sessions/a/reconnect"),
        (.post, "/api/sessions/a/favorite"),
        (.delete, "/api/sessions/a/favorite"), (.patch, "/api/config"), (.post, "/api/config/rules"),
        (.put, "/api/config/rules"), (.delete, "/api/config/rules/0"), (.post, "/api/apply"),
    ]

    @Test("every mutating route without a token, or with a wrong one, answers 401 with a JSON error")
    func authMatrix() async throws {
        try await withServer { server in
            try await server.test { client in
                for (method, path) in Self.mutatingRoutes {
                    let none = try await client.execute(uri: path, method: method, body: "{}".buffer)
                    #expect(none.status == .unauthorized, "\(method) \(path)")
                    #expect(none.errorCode == "unauthorized", "\(method) \(path)")
                    #expect(none.headers[.wwwAuthenticate] == "Bearer")
                    let wrong = try await client.execute(
                        uri: path, method: method, headers: [.authorization: "Bearer nope"], body: "{}".buffer)
                    #expect(wrong.status == .unauthorized, "\(method) \(path)")
                }
                let read = try await client.execute(uri: "/api/health", method: .get)
                #expect(read.status == .ok, "reads need no token on loopback")
            }
        }
    }

    @Test("off loopback every route needs the token")
    func nonLoopback() async throws {
        try await withServer(listen: "0.0.0.0:3000") { server in
            try await server.test { client in
                let open = try await client.execute(uri: "/api/health", method: .get)
                #expect(open.status == .unauthorized)
                let authorized = try await client.execute(uri: "/api/health", method: .get, headers: server.auth)
                #expect(authorized.status == .ok)
            }
        }
    }

    @Test("the one-time login code sets an HttpOnly SameSite=Strict cookie that authenticates; a second use is refused")
    func loginCookie() async throws {
        try await withServer { server in
            let code = server.options.credentials.makeLoginCode()
            try await server.test { client in
                let login = try await client.execute(uri: "/?login=\(code)", method: .get)
                #expect(login.status == .seeOther)
                let cookie = try #require(login.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                let pair = String(cookie.split(separator: ";")[0])
                let again = try await client.execute(uri: "/?login=\(code)", method: .get)
                #expect(again.status == .unauthorized)
                let apply = try await client.execute(uri: "/api/apply", method: .post, headers: [.cookie: pair])
                #expect(apply.status == .ok)
                let home = try await client.execute(uri: "/", method: .get)
                #expect(home.status == .ok && home.text.contains("/assets/app.js"), "the dashboard page")
            }
        }
    }

    @Test("Host must be the listen address or localhost with our port; any host on a wildcard address")
    func hostCheck() throws {
        let credentials = ServerCredentials(token: String(repeating: "a", count: 64))
        let loopback = GuardMiddleware(
            listen: ListenAddress("127.0.0.1:3000")!, credentials: credentials, routes: RouteTable())
        for allowed in ["localhost", "localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST:3000"] {
            #expect(loopback.isAllowed(host: allowed), "\(allowed)")
        }
        for refused in ["evil.example", "evil.example:3000", "localhost:3001", "127.0.0.1:x", "", "[::1"] {
            #expect(!loopback.isAllowed(host: refused), "\(refused)")
        }
        #expect(loopback.isAllowed(origin: "http://localhost:3000"))
        #expect(!loopback.isAllowed(origin: "http://evil.example"))
        #expect(!loopback.isAllowed(origin: "null"))
        let wildcard = GuardMiddleware(
            listen: ListenAddress("0.0.0.0:3000")!, credentials: credentials, routes: RouteTable())
        #expect(wildcard.isAllowed(host: "my-laptop.local:3000"))
    }

    @Test("a foreign Origin is refused on a live server; our own is accepted")
    func originLive() async throws {
        try await withServer(listen: "127.0.0.1:0") { server in
            try await server.application().test(.live) { client in
                let origin = try await client.execute(
                    uri: "/api/health", method: .get, headers: [.origin: "http://evil.example"])
                #expect(origin.status == .forbidden)
                #expect(origin.errorCode == "origin_not_allowed")
                let ours = try await client.execute(
                    uri: "/api/health", method: .get, headers: [.origin: "http://localhost:\(client.port!)"])
                #expect(ours.status == .ok)
            }
        }
    }

    @Test("malformed JSON, invalid names, unknown sessions and routes, wrong methods and big bodies get JSON errors")
    func errorBodies() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n") { server in
            try await server.test { client in
                let malformed = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json, body: "{nope".buffer)
                #expect(malformed.status == .badRequest && malformed.errorCode == "invalid_json")
                let missing = try await client.execute(
                    uri: "/api/sessions/a/message", method: .post, headers: server.json, body: "{}".buffer)
                #expect(missing.status == .badRequest && missing.errorCode == "invalid_body")
                let invalid = try await client.execute(uri: "/api/sessions/a$b", method: .get)
                #expect(invalid.status == .badRequest && invalid.errorCode == "invalid_name")
                let unknown = try await client.execute(uri: "/api/sessions/ghost", method: .get)
                #expect(unknown.status == .notFound && unknown.errorCode == "session_not_found")
                let route = try await client.execute(uri: "/api/nothing", method: .get)
                #expect(route.status == .notFound && route.errorCode == "route_not_found")
                let method = try await client.execute(uri: "/api/health", method: .post, headers: server.auth)
                #expect(method.status == .methodNotAllowed && method.errorCode == "method_not_allowed")
                #expect(method.headers[.allow] == "GET")
                let big = String(repeating: "x", count: (1 << 20) + 10)
                let tooLarge = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json, body: "{\"name\":\"\(big)\"}".buffer)
                #expect(tooLarge.status == .contentTooLarge && tooLarge.errorCode == "body_too_large")
                let badIndex = try await client.execute(
                    uri: "/api/config/rules/x", method: .delete, headers: server.auth)
                #expect(badIndex.status == .badRequest && badIndex.errorCode == "invalid_index")
                let lastID = try await client.execute(
                    uri: "/api/events", method: .get, headers: [HTTPField.Name("Last-Event-ID")!: "abc"])
                #expect(lastID.status == .badRequest && lastID.errorCode == "invalid_last_event_id")
            }
        }
    }

    @Test("the OpenAPI document describes exactly the routes the router has")
    func openAPIMatchesRouter() async throws {
        try await withServer { server in
            let (_, table) = buildRouter(server.dependencies, options: server.options)
            let registered = Set(
                table.routes.map { route in
                    route.method.lowercased() + " "
                        + route.path.split(separator: "/", omittingEmptySubsequences: false)
                        .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
                })
            try await server.test { client in
                let response = try await client.execute(uri: "/api/openapi.json", method: .get)
                #expect(response.object["openapi"] as? String == "3.1.0")
                let paths = try #require(response.object["paths"] as? [String: [String: Any]])
                let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
                #expect(registered == documented)
                #expect(registered.count >= 26)
            }
        }
    }
}
