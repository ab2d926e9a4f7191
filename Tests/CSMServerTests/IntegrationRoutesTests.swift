import CSMAgent
import CSMConfig
import CSMServer
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("integration routes", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct IntegrationRoutesTests {
    static func linearConfig(_ fake: FakeLinearServer, key: String? = nil) -> String {
        "integrations:\n  linear:\n    apiKey: \(key ?? fake.apiKey)\n    endpoint: \(fake.endpoint)\n"
    }

    @Test("without a Linear key every Linear route answers 503 linear_not_configured")
    func notConfigured() async throws {
        try await withServer { server in
            try await server.test { client in
                for uri in [
                    "/api/linear/issues", "/api/linear/issues/ENG-1", "/api/linear/states", "/api/linear/teams",
                ] {
                    let response = try await client.execute(uri: uri, method: .get)
                    #expect(
                        response.status == .serviceUnavailable && response.errorCode == "linear_not_configured",
                        "\(uri)")
                }
            }
        }
    }

    @Test("issues, detail, comments, states, teams, state change and create through the fake Linear")
    func linearRoutes() async throws {
        try await FakeLinearServer.with { fake in
            try await withServer(sessions: "  fix:\n    repo: app\n    linear: ENG-1\n", extra: Self.linearConfig(fake))
            { server in
                try await server.test { client in
                    let list = try await client.execute(uri: "/api/linear/issues?state=open", method: .get)
                    #expect(list.status == .ok, "\(list.text)")
                    let issues = try #require(list.object["issues"] as? [[String: Any]])
                    #expect(issues.map { $0["identifier"] as? String } == ["ENG-1", "ENG-2"])
                    #expect(issues[1]["description"] is NSNull)
                    #expect((list.object["groups"] as? [[String: Any]])?.count == 2)
                    #expect((list.object["pageInfo"] as? [String: Any])?["hasNextPage"] as? Bool == false)

                    let search = try await client.execute(uri: "/api/linear/issues?query=login&team=OPS", method: .get)
                    #expect((search.object["issues"] as? [[String: Any]])?.first?["identifier"] as? String == "OPS-1")

                    let detail = try await client.execute(uri: "/api/linear/issues/ENG-1", method: .get)
                    #expect((detail.object["issue"] as? [String: Any])?["title"] as? String == "Fix the login page")
                    let missing = try await client.execute(uri: "/api/linear/issues/ENG-404", method: .get)
                    #expect(missing.status == .notFound && missing.errorCode == "linear_not_found")
                    let badID = try await client.execute(uri: "/api/linear/issues/a%20b", method: .get)
                    #expect(badID.status == .badRequest && badID.errorCode == "invalid_issue_id")

                    let comments = try await client.execute(uri: "/api/linear/issues/ENG-1/comments", method: .get)
                    #expect((comments.object["comments"] as? [Any])?.count == 2)
                    let unauthenticated = try await client.execute(
                        uri: "/api/linear/issues/ENG-1/comments", method: .post, body: #"{"body":"x"}"#.buffer)
                    #expect(unauthenticated.status == .unauthorized)
                    let added = try await client.execute(
                        uri: "/api/linear/issues/ENG-1/comments", method: .post, headers: server.json,
                        body: #"{"body":"Done in main"}"#.buffer)
                    #expect(
                        added.status == .created
                            && (added.object["comment"] as? [String: Any])?["body"] as? String == "Done in main")
                    let empty = try await client.execute(
                        uri: "/api/linear/issues/ENG-1/comments", method: .post, headers: server.json,
                        body: #"{"body":" "}"#.buffer)
                    #expect(empty.status == .badRequest && empty.errorCode == "invalid_body")

                    let states = try await client.execute(uri: "/api/linear/states?issue=ENG-1", method: .get)
                    #expect((states.object["states"] as? [[String: Any]])?.map { $0["name"] as? String }.count == 5)
                    let teams = try await client.execute(uri: "/api/linear/teams", method: .get)
                    #expect((teams.object["teams"] as? [Any])?.count == 2)

                    let moved = try await client.execute(
                        uri: "/api/linear/issues/ENG-2/state", method: .post, headers: server.json,
                        body: #"{"state":"in progress"}"#.buffer)
                    #expect(
                        ((moved.object["issue"] as? [String: Any])?["state"] as? [String: Any])?["name"] as? String
                            == "In Progress")
                    let badState = try await client.execute(
                        uri: "/api/linear/issues/ENG-2/state", method: .post, headers: server.json,
                        body: #"{"state":"Shipped"}"#.buffer)
                    #expect(badState.status == .notFound)

                    let noTeam = try await client.execute(
                        uri: "/api/linear/issues", method: .post, headers: server.json, body: #"{"title":"New"}"#.buffer
                    )
                    #expect(noTeam.status == .badRequest && noTeam.errorCode == "team_required")
                    let created = try await client.execute(
                        uri: "/api/linear/issues", method: .post, headers: server.json,
                        body: #"{"title":"New","team":"ENG","priority":2,"assignToMe":true}"#.buffer)
                    #expect(created.status == .created, "\(created.text)")
                    #expect((created.object["issue"] as? [String: Any])?["identifier"] as? String == "ENG-4")

                    let sessions = try await client.execute(uri: "/api/sessions", method: .get)
                    let fix = (sessions.object["sessions"] as? [[String: Any]])?.first {
                        $0["name"] as? String == "fix"
                    }
                    #expect(fix?["linearTitle"] as? String == "Fix the login page")
                }
            }
        }
    }

    @Test("Linear failures: rate limit is 429 with Retry-After, a refused key and garbage are 502, bad queries 400")
    func linearFailures() async throws {
        try await FakeLinearServer.with { fake in
            try await withServer(extra: Self.linearConfig(fake)) { server in
                try await server.test { client in
                    fake.failNext(.rateLimited(retryAfter: 9))
                    let limited = try await client.execute(uri: "/api/linear/issues?query=limit", method: .get)
                    #expect(limited.status == .tooManyRequests && limited.errorCode == "linear_rate_limited")
                    #expect(limited.headers[.retryAfter] == "9")
                    fake.failNext(.unauthorized)
                    let refused = try await client.execute(uri: "/api/linear/issues?query=refused", method: .get)
                    #expect(refused.status == .badGateway && refused.errorCode == "linear_auth_failed")
                    #expect(!refused.text.contains(fake.apiKey))
                    fake.failNext(.graphQLError("Something broke"))
                    let broken = try await client.execute(uri: "/api/linear/issues?query=broken", method: .get)
                    #expect(broken.errorCode == "linear_error" && broken.text.contains("Something broke"))
                    fake.failNext(.malformed)
                    let garbage = try await client.execute(uri: "/api/linear/issues?query=garbage", method: .get)
                    #expect(garbage.status == .badGateway && garbage.errorCode == "linear_bad_response")
                    for uri in [
                        "/api/linear/issues?state=soon", "/api/linear/issues?first=0",
                        "/api/linear/issues?assignee=bob",
                    ] {
                        let bad = try await client.execute(uri: uri, method: .get)
                        #expect(bad.status == .badRequest && bad.errorCode == "invalid_query", "\(uri)")
                    }
                }
            }
        }
    }

    @Test("GET /api/claude-usage: windows and pace from the fake endpoint; 503 without credentials")
    func claudeUsage() async throws {
        try await FakeClaudeUsageServer.with { fake in
            try await withTemporaryDirectory { dir in
                let credentials = try FakeClaudeUsageServer.writeCredentials(in: dir)
                let extra =
                    "integrations:\n  claude:\n    baseURL: \(fake.baseURL)\n    credentialsFile: \(credentials)\n"
                try await withServer(extra: extra) { server in
                    try await server.test { client in
                        let usage = try await client.execute(uri: "/api/claude-usage", method: .get)
                        #expect(usage.status == .ok, "\(usage.text)")
                        #expect((usage.object["session"] as? [String: Any])?["percent"] as? Int == 42)
                        #expect(usage.object["opus"] is NSNull && usage.object["plan"] as? String == "max")
                        #expect(!usage.text.contains(fake.token))
                    }
                }
                let none =
                    "integrations:\n  claude:\n    baseURL: \(fake.baseURL)\n    credentialsFile: \(dir.path)/none.json\n"
                try await withServer(extra: none) { server in
                    try await server.test { client in
                        let missing = try await client.execute(uri: "/api/claude-usage", method: .get)
                        #expect(
                            missing.status == .serviceUnavailable && missing.errorCode == "claude_credentials_missing")
                    }
                }
            }
        }
    }

    @Test("GET /api/usage reads the sessions' transcripts offline, by session, day or model")
    func offlineUsage() async throws {
        try await withTemporaryDirectory { claudeDir in
            let sessions = "  alpha:\n    repo: app\n    env:\n      CLAUDE_CONFIG_DIR: \(claudeDir.path)\n"
            try await withServer(sessions: sessions) { server in
                let workspace = try ConfigLoader().load(file: server.world.configFile.path)
                let alpha = try #require(workspace.resolvedSessions().first)
                let folder = ClaudeHome(configDirectory: claudeDir.path, globalConfigFile: "").projectFolder(
                    for: alpha.worktreePath)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for file in ["alpha-1.jsonl", "alpha-2-resumed.jsonl"] {
                    try FileManager.default.copyItem(
                        atPath: fixturesDirectory.appendingPathComponent("usage/\(file)").path,
                        toPath: folder + "/" + file)
                }
                try await server.test { client in
                    let bySession = try await client.execute(uri: "/api/usage", method: .get)
                    #expect(bySession.status == .ok, "\(bySession.text)")
                    let rows = try #require(bySession.object["rows"] as? [[String: Any]])
                    #expect(rows.first?["key"] as? String == "alpha" && rows.first?["costUSD"] as? Double == 0.29575)
                    let byDay = try await client.execute(uri: "/api/usage?by=day&since=2026-11-21", method: .get)
                    #expect((byDay.object["rows"] as? [[String: Any]])?.map { $0["key"] as? String } == ["2026-11-21"])
                    let bad = try await client.execute(uri: "/api/usage?by=week", method: .get)
                    #expect(bad.status == .badRequest && bad.errorCode == "invalid_query")
                    let badDay = try await client.execute(uri: "/api/usage?since=2026-02-30", method: .get)
                    #expect(badDay.status == .badRequest)
                }
            }
        }
    }
}
