import CSMAgent
import CSMScriptedModel
import CSMTestSupport
import Foundation
import Testing

/// `csm server` with sessions running the real Claude Code (`$CSM_CLAUDE`) against the scripted model:
/// hooks reach the server, the rules in csm.yaml decide tools, and an unmatched tool waits for a person in
/// the API.
@Suite(
    "csm server with the real Claude Code", .tags(.realClaude, .realTmux, .realGit), .timeLimit(.minutes(2)),
    .enabled(if: RealClaude.shouldRun, "CSM_CLAUDE is not set (scripts/test.sh sets it); CI=1 makes this a failure"))
struct RealClaudeServerTests {
    static let rules = """
        rules:
          - tool: Bash(touch allowed.txt)
            action: allow
          - tool: Bash
            pattern: "touch denied.txt"
            action: deny

        """

    @Test(
        "rules allow and deny at once; an unmatched tool is approved through the API (always → a rule) and runs; the stream, cost, a message and reconnect"
    )
    func decisionsThroughTheServer() async throws {
        let script = [
            ModelTurn([.text("Creating the allowed file."), .bash("touch allowed.txt")]),
            ModelTurn([.bash("touch denied.txt")]),
            ModelTurn([.bash("touch approved.txt")]),
            ModelTurn([.text("All three tried.")]),
        ]
        let claude = try #require(
            RealClaude.binary, "CSM_CLAUDE must name the Claude Code binary (run scripts/bootstrap.sh)")
        let model = try ScriptedModel(script: script)
        defer { model.stop() }
        try await withCSMWorld { world in
            let home = world.root.appendingPathComponent("home")
            try RealClaude.seedHome(home, trusting: [world.repo.path])
            let env = RealClaude.environment(home: home, baseURL: model.baseURL)
            let sessions = "  gate:\n    repo: app\n    prompt: \"Please create three files\""
            try world.writeConfig(
                RealClaudeTests().config(world, claude: claude, env: env, sessions: sessions) + Self.rules)
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(60)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            let token = try String(contentsOf: world.stateDir.appendingPathComponent("token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let hooks = HookLog(world: world, session: "gate")
            let pane = Pane(world: world, session: "gate")

            // The unmatched `touch approved.txt` waits in GET /api/sessions.
            var requestID: String?
            let pending = await eventually(timeout: .seconds(60)) {
                let text = (try? runTool("curl", ["-s", "\(base)/api/sessions/gate"])) ?? ""
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                let approvals = object?["pendingApprovals"] as? [[String: Any]] ?? []
                requestID = approvals.first?["requestId"] as? String
                return requestID != nil
            }
            #expect(pending, "no pending approval; hooks:\n\(hooks.timeline())\npane:\n\(pane.text())\n\(server.text)")
            let id = try #require(requestID)
            let decided = try runTool(
                "curl",
                [
                    "-s", "-X", "POST", "\(base)/api/sessions/gate/approve-tool", "-H",
                    "Authorization: Bearer \(token)",
                    "-H", "Content-Type: application/json", "-d",
                    #"{"requestId":"\#(id)","action":"allow","always":true}"#,
                ])
            #expect(decided.contains(#""success":true"#), "\(decided)")

            let done = await eventually(timeout: .seconds(60)) { hooks.events().contains("Stop") }
            #expect(done, "no Stop hook; pane:\n\(pane.text())\nhooks: \(hooks.timeline())")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/gate").path
            #expect(FileManager.default.fileExists(atPath: worktree + "/allowed.txt"), "an allowed tool runs")
            #expect(!FileManager.default.fileExists(atPath: worktree + "/denied.txt"), "a denied tool does not run")
            #expect(FileManager.default.fileExists(atPath: worktree + "/approved.txt"), "an approved tool runs")
            #expect(model.requests.contains { $0.body.contains("csm rule #2") }, "the model is told why")
            #expect(model.requests.contains { $0.body.contains("Please create three files") }, "the prompt arrives")
            let config = try world.readConfig()
            // RuleDerivation widens `touch approved.txt` to the program: `Bash` + `touch:*`.
            #expect(
                config.contains("  - tool: Bash\n    pattern: touch:*\n    action: allow\n"),
                "always adds a rule:\n\(config)")

            // The decisions are on the session's SSE stream (replayed from the start).
            let stream =
                (try? runTool(
                    "sh", ["-c", "curl -s -N --max-time 2 '\(base)/api/sessions/gate/stream?lastEventId=0' || true"]))
                ?? ""
            for type in ["agent.hook", "agent.tool_auto_allowed", "agent.tool_auto_denied", "agent.approval_pending"] {
                #expect(stream.contains(type), "\(type) missing from the stream")
            }

            // The transcript: the final text arrives on the stream; turns and cost in GET /api/sessions.
            func streamText() -> String {
                (try? runTool(
                    "sh", ["-c", "curl -s -N --max-time 1 '\(base)/api/sessions/gate/stream?lastEventId=0' || true"]))
                    ?? ""
            }
            func session() -> [String: Any] {
                let text = (try? runTool("curl", ["-s", "\(base)/api/sessions/gate"])) ?? ""
                return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            }
            #expect(
                await eventually(timeout: .seconds(20)) {
                    let text = streamText()
                    return text.contains("agent.assistant_text") && text.contains("All three tried.")
                }, "the final text is not on the stream")
            #expect(
                await eventually(timeout: .seconds(20)) {
                    let view = session()
                    return (view["turnCount"] as? Int ?? 0) >= 1 && (view["costUSD"] as? Double ?? 0) > 0
                        && view["status"] as? String == "idle"
                }, "\(session())")

            // A message through the API starts a second turn.
            model.enqueue([ModelTurn([.text("Second answer.")])])
            let sent = try runTool(
                "curl",
                [
                    "-s", "-X", "POST", "\(base)/api/sessions/gate/message", "-H", "Authorization: Bearer \(token)",
                    "-H", "Content-Type: application/json", "-d", #"{"text":"One more thing"}"#,
                ])
            #expect(sent.contains(#""success":true"#), "\(sent)")
            #expect(
                await eventually(timeout: .seconds(30)) { streamText().contains("Second answer.") },
                "no second turn; pane:\n\(pane.text())")
            #expect(model.requests.contains { $0.offersTools && $0.body.contains("One more thing") })
            #expect(await eventually(timeout: .seconds(20)) { session()["turnCount"] as? Int == 2 }, "\(session())")

            // Reconnect restarts the agent with --continue: the same conversation resumes.
            let reconnected = try runTool(
                "curl",
                ["-s", "-X", "POST", "\(base)/api/sessions/gate/reconnect", "-H", "Authorization: Bearer \(token)"])
            #expect(reconnected.contains(#""success":true"#), "\(reconnected)")
            let resumed = await eventually(timeout: .seconds(30)) {
                hooks.payloads().contains {
                    $0["hook_event_name"]?.stringValue == "SessionStart" && $0["source"]?.stringValue == "resume"
                }
            }
            #expect(resumed, "no resumed SessionStart; hooks:\n\(hooks.timeline())\npane:\n\(pane.text())")
        }
    }
}
