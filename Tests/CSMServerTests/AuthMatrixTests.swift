import CSMDrivers
import CSMEngine
import CSMTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CSMServer

/// Every route the router registers (taken from `RouteTable`, so a new route is covered the day it is
/// added) against a live server, through curl: no token, a wrong token, the token in the query string, a
/// wrong `Host`, a foreign `Origin`, and for hook deliveries another session's secret.
@Suite("auth matrix over every route", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct AuthMatrixTests {
    /// A concrete path for a route pattern (parameters get values that pass name and index checks).
    static func concrete(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            switch part {
            case ":index": "0"
            case let parameter where parameter.hasPrefix(":"): "a"
            default: String(part)
            }
        }.joined(separator: "/")
    }

    /// `curl` against the live server: the status code and the body.
    /// `POST /api/login` is the one route that takes the token in its body (it sets the login cookie):
    /// only this server's token opens it; a wrong one, a hook secret or a token in the query do not.
    static func checkLogin(base: String, token: String, hookSecret: String) async throws {
        let url = base + "/api/login"
        let wrong = try await curl("POST", url, body: #"{"token":"\#(token.dropLast())x"}"#)
        #expect(wrong.0 == 401 && errorCode(wrong.1) == "invalid_token", "login with a wrong token: \(wrong)")
        let secret = try await curl("POST", url, body: #"{"token":"\#(hookSecret)"}"#)
        #expect(secret.0 == 401, "a hook secret does not log in: \(secret)")
        let query = try await curl("POST", url + "?token=\(token)", body: "{}")
        #expect(query.0 != 200, "a token in the query does not log in: \(query)")
        let right = try await curl("POST", url, body: #"{"token":"\#(token)"}"#)
        #expect(right.0 == 200, "this server's token logs in: \(right)")
    }

    static func curl(
        _ method: String, _ url: String, headers: [String] = [], body: String? = nil, maxTime: Int = 60
    ) async throws -> (Int, String) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "\(maxTime)", "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append(url)
        let result = try await SpawnProcessRunner().run("curl", arguments, input: nil, environment: nil)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let code = Int(lines.last ?? "") ?? 0
        return (code, lines.dropLast().joined(separator: "\n"))
    }

    static func errorCode(_ body: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    /// Writes hook secrets for sessions `a` and `b` as `AgentLaunch` would.
    static func writeSecrets(_ server: ServerHarness) throws -> (a: String, b: String) {
        let layout = StateLayout(root: server.world.stateDir.path)
        var secrets: [String] = []
        for name in ["a", "b"] {
            let path = layout.hookSecretFile(workspace: "e2e", session: name)
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let secret = "secret-\(name)-" + UUID().uuidString
            try Data(secret.utf8).write(to: URL(fileURLWithPath: path))
            secrets.append(secret)
        }
        return (secrets[0], secrets[1])
    }

    @Test("on loopback: every changing route refuses no token, a wrong token and a token in the query")
    func loopbackMatrix() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n  b:\n    repo: app\n", listen: "127.0.0.1:0") { server in
            let secrets = try Self.writeSecrets(server)
            let (_, table) = buildRouter(server.dependencies, options: server.options)
            let routes = table.routes
            #expect(routes.count >= 30, "the table lists every route: \(routes)")
            try await server.application().test(.live) { client in
                let base = "http://127.0.0.1:\(client.port!)"
                for route in routes where route.path != "/api/ws" {
                    let path = Self.concrete(route.path)
                    let label = "\(route)"
                    let isHook = route.path.hasPrefix("/api/hooks/")
                    let isRead = route.method == "GET"
                    let body = isRead ? nil : "{}"

                    // A wrong Host is refused before anything else, even with the right token.
                    let host = try await Self.curl(
                        route.method, base + path,
                        headers: ["Host: evil.example", "Authorization: Bearer \(server.token)"], body: body)
                    #expect(host.0 == 421 && Self.errorCode(host.1) == "host_not_allowed", "\(label): \(host)")
                    let rebinding = try await Self.curl(
                        route.method, base + path, headers: ["Host: evil.example:\(client.port!)"], body: body)
                    #expect(rebinding.0 == 421, "\(label): \(rebinding)")

                    // A foreign Origin is refused even with the right token.
                    let origin = try await Self.curl(
                        route.method, base + path,
                        headers: ["Origin: http://evil.example", "Authorization: Bearer \(server.token)"], body: body)
                    #expect(origin.0 == 403 && Self.errorCode(origin.1) == "origin_not_allowed", "\(label): \(origin)")

                    if isHook {
                        let none = try await Self.curl("POST", base + path, body: #"{"hook_event_name":"Stop"}"#)
                        #expect(none.0 == 401, "\(label) without a secret: \(none)")
                        let token = try await Self.curl(
                            "POST", base + path, headers: ["Authorization: Bearer \(server.token)"],
                            body: #"{"hook_event_name":"Stop"}"#)
                        #expect(token.0 == 401, "the API token does not open the hook route: \(token)")
                        let other = try await Self.curl(
                            "POST", base + path, headers: ["X-CSM-Hook-Secret: \(secrets.b)"],
                            body: #"{"hook_event_name":"Stop"}"#)
                        #expect(other.0 == 403 && Self.errorCode(other.1) == "hook_secret_mismatch", "\(other)")
                        let query = try await Self.curl(
                            "POST", base + path + "?secret=\(secrets.a)", body: #"{"hook_event_name":"Stop"}"#)
                        #expect(query.0 == 401, "a secret in the query does not count: \(query)")
                        let own = try await Self.curl(
                            "POST", base + path, headers: ["X-CSM-Hook-Secret: \(secrets.a)"],
                            body: #"{"hook_event_name":"Stop"}"#)
                        #expect(own.0 == 200, "its own secret opens it: \(own)")
                        continue
                    }
                    if route.path == "/api/login" {
                        try await Self.checkLogin(base: base, token: server.token, hookSecret: secrets.a)
                        continue
                    }
                    if route.path == "/api/token" {
                        // Shows the secret itself: never readable on trust of loopback alone.
                        let open = try await Self.curl("GET", base + path)
                        #expect(open.0 == 401 && Self.errorCode(open.1) == "unauthorized", "\(label): \(open)")
                        continue
                    }
                    if isRead {
                        let open = try await Self.curl("GET", base + path)
                        #expect(open.0 != 401, "\(label) is readable without a token on loopback: \(open)")
                        continue
                    }
                    let none = try await Self.curl(route.method, base + path, body: body)
                    #expect(none.0 == 401 && Self.errorCode(none.1) == "unauthorized", "\(label): \(none)")
                    let wrong = try await Self.curl(
                        route.method, base + path, headers: ["Authorization: Bearer \(server.token.dropLast())x"],
                        body: body)
                    #expect(wrong.0 == 401, "\(label) wrong token: \(wrong)")
                    let cookie = try await Self.curl(
                        route.method, base + path, headers: ["Cookie: csm_token=nope"], body: body)
                    #expect(cookie.0 == 401, "\(label) wrong cookie: \(cookie)")
                    for name in ["token", "access_token", "csm_token"] {
                        let separator = path.contains("?") ? "&" : "?"
                        let query = try await Self.curl(
                            route.method, base + path + separator + "\(name)=\(server.token)", body: body)
                        #expect(query.0 == 401, "\(label) with ?\(name)=: \(query)")
                    }
                    let secret = try await Self.curl(
                        route.method, base + path, headers: ["X-CSM-Hook-Secret: \(secrets.a)"], body: body)
                    #expect(secret.0 == 401, "a hook secret is not an API token (\(label)): \(secret)")
                }
            }
        }
    }

    @Test("beyond loopback every route but the hook needs the token; the query string never carries it")
    func wildcardMatrix() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n", listen: "0.0.0.0:0") { server in
            let secrets = try Self.writeSecrets(server)
            let (_, table) = buildRouter(server.dependencies, options: server.options)
            try await server.application().test(.live) { client in
                let base = "http://127.0.0.1:\(client.port!)"
                for route in table.routes where route.path != "/api/ws" && !route.path.hasPrefix("/api/hooks/") {
                    let path = Self.concrete(route.path)
                    if route.path == "/api/login" {
                        try await Self.checkLogin(base: base, token: server.token, hookSecret: secrets.a)
                        continue
                    }
                    let body = route.method == "GET" ? nil : "{}"
                    let none = try await Self.curl(route.method, base + path, body: body)
                    #expect(none.0 == 401, "\(route): \(none)")
                    let query = try await Self.curl(route.method, base + path + "?token=\(server.token)", body: body)
                    #expect(query.0 == 401, "\(route) with ?token=: \(query)")
                    let secret = try await Self.curl(
                        route.method, base + path, headers: ["X-CSM-Hook-Secret: \(secrets.a)"], body: body)
                    #expect(secret.0 == 401, "\(route) with a hook secret: \(secret)")
                }
                let ws = try await Self.curl("GET", base + "/api/ws")
                #expect(ws.0 == 401, "the WebSocket upgrade needs the token too: \(ws)")
            }
        }
    }

    @Test("the WebSocket upgrade refuses a foreign Origin and a wrong Host, and accepts this server's")
    func webSocketOrigin() async throws {
        try await withServer(listen: "127.0.0.1:0") { server in
            try await server.application().test(.live) { client in
                let url = "http://127.0.0.1:\(client.port!)/api/ws"
                let upgrade = [
                    "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                ]
                // The WebSocket layer answers every refused upgrade with a bare 400 (hummingbird-websocket turns
                // the guard's error into "don't upgrade"); what matters is that no connection is upgraded.
                for origin in ["http://evil.example", "null", "http://localhost.evil.example:\(client.port!)"] {
                    let refused = try await Self.curl("GET", url, headers: upgrade + ["Origin: \(origin)"])
                    #expect(refused.0 == 400, "\(origin): \(refused)")
                }
                let host = try await Self.curl("GET", url, headers: upgrade + ["Host: evil.example"])
                #expect(host.0 == 400, "\(host)")
                let plain = try await Self.curl("GET", url, headers: ["Origin: http://evil.example"])
                #expect(plain.0 == 403, "without Upgrade headers the guard's own answer shows: \(plain)")
                // An upgraded connection stays open: curl gives up after 3 s, having seen the 101.
                let ours = try await Self.curl(
                    "GET", url + "?lastEventId=0", headers: upgrade + ["Origin: http://localhost:\(client.port!)"],
                    maxTime: 3)
                #expect(ours.0 == 101, "\(ours)")
            }
        }
    }
}
