import CSMServer
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("config routes", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct ConfigRoutesTests {
    static let rules = "rules:\n  # keep reads safe\n  - tool: Read\n    action: allow\n"

    @Test("GET masks the Linear key; PATCH sets it and replaces the rules, keeping comments elsewhere")
    func patchConfig() async throws {
        try await withServer(extra: "# trailing comment\n") { server in
            try await server.test { client in
                let patched = try await client.execute(
                    uri: "/api/config", method: .patch, headers: server.json,
                    body:
                        #"{"linearApiKey":"lin_secret","toolApprovalRules":[{"tool":"Bash","pattern":"git *","action":"allow"}]}"#
                        .buffer)
                #expect(patched.status == .ok, "\(patched.text)")
                let config = try server.world.readConfig()
                #expect(config.contains("apiKey: lin_secret") && config.contains("# trailing comment"))
                #expect(config.hasPrefix("# end-to-end test workspace"))
                let shown = try await client.execute(uri: "/api/config", method: .get)
                #expect(shown.object["linearApiKey"] as? String == "********")
                #expect(shown.object["hasLinear"] as? Bool == true)
                #expect(!shown.text.contains("lin_secret"))
                #expect(shown.headers[.eTag] != nil)
                let rules = try #require(shown.object["toolApprovalRules"] as? [[String: Any]])
                #expect(rules.first?["pattern"] as? String == "git *")

                let cleared = try await client.execute(
                    uri: "/api/config", method: .patch, headers: server.json, body: #"{"linearApiKey":""}"#.buffer)
                #expect(cleared.object["hasLinear"] as? Bool == false)
                let badRule = try await client.execute(
                    uri: "/api/config", method: .patch, headers: server.json,
                    body: #"{"toolApprovalRules":[{"tool":"Bash","action":"maybe"}]}"#.buffer)
                #expect(badRule.status == .badRequest)
            }
        }
    }

    @Test("rules: append, replace (reorder), delete by index; a stale If-Match is a 409 and writes nothing")
    func rules() async throws {
        try await withServer(extra: Self.rules) { server in
            try await server.test { client in
                let listed = try await client.execute(uri: "/api/config/rules", method: .get)
                let etag = try #require(listed.headers[.eTag])
                let appended = try await client.execute(
                    uri: "/api/config/rules", method: .post, headers: server.json,
                    body: #"{"rule":{"tool":"*","action":"ask"}}"#.buffer)
                #expect(appended.status == .created)
                #expect((appended.object["rules"] as? [Any])?.count == 2)
                #expect(try server.world.readConfig().contains("# keep reads safe"))

                var stale = server.json
                stale[.ifMatch] = etag
                let conflict = try await client.execute(
                    uri: "/api/config/rules", method: .put, headers: stale, body: #"{"rules":[]}"#.buffer)
                #expect(conflict.status == .conflict && conflict.errorCode == "config_changed")
                #expect(
                    (try await client.execute(uri: "/api/config/rules", method: .get).object["rules"] as? [Any])?.count
                        == 2)

                let reordered = try await client.execute(
                    uri: "/api/config/rules", method: .put, headers: server.json,
                    body: #"{"rules":[{"tool":"*","action":"ask"},{"tool":"Read","action":"allow"}]}"#.buffer)
                let order = (reordered.object["rules"] as? [[String: Any]])?.map { $0["tool"] as? String }
                #expect(order == ["*", "Read"])
                let deleted = try await client.execute(
                    uri: "/api/config/rules/0", method: .delete, headers: server.auth)
                #expect((deleted.object["rules"] as? [[String: Any]])?.map { $0["tool"] as? String } == ["Read"])
                let missing = try await client.execute(
                    uri: "/api/config/rules/5", method: .delete, headers: server.auth)
                #expect(missing.status == .notFound && missing.errorCode == "rule_not_found")
                let noTool = try await client.execute(
                    uri: "/api/config/rules", method: .post, headers: server.json,
                    body: #"{"rule":{"tool":" ","action":"ask"}}"#.buffer)
                #expect(noTool.status == .badRequest)
            }
        }
    }
}
