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
        try secret.write(toFile: layout.hookSecretFile(workspace: "e2e", session: session), atomically: true,
                         encoding: .utf8)
    }

    static func preToolUse(_ command: String) -> String {
        #"{"hook_event_name":"PreToolUse","session_id":"s1","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"\#(command)"},"tool_use_id":"t1"}"#
    }

    @Test("the session's secret opens only its own hook route; rules decide PreToolUse at once")
    func secretsAndRules() async throws {
        try await withServer(extra: Self.rules) { server in
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
                #expect(unmatched.object["decision"] as? String == "ask" && unmatched.object["output"] == nil)

                let stop = try await post("a", "secret-a", #"{"hook_event_name":"Stop","session_id":"s1"}"#)
                #expect(stop.status == .ok && stop.object["decision"] == nil)
                let bad = try await post("a", "secret-a", #"{"x":1}"#)
                #expect(bad.status == .badRequest)

                let types = try await server.dependencies.events.events(session: "a").map(\.type)
                #expect(types.filter { $0 == "agent.hook" }.count == 4)
                #expect(types.contains("agent.tool_auto_allowed") && types.contains("agent.tool_auto_denied"))
            }
        }
    }
}
