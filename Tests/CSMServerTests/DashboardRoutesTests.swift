import CSMTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CSMServer

@Suite("dashboard files, token routes and the rule tester", .tags(.realGit))
struct DashboardRoutesTests {
    @Test("GET / is the dashboard with a strict Content-Security-Policy; its assets are served with ETags")
    func pageAndAssets() async throws {
        try await withServer { server in
            try await server.test { client in
                let home = try await client.execute(uri: "/", method: .get)
                #expect(home.status == .ok)
                #expect(home.headers[.contentType] == "text/html; charset=utf-8")
                let policy = try #require(
                    home.headers.first { $0.name.canonicalName == "content-security-policy" }?.value)
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
                for name in ["app.js", "style.css", "session.js", "favicon.svg"] {
                    let asset = try await client.execute(uri: "/assets/\(name)", method: .get)
                    #expect(asset.status == .ok, "\(name)")
                    let etag = try #require(asset.headers[.eTag])
                    let again = try await client.execute(
                        uri: "/assets/\(name)", method: .get, headers: [.ifNoneMatch: etag])
                    #expect(again.status == .notModified, "\(name)")
                }
                let js = try await client.execute(uri: "/assets/app.js", method: .get)
                #expect(js.headers[.contentType] == "text/javascript; charset=utf-8")
                let missing = try await client.execute(uri: "/assets/nope.js", method: .get)
                #expect(missing.status == .notFound && missing.errorCode == "not_found")
                let unknown = try await client.execute(uri: "/vendor/jquery.js", method: .get)
                #expect(unknown.status == .notFound && unknown.errorCode == "not_found")
            }
        }
    }

    @Test("every file in Sources/CSMServer/Web is compiled in, and nothing else is listed")
    func assetTableMatchesFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/CSMServer/Web").standardized
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(files == Set(DashboardAssets.files.keys))
        for (name, bytes) in DashboardAssets.files {
            let disk = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(Array(disk) == bytes, "\(name) is the built copy")
        }
    }

    @Test("a vendored library is served from its Debian package, or 404 library_missing naming the package")
    func vendorLibraries() async throws {
        try await withServer { server in
            try await server.test { client in
                for library in VendorLibrary.all {
                    let response = try await client.execute(uri: "/vendor/\(library.file)", method: .get)
                    if library.installedPath != nil {
                        #expect(response.status == .ok, "\(library.file)")
                        #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                    } else {
                        #expect(response.status == .notFound && response.errorCode == "library_missing")
                        #expect(response.text.contains(library.package))
                    }
                }
            }
        }
    }

    @Test("the token is shown only with credentials (even on loopback); rotation rewrites the file and the cookie")
    func tokenShowAndRotate() async throws {
        try await withServer { server in
            let old = server.token
            let file = server.world.stateDir.appendingPathComponent("token").path
            try await server.test { client in
                let anonymous = try await client.execute(uri: "/api/token", method: .get)
                #expect(anonymous.status == .unauthorized)
                let shown = try await client.execute(uri: "/api/token", method: .get, headers: server.auth)
                #expect(shown.status == .ok && shown.object["token"] as? String == old)
                #expect(shown.headers[.cacheControl] == "no-store")

                let rotated = try await client.execute(uri: "/api/token/rotate", method: .post, headers: server.auth)
                #expect(rotated.status == .ok)
                let new = try #require(rotated.object["token"] as? String)
                #expect(new != old && new.count == 64)
                #expect(rotated.headers[.setCookie]?.contains("csm_token=\(new)") == true)
                let onDisk = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                #expect(onDisk == new)
                let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let stale = try await client.execute(
                    uri: "/api/apply", method: .post, headers: [.authorization: "Bearer \(old)"])
                #expect(stale.status == .unauthorized, "the old token stops working at once")
                let fresh = try await client.execute(
                    uri: "/api/apply", method: .post, headers: [.authorization: "Bearer \(new)"])
                #expect(fresh.status == .ok)
            }
        }
    }

    @Test("POST /api/login turns the pasted token into the cookie; a wrong token is 401 invalid_token")
    func loginWithToken() async throws {
        try await withServer { server in
            try await server.test { client in
                let wrong = try await client.execute(
                    uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                    body: #"{"token":"nope"}"#.buffer)
                #expect(wrong.status == .unauthorized && wrong.errorCode == "invalid_token")
                let right = try await client.execute(
                    uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                    body: #"{"token":"\#(server.token)"}"#.buffer)
                #expect(right.status == .ok)
                let cookie = try #require(right.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                let pair = String(cookie.split(separator: ";")[0])
                let shown = try await client.execute(uri: "/api/token", method: .get, headers: [.cookie: pair])
                #expect(shown.status == .ok)
            }
        }
    }

    @Test("the rule tester decides a sample call with csm.yaml's rules or the rules given, as the hook would")
    func ruleTester() async throws {
        let rules =
            "rules:\n  - {tool: Bash, pattern: \"git *\", action: allow}\n  - {tool: Bash, pattern: \"rm *\", action: deny}\n"
        try await withServer(extra: rules) { server in
            try await server.test { client in
                func decide(_ body: String) async throws -> [String: Any] {
                    let response = try await client.execute(
                        uri: "/api/config/test-rule", method: .post, headers: server.json, body: body.buffer)
                    #expect(response.status == .ok, "\(response.text)")
                    return response.object
                }
                let allowed = try await decide(#"{"tool":"Bash","input":"git status"}"#)
                #expect(allowed["action"] as? String == "allow" && allowed["ruleIndex"] as? Int == 0)
                let compound = try await decide(#"{"tool":"Bash","input":{"command":"git log; rm -rf ~"}}"#)
                #expect(compound["action"] as? String == "deny" && compound["ruleIndex"] as? Int == 1)
                let none = try await decide(#"{"tool":"Read","input":"./README.md"}"#)
                #expect(none["action"] == nil || none["action"] is NSNull)
                let given = try await decide(
                    #"{"tool":"Read","input":"./src/a.swift","rules":[{"tool":"Read","pattern":"./src/**","action":"ask"}]}"#
                )
                #expect(given["action"] as? String == "ask")
                let bad = try await client.execute(
                    uri: "/api/config/test-rule", method: .post, headers: server.json,
                    body: #"{"tool":"Bash","rules":[{"tool":"Bash(x","action":"allow"}]}"#.buffer)
                #expect(bad.status == .badRequest && bad.errorCode == "invalid_body")
                // Found by Schemathesis: an array (or number) as the input was echoed back as the "input" object.
                for input in ["[null,null]", "3", "true"] {
                    let refused = try await client.execute(
                        uri: "/api/config/test-rule", method: .post, headers: server.json,
                        body: #"{"tool":"Bash","input":\#(input)}"#.buffer)
                    #expect(refused.status == .badRequest && refused.errorCode == "invalid_body", "\(input)")
                }
                let null = try await decide(#"{"tool":"Bash","input":null}"#)
                #expect((null["input"] as? [String: Any])?.isEmpty == true)
            }
        }
    }

    @Test("GET /api/plan?preview=true adds the plan of this moment without applying it")
    func planPreview() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n") { server in
            try await server.test { client in
                let plain = try await client.execute(uri: "/api/plan", method: .get)
                #expect(plain.object["preview"] == nil)
                let response = try await client.execute(uri: "/api/plan?preview=true", method: .get)
                #expect(response.status == .ok)
                let preview = try #require(response.object["preview"] as? [String: Any])
                let actions = try #require(preview["actions"] as? [[String: Any]])
                #expect(actions.map { $0["kind"] as? String } == ["create"])
                #expect(actions.first?["session"] as? String == "a")
                #expect(try await server.world.tmux.listSessions().isEmpty, "nothing was applied")
            }
        }
    }
}
