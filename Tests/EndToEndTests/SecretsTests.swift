import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Secrets (the API token, every hook secret, the Linear key, the Claude usage token) never show in logs, events, API answers or
/// error messages: a whole end-to-end run at the most verbose log level, then a search for each of them in
/// everything that run produced.
@Suite("secrets stay secret", .tags(.realTmux, .realGit, .hostileInput), .timeLimit(.minutes(5)))
struct SecretsTests {
    @Test("after an end-to-end run no secret appears in logs, events, state files, API answers or messages")
    func noSecretLeaks() async throws {
        try await withCSMWorld { world in
            let linearKey = "lin_api_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            // The Claude subscription usage token, read from the credentials file csm is pointed at.
            let usageToken = "sk-ant-oat01-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let credentials = world.root.appendingPathComponent("credentials.json")
            try Data(#"{"claudeAiOauth":{"accessToken":"\#(usageToken)","expiresAt":4102444800000}}"#.utf8)
                .write(to: credentials)
            let environment = ["CSM_LOG_LEVEL": "trace", "LINEAR_API_KEY": linearKey]
            try world.writeConfig(
                FaultTests.config(world, sessions: ["a", "b"])
                    + "integrations:\n  linear:\n    apiKey: ${LINEAR_API_KEY}\n    endpoint: http://127.0.0.1:9/graphql\n"
                    + "  claude:\n    baseURL: http://127.0.0.1:9\n    credentialsFile: \(credentials.path)\n")
            var produced: [String] = []  // everything the run printed or answered

            func csm(_ arguments: String...) async throws -> String {
                let process = try CSMProcess(world: world, arguments: arguments, environment: environment)
                defer { process.stop() }
                _ = await eventually(timeout: .seconds(60)) { !process.process.isRunning }
                return process.text
            }
            produced.append(try await csm("apply"))
            let server = try CSMProcess(
                world: world, arguments: ["server", "--listen", "127.0.0.1:0"], environment: environment)
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(90)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            #expect(await eventually(timeout: .seconds(60)) { world.hookSecret("a") != nil && world.hookSecret("b") != nil })
            let token = try String(contentsOf: world.stateDir.appendingPathComponent("token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let secretA = try #require(world.hookSecret("a"))
            let secretB = try #require(world.hookSecret("b"))
            let auth = "Authorization: Bearer \(token)"

            func call(_ method: String, _ path: String, _ headers: [String] = [], _ body: String? = nil) async throws {
                let (status, text) = try await AuthMatrixCurl.curl(method, base + path, headers: headers, body: body)
                // The request line itself is left out: some requests carry a secret on purpose.
                produced.append("\(status)\n\(text)")
            }
            // Every kind of request, right and wrong: hooks with the right secret, another session's, a
            // guessed one; the token in the header, the query, a cookie; wrong tokens.
            let hook = #"{"hook_event_name":"PreToolUse","session_id":"s","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"t1"}"#
            try await call("POST", "/api/hooks/a", ["X-CSM-Hook-Secret: \(secretA)"], #"{"hook_event_name":"Stop"}"#)
            try await call("POST", "/api/hooks/a", ["X-CSM-Hook-Secret: \(secretB)"], hook)
            try await call("POST", "/api/hooks/b", ["X-CSM-Hook-Secret: \(secretA)"], hook)
            try await call("POST", "/api/hooks/a", ["X-CSM-Hook-Secret: \(secretA)x"], hook)
            try await call("POST", "/api/hooks/a", ["X-CSM-Hook-Secret: \(secretA)"], "{not json")
            try await call("POST", "/api/apply", ["Authorization: Bearer \(token)x"])
            try await call("POST", "/api/apply?token=\(token)")
            try await call("POST", "/api/apply", ["Cookie: csm_token=\(token)x"])
            try await call("POST", "/api/apply", [auth])
            try await call("POST", "/api/sessions", [auth], #"{"name":"c","repo":"app","prompt":"hi"}"#)
            try await call("POST", "/api/sessions/a/message", [auth], #"{"text":"hello"}"#)
            try await call("POST", "/api/sessions/a/reconnect", [auth])
            try await call("PATCH", "/api/config", [auth], #"{"toolApprovalRules":[{"tool":"Read","action":"allow"}]}"#)
            try await call("POST", "/api/config/rules", [auth], #"{"rule":{"tool":"Read","action":"nope"}}"#)
            for path in [
                "/api/health", "/api/sessions", "/api/sessions/a", "/api/sessions/b", "/api/plan", "/api/config",
                "/api/config/rules", "/api/hosts", "/api/repos", "/api/archive", "/api/openapi.json",
                "/api/sessions/a/changes", "/api/sessions/ghost",
            ] {
                try await call("GET", path)
            }
            // The integrations talk to endpoints that refuse the connection: their errors must not carry keys.
            for path in [
                "/api/linear/issues", "/api/linear/issues/ENG-1", "/api/linear/issues/ENG-1/comments", "/api/linear/states",
                "/api/linear/teams", "/api/claude-usage", "/api/usage",
            ] {
                try await call("GET", path, [auth])
            }
            try await call("POST", "/api/linear/issues/ENG-1/comments", [auth], #"{"body":"hi"}"#)
            try await call("DELETE", "/api/sessions/c?force=true", [auth])
            // `csm hook` as Claude Code runs it, and the CLI's read commands.
            let hookRun = try await SpawnProcessRunner().run(
                "/usr/bin/env",
                ["CSM_STATE_DIR=\(world.stateDir.path)", "CSM_LOG_LEVEL=trace", CSMWorld.binary, "hook", "--workspace", "e2e",
                 "--session", "a", "--state-dir", world.stateDir.path],
                input: #"{"hook_event_name":"Notification","message":"hi"}"#, environment: nil)
            produced.append(hookRun.stdout + hookRun.stderr)
            produced.append(try await csm("list", "--json"))
            produced.append(try await csm("plan", "--json"))
            produced.append(try await csm("kill", "b"))

            let events = try AuthMatrixCurl.curlStream(base + "/api/events", lastEventID: 0)
            produced.append(events)
            server.stop()
            _ = await eventually(timeout: .seconds(30)) { !server.process.isRunning }
            produced.append(server.text)

            // Every file the run left in the state dir, the worktrees and csm.yaml, except the secrets' own files.
            var files: [String: String] = [:]
            for root in [world.stateDir, world.worktreeBase] {
                let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
                for relative in paths {
                    let path = root.appendingPathComponent(relative).path
                    if relative.hasSuffix("hook-secret") || path == world.stateDir.appendingPathComponent("token").path
                        || path == credentials.path
                    {
                        continue
                    }
                    if let data = FileManager.default.contents(atPath: path) {
                        files[path] = String(decoding: data, as: UTF8.self)
                    }
                }
            }
            files[world.configFile.path] = try world.readConfig()
            #expect(files.keys.contains { $0.contains("/events/") }, "the run wrote events")
            #expect(produced.joined().contains("hook_secret_mismatch"), "the wrong-secret requests were made")

            for (name, secret) in [("API token", token), ("hook secret of a", secretA), ("hook secret of b", secretB),
                ("Linear key", linearKey), ("usage token", usageToken)]
            {
                for (index, text) in produced.enumerated() {
                    #expect(!text.contains(secret), "the \(name) appears in output \(index): \(text.prefix(2000))")
                }
                for (path, text) in files {
                    #expect(!text.contains(secret), "the \(name) appears in \(path)")
                }
            }
        }
    }
}

extension AuthMatrixCurl {
    /// The SSE stream from `lastEventID`, read for two seconds.
    static func curlStream(_ url: String, lastEventID: UInt64) throws -> String {
        let result = try SpawnProcessRunner.runBlocking(
            "/usr/bin/env", ["curl", "-s", "-N", "--max-time", "2", "-H", "Last-Event-ID: \(lastEventID)", url],
            environment: nil)
        return result.stdout
    }
}
