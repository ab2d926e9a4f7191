import CSMAgent
import CSMModel
import CSMDrivers
import CSMScriptedModel
import CSMTestSupport
import Foundation
import Testing

/// The built `csm` binary running the real Claude Code (`$CSM_CLAUDE`) in tmux, offline, against the
/// scripted model. No server yet: hooks land in hooks.jsonl, and Claude Code decides tools itself.
@Suite(
    "csm with the real Claude Code", .tags(.realClaude, .realTmux, .realGit), .timeLimit(.minutes(2)),
    .enabled(if: RealClaude.shouldRun, "CSM_CLAUDE is not set (scripts/test.sh sets it); CI=1 makes this a failure"))
struct RealClaudeTests {
    static let prompt = "Please create created.txt for me"

    /// A csm.yaml running Claude Code with `env` and `args` for every session.
    func config(_ world: CSMWorld, claude: String, env: [String: String], args: [String] = [], sessions: String)
        -> String
    {
        let envLines = env.sorted { $0.key < $1.key }.map { "      \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        let argList = args.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            version: 1
            workspace: e2e
            defaults:
              worktreeBase: ./worktrees
              agent:
                command: \(claude)
                args: [\(argList)]
                env:
            \(envLines)
            repos:
              app:
                path: ./repo
                baseBranch: main
            sessions:
            \(sessions)

            """
    }

    @Test("prompt, hooks, an allowed Bash tool, the transcript, a pasted second turn, and --continue")
    func fullConversation() async throws {
        let script = [
            ModelTurn([.text("I will create the file."), .bash("touch created.txt")]),
            ModelTurn([.text("Created created.txt.")]),
        ]
        let sessions = "  feature:\n    repo: app\n    prompt: \"\(Self.prompt)\""
        try await withClaudeWorld(script: script, args: ["--allowedTools", "Bash(touch:*)"], sessions: sessions) {
            world, model, home in
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            let hooks = HookLog(world: world, session: "feature")
            let pane = Pane(world: world, session: "feature")

            // The prompt given on the command line reaches the model and the turn ends.
            let firstTurn = await eventually(timeout: .seconds(60)) {
                hooks.events().filter { $0 == "Stop" }.count == 1
            }
            #expect(firstTurn, "no Stop hook; pane:\n\(pane.text())\nhooks: \(hooks.events())")
            #expect(
                Set(hooks.events()).isSuperset(of: [
                    "SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop",
                ]))
            #expect(model.requests.contains { $0.offersTools && $0.body.contains(Self.prompt) })
            var tracker = AgentStatusTracker()
            for event in hooks.payloads().compactMap(HookEvent.init(payload:)) { tracker.apply(event) }
            let paneText = try await world.tmux.capturePane(session: "csm-feature", window: "claude")
            #expect(
                tracker.state(tmuxSessionExists: true, agentRunning: true, paneText: paneText) == AgentState(.idle),
                "\(paneText)")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/feature")
            #expect(
                FileManager.default.fileExists(atPath: worktree.appendingPathComponent("created.txt").path),
                "hooks: \(hooks.timeline())\nfiles: \((try? FileManager.default.contentsOfDirectory(atPath: worktree.path)) ?? [])\npane:\n\(pane.text())"
            )

            // The worktree was trusted in Claude Code's own config, keeping the keys already there.
            let claudeConfig =
                try JSONSerialization.jsonObject(with: Data(contentsOf: home.appendingPathComponent(".claude.json")))
                as? [String: Any]
            let projects = claudeConfig?["projects"] as? [String: Any]
            #expect((projects?[worktree.path] as? [String: Any])?["hasTrustDialogAccepted"] as? Bool == true)
            #expect(claudeConfig?["hasCompletedOnboarding"] as? Bool == true)

            // The transcript the hooks name reads into events, tokens and cost.
            let transcripts = hooks.payloads().compactMap { $0["transcript_path"]?.stringValue }
            let transcript = try #require(transcripts.first)
            let tailer = TranscriptTailer(path: transcript)
            // The Stop hook can run before Claude Code has flushed the turn's last records: keep reading.
            var events: [TranscriptEvent] = []
            _ = await eventually {
                events += await tailer.poll().map(\.event);
                return events.contains(.assistantText(text: "Created created.txt."))
            }
            #expect(events.contains(.userPrompt(text: Self.prompt)))
            #expect(events.contains(.assistantText(text: "I will create the file.")))
            #expect(events.contains { if case .toolUse(_, "Bash", _) = $0 { true } else { false } })
            #expect(events.contains { if case let .toolResult(_, _, isError) = $0 { !isError } else { false } })
            #expect(events.contains(.assistantText(text: "Created created.txt.")))
            var usage = await tailer.usage
            #expect(usage.turnCount == 1 && usage.tokens.outputTokens > 0 && usage.costUSD > 0, "\(usage)")
            #expect(usage.model != nil)

            // A pasted multi-line message starts a second turn.
            model.enqueue([
                ModelTurn([.text("Trying a folder that is not there."), .bash("touch missing/x.txt")]),
                ModelTurn([.text("Second answer.")]),
            ])
            let message = "Now a second message\nspanning two lines"
            try await world.tmux.paste(message, session: "csm-feature", window: "claude")
            let secondTurn = await eventually(timeout: .seconds(30)) {
                hooks.events().filter { $0 == "Stop" }.count == 2
            }
            #expect(secondTurn, "no second Stop hook; pane:\n\(pane.text())")
            #expect(model.requests.contains { $0.offersTools && $0.body.contains("spanning two lines") })
            var second: [TranscriptEvent] = []
            _ = await eventually {
                second += await tailer.poll().map(\.event);
                return second.contains(.assistantText(text: "Second answer."))
            }
            #expect(second.contains(.userPrompt(text: message)), "\(second)")
            #expect(second.contains(.assistantText(text: "Second answer.")))
            #expect(
                second.contains { if case let .toolResult(_, _, isError) = $0 { isError } else { false } },
                "a failed tool is an error result")
            usage = await tailer.usage
            #expect(usage.turnCount == 2)

            // Killing tmux and applying again continues the same conversation.
            try await world.tmux.killSession(named: "csm-feature")
            #expect(try await world.csm("apply").status == 0)
            let restarted = await eventually(timeout: .seconds(30)) {
                hooks.events().filter { $0 == "SessionStart" }.count == 2
            }
            #expect(restarted, "no second SessionStart; pane:\n\(pane.text())")
            let starts = hooks.payloads().filter { $0["hook_event_name"]?.stringValue == "SessionStart" }
            #expect(starts.last?["source"]?.stringValue == "resume", "\(starts)")
            #expect(
                try String(
                    contentsOfFile: world.stateDir.path + "/workspaces/e2e/sessions/feature/agent.sh", encoding: .utf8
                ).contains("'--continue'"))
            let paths = Array(Set(hooks.payloads().compactMap { $0["transcript_path"]?.stringValue }))
            #expect(paths == [transcript], "--continue keeps writing the same transcript")
            try recordFixture(transcript, as: "conversation-two-turns.jsonl")

            // `csm reconnect` restarts the agent inside the same tmux session, continuing the conversation.
            let reconnected = try await world.csm("reconnect", "feature")
            #expect(reconnected.status == 0, "\(reconnected.combined)")
            let third = await eventually(timeout: .seconds(30)) {
                hooks.events().filter { $0 == "SessionStart" }.count == 3
            }
            #expect(third, "no SessionStart after reconnect; pane:\n\(pane.text())")
            #expect(
                hooks.payloads().last { $0["hook_event_name"]?.stringValue == "SessionStart" }?["source"] == "resume")
        }
    }

    @Test(
        "an untrusted repository's new worktree starts without the trust prompt; a restart without a conversation starts anew"
    )
    func trustAndFallback() async throws {
        try await withClaudeWorld(script: [], trustingRepo: false, sessions: "  idle:\n    repo: app") { world, _, _ in
            #expect(try await world.csm("apply").status == 0)
            let hooks = HookLog(world: world, session: "idle")
            let pane = Pane(world: world, session: "idle")
            let started = await eventually(timeout: .seconds(60)) { hooks.events().contains("SessionStart") }
            #expect(started, "Claude Code did not start (trust prompt?); pane:\n\(pane.text())")

            // No prompt was given, so there is no conversation: `--continue` would exit at once.
            try await world.tmux.killSession(named: "csm-idle")
            #expect(try await world.csm("apply").status == 0)
            let restarted = await eventually(timeout: .seconds(30)) {
                hooks.events().filter { $0 == "SessionStart" }.count == 2
            }
            #expect(restarted, "the agent did not start again; pane:\n\(pane.text())")
            let script = try String(
                contentsOfFile: world.stateDir.path + "/workspaces/e2e/sessions/idle/agent.sh", encoding: .utf8)
            #expect(script.contains("'--session-id'") && !script.contains("'--continue'"))
            let ids = hooks.payloads().compactMap { $0["session_id"]?.stringValue }
            #expect(Set(ids).count == 1, "the restart reuses the id in the worktree marker: \(Set(ids))")
        }
    }

    @Test("decisions in csm's hook output format are obeyed: deny reaches the model, allow skips the prompt")
    func hookDecisions() async throws {
        let script = [
            ModelTurn([.text("First."), .bash("touch denied.txt")]),
            ModelTurn([.text("Second."), .bash("touch allowed.txt > /dev/null")]),
            ModelTurn([.text("Third."), .bash("touch asked.txt > /dev/null")]),
            ModelTurn([.text("Done.")]),
        ]
        let sessions = "  gate:\n    repo: app\n    prompt: \"make three files\""
        try await withClaudeWorld(script: script, sessions: sessions) { world, model, home in
            // Until the server answers csm's hook, a user-level hook stands in for it, printing exactly what
            // `HookResponse` makes (Claude Code runs the hooks of every settings source).
            let answers = world.root.appendingPathComponent("answers")
            try FileManager.default.createDirectory(at: answers, withIntermediateDirectories: true)
            try Data(HookResponse.preToolUse(.deny, reason: "Denied by csm rule 3").utf8).write(
                to: answers.appendingPathComponent("deny"))
            try Data(HookResponse.preToolUse(.allow, reason: "Allowed by csm rule 1").utf8).write(
                to: answers.appendingPathComponent("allow"))
            try Data((HookResponse.permissionRequest(.allow, message: "") ?? "").utf8).write(
                to: answers.appendingPathComponent("permission"))
            let script = answers.appendingPathComponent("decide.sh")
            try Data(
                """
                #!/bin/sh
                input=$(cat)
                case "$input" in
                  *'"hook_event_name":"PreToolUse"'*denied.txt*) cat '\(answers.path)/deny' ;;
                  *'"hook_event_name":"PreToolUse"'*allowed.txt*) cat '\(answers.path)/allow' ;;
                  *'"hook_event_name":"PermissionRequest"'*) cat '\(answers.path)/permission' ;;
                esac
                exit 0

                """.utf8
            ).write(to: script)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            let hook: [String: Any] = ["matcher": "*", "hooks": [["type": "command", "command": script.path]]]
            let settings = try JSONSerialization.data(withJSONObject: [
                "hooks": ["PreToolUse": [hook], "PermissionRequest": [hook]]
            ])
            try FileManager.default.createDirectory(
                at: home.appendingPathComponent(".claude"), withIntermediateDirectories: true)
            try settings.write(to: home.appendingPathComponent(".claude/settings.json"))
            #expect(try await world.csm("apply").status == 0)
            let hooks = HookLog(world: world, session: "gate")
            let pane = Pane(world: world, session: "gate")
            let done = await eventually(timeout: .seconds(60)) { hooks.events().contains("Stop") }
            #expect(done, "no Stop hook; pane:\n\(pane.text())\nhooks: \(hooks.timeline())")
            let worktree = world.worktreeBase.appendingPathComponent("e2e/gate").path
            #expect(!FileManager.default.fileExists(atPath: worktree + "/denied.txt"), "a denied tool does not run")
            #expect(
                FileManager.default.fileExists(atPath: worktree + "/allowed.txt"),
                "an allowed tool runs without a prompt")
            #expect(
                FileManager.default.fileExists(atPath: worktree + "/asked.txt"),
                "a PermissionRequest allow answers the prompt")
            #expect(model.requests.contains { $0.body.contains("Denied by csm rule 3") }, "the model is told why")
            let permissionRequests = hooks.payloads().filter {
                $0["hook_event_name"]?.stringValue == "PermissionRequest"
            }
            #expect(
                permissionRequests.compactMap { $0["tool_input"]?["command"]?.stringValue } == [
                    "touch asked.txt > /dev/null"
                ])
            if let transcript = hooks.payloads().compactMap({ $0["transcript_path"]?.stringValue }).first {
                // Keep reading until the last text is flushed, so a recording is complete.
                let tailer = TranscriptTailer(path: transcript)
                var events: [TranscriptEvent] = []
                _ = await eventually {
                    events += await tailer.poll().map(\.event)
                    return events.contains(.assistantText(text: "Done."))
                }
                try recordFixture(transcript, as: "tool-decisions.jsonl")
            }
        }
    }

    /// Runs `body` in a `CSMWorld` whose csm.yaml runs the real Claude Code against a scripted model with
    /// a seeded `HOME` (trusting the source repository unless `trustingRepo` is false), with `args` and
    /// `sessions`. The model is stopped afterwards.
    func withClaudeWorld(
        script: [ModelTurn], trustingRepo: Bool = true, args: [String] = [], sessions: String,
        _ body: (CSMWorld, ScriptedModel, URL) async throws -> Void
    ) async throws {
        let claude = try #require(
            RealClaude.binary, "CSM_CLAUDE must name the Claude Code binary (run scripts/bootstrap.sh)")
        let model = try ScriptedModel(script: script)
        defer { model.stop() }
        try await withCSMWorld { world in
            let home = world.root.appendingPathComponent("home")
            try RealClaude.seedHome(home, trusting: trustingRepo ? [world.repo.path] : [])
            let env = RealClaude.environment(home: home, baseURL: model.baseURL)
            try world.writeConfig(config(world, claude: claude, env: env, args: args, sessions: sessions))
            try await body(world, model, home)
        }
    }

    /// Copies a transcript into Tests/Fixtures/transcripts when `CSM_RECORD=1`, and fails that run so a
    /// recording is never accepted silently (as golden files are).
    func recordFixture(_ path: String, as name: String) throws {
        guard ProcessInfo.processInfo.environment["CSM_RECORD"] == "1" else { return }
        let target = fixturesDirectory.appendingPathComponent("transcripts/\(name)")
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: path), to: target)
        Issue.record("recorded \(target.path); run again without CSM_RECORD")
    }
}

/// A session's hooks.jsonl as `csm hook` writes it.
struct HookLog {
    var world: CSMWorld
    var session: String

    func payloads() -> [JSONValue] {
        let path = world.stateDir.path + "/workspaces/e2e/sessions/\(session)/hooks.jsonl"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { JSONValue.parse(String($0))?["payload"] }
    }

    func events() -> [String] { payloads().compactMap { $0["hook_event_name"]?.stringValue } }

    /// Each hook with its time, for failure messages.
    func timeline() -> String {
        let path = world.stateDir.path + "/workspaces/e2e/sessions/\(session)/hooks.jsonl"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(none)" }
        return text.split(separator: "\n").compactMap { line -> String? in
            guard let record = JSONValue.parse(String(line)) else { return nil }
            return
                "\(record["ts"]?.stringValue ?? "") \(record["payload"]?["hook_event_name"]?.stringValue ?? "?") \(record["payload"]?["tool_name"]?.stringValue ?? "")"
        }.joined(separator: "\n")
    }
}

/// The visible text of a session's agent pane, for failure messages.
struct Pane {
    var world: CSMWorld
    var session: String

    func text() -> String {
        (try? runTool("tmux", ["-L", world.tmuxSocket, "capture-pane", "-p", "-t", "=csm-\(session):claude"]))
            ?? "(no pane)"
    }
}
