import CSMEngine
import CSMModel
import CSMServer
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("hook route", .tags(.realGit), .timeLimit(.minutes(1)))
struct HookRouteTests {
    static let rules = """
        rules:
          - tool: Bash
            pattern: "echo *"
            action: allow
          - tool: Bash(rm *)
            action: deny

        """

    static func writeSecret(_ server: ServerHarness, session: String, _ secret: String) throws {
        let layout = server.dependencies.layout
        try FileManager.default.createDirectory(
            atPath: layout.sessionDirectory(workspace: "e2e", session: session), withIntermediateDirectories: true)
        try secret.write(
            toFile: layout.hookSecretFile(workspace: "e2e", session: session), atomically: true,
            encoding: .utf8)
    }

    static func preToolUse(_ command: String) -> String {
        #"{"hook_event_name":"PreToolUse","session_id":"s1","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"\#(command)"},"tool_use_id":"t1"}"#
    }

    @Test("the session's secret opens only its own hook route; rules decide PreToolUse at once")
    func secretsAndRules() async throws {
        try await withServer(extra: Self.rules + "server:\n  approvalTimeout: 200ms\n") { server in
            try Self.writeSecret(server, session: "a", "secret-a")
            try Self.writeSecret(server, session: "b", "secret-b")
            try await server.test { client in
                func post(_ session: String, _ secret: String?, _ body: String) async throws -> TestResponse {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let secret { headers[HTTPField.Name("X-CSM-Hook-Secret")!] = secret }
                    return try await client.execute(
                        uri: "/api/hooks/\(session)", method: .post, headers: headers, body: body.buffer)
                }
                let none = try await post("a", nil, Self.preToolUse("echo hi"))
                #expect(none.status == .unauthorized)
                let other = try await post("a", "secret-b", Self.preToolUse("echo hi"))
                #expect(other.status == .forbidden && other.errorCode == "hook_secret_mismatch")

                let allowed = try await post("a", "secret-a", Self.preToolUse("echo hi"))
                #expect(allowed.status == .ok, "\(allowed.text)")
                #expect(allowed.object["decision"] as? String == "allow")
                let output = try #require(allowed.object["output"] as? String)
                #expect(output.contains(#""permissionDecision":"allow""#))

                let denied = try await post("a", "secret-a", Self.preToolUse("rm -rf x"))
                #expect(denied.object["decision"] as? String == "deny")
                #expect((denied.object["output"] as? String)?.contains(#""permissionDecision":"deny""#) == true)

                let unmatched = try await post("a", "secret-a", Self.preToolUse("ls"))
                // Nobody decides within server.approvalTimeout: `ask`, and Claude Code prompts as usual.
                #expect(unmatched.object["decision"] as? String == "ask" && unmatched.object["output"] == nil)

                let stop = try await post("a", "secret-a", #"{"hook_event_name":"Stop","session_id":"s1"}"#)
                #expect(stop.status == .ok && stop.object["decision"] == nil)
                let bad = try await post("a", "secret-a", #"{"x":1}"#)
                #expect(bad.status == .badRequest)

                let types = try await server.dependencies.events.events(session: "a").map(\.type)
                #expect(types.filter { $0 == "agent.hook" }.count == 4)
                #expect(types.contains("agent.approval_pending"))
                #expect(types.contains("agent.tool_auto_allowed") && types.contains("agent.tool_auto_denied"))
            }
        }
    }

    @Test("an unmatched tool waits as a pending approval; approve-tool decides it (always → a rule); 404 / 409")
    func pendingApproval() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n", extra: Self.rules) { server in
            try Self.writeSecret(server, session: "a", "secret-a")
            try await server.test { client in
                let headers: HTTPFields = [
                    .contentType: "application/json", HTTPField.Name("X-CSM-Hook-Secret")!: "secret-a",
                ]
                let hook = Task {
                    try await client.execute(
                        uri: "/api/hooks/a", method: .post, headers: headers, body: Self.preToolUse("ls -la").buffer)
                }
                var pending: [[String: Any]] = []
                let appeared = try await eventually {
                    let list = try await client.execute(uri: "/api/sessions", method: .get)
                    let sessions = list.object["sessions"] as? [[String: Any]] ?? []
                    pending =
                        sessions.first { $0["name"] as? String == "a" }?["pendingApprovals"] as? [[String: Any]] ?? []
                    return !pending.isEmpty
                }
                #expect(appeared)
                let approval = try #require(pending.first)
                #expect(approval["tool"] as? String == "Bash" && approval["receivedAt"] is String)
                let id = try #require(approval["requestId"] as? String)

                let unknown = try await client.execute(
                    uri: "/api/sessions/a/approve-tool", method: .post, headers: server.json,
                    body: #"{"requestId":"nope","action":"allow"}"#.buffer)
                #expect(unknown.status == .notFound)
                let decided = try await client.execute(
                    uri: "/api/sessions/a/approve-tool", method: .post, headers: server.json,
                    body: #"{"requestId":"\#(id)","action":"allow","always":true}"#.buffer)
                #expect(decided.status == .ok, "\(decided.text)")
                let answer = try await hook.value
                #expect(answer.object["decision"] as? String == "allow")
                #expect((answer.object["output"] as? String)?.contains(#""permissionDecision":"allow""#) == true)
                let again = try await client.execute(
                    uri: "/api/sessions/a/approve-tool", method: .post, headers: server.json,
                    body: #"{"requestId":"\#(id)","action":"deny"}"#.buffer)
                #expect(again.status == .conflict)
                let config = try server.world.readConfig()
                #expect(config.contains("tool: Bash") && config.contains("ls"), "\(config)")
                let types = try await server.dependencies.events.events(session: "a").map(\.type)
                #expect(types.contains("agent.approval_pending") && types.contains("agent.approval_decided"))
            }
        }
    }
}
