import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Names, branches, prompts and paths with shell metacharacters, newlines, unicode and `..` through
/// csm.yaml, the CLI, the API and hook payloads: never executed, never outside the worktree base, and
/// refused with a clear message where invalid. Every injection tries to create one marker file.
@Suite("hostile input end to end", .tags(.realTmux, .realGit, .hostileInput), .timeLimit(.minutes(5)))
struct HostileInputTests {
    /// Payloads that would create `marker` if any of them reached a shell.
    static func injections(_ marker: String) -> [String] {
        [
            "$(touch \(marker))", "`touch \(marker)`", "; touch \(marker)", "| touch \(marker)",
            "&& touch \(marker)", "'; touch \(marker); '", "\"; touch \(marker); \"", "\ntouch \(marker)\n",
            "\\\"$(touch \(marker))\\\"", "$IFS touch$IFS\(marker)",
        ]
    }

    static let invalidNames = [
        "../escape", "..", ".", "a/b", "a b", "a;b", "$(id)", "`id`", "a\nb", "a\u{0}b", "a'b", "a\"b",
        String(repeating: "x", count: 65), "ünïcode", "a\u{202E}b", "",
    ]

    /// Everything in the world's root folder after the test: the known entries, nothing else.
    static func unexpectedEntries(_ world: CSMWorld) throws -> [String] {
        let known: Set<String> = ["repo", "csm.yaml", "state", "worktrees", "agent.log"]
        return try FileManager.default.contentsOfDirectory(atPath: world.root.path).filter { !known.contains($0) }
    }

    @Test("invalid session names in csm.yaml are reported with line and column, and nothing is created")
    func configNames() async throws {
        try await withCSMWorld { world in
            for name in Self.invalidNames where !name.isEmpty && !name.contains("\u{0}") {
                let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
                try world.writeConfig(world.config(sessions: "  \(quoted):\n    repo: app\n"))
                let plan = try await world.csm("plan")
                #expect(plan.status == 1, "\(name.debugDescription): \(plan.combined)")
                #expect(
                    plan.stderr.range(of: #"csm\.yaml:[0-9]+:[0-9]+: error"#, options: .regularExpression) != nil,
                    "\(name.debugDescription): \(plan.combined)")
                let apply = try await world.csm("apply")
                #expect(apply.status == 1)
            }
            for workspace in ["..", "../x", "a/b", "$(id)"] {
                try world.writeConfig(world.config(workspace: "\"\(workspace)\"", sessions: "  ok:\n    repo: app\n"))
                let plan = try await world.csm("plan")
                #expect(plan.status == 1, "workspace \(workspace): \(plan.combined)")
                #expect(plan.stderr.contains("csm.yaml:3:"), "workspace \(workspace): \(plan.combined)")
            }
            #expect(world.worktreeFolders().isEmpty)
            #expect(await world.tmuxSessionNames().isEmpty)
        }
    }

    @Test("prompts, branches and env values with shell metacharacters reach the agent verbatim and run nothing")
    func configValues() async throws {
        try await withCSMWorld { world in
            let marker = world.root.appendingPathComponent("pwned").path
            let prompts = Self.injections(marker) + ["-starts with a dash", "ünïcode ✓ \u{202E}", "..", "../../etc/passwd"]
            var sessions = ""
            for (index, prompt) in prompts.enumerated() {
                let escaped = prompt.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n")
                sessions += "  p\(index):\n    repo: app\n    prompt: \"\(escaped)\"\n    env:\n      CSM_TEST_VALUE: \"\(escaped)\"\n"
            }
            try world.writeConfig(world.config(sessions: sessions))
            let apply = try await world.csm("apply")
            #expect(apply.status == 0, "\(apply.combined)")
            #expect(await eventually(timeout: .seconds(60)) { world.agentLaunches().count == prompts.count })
            let launched = Set(world.agentLaunches().compactMap(\.last))
            for prompt in prompts {
                // The fake agent logs one `arg=` line per line of an argument; compare the first line.
                let firstLine = String(prompt.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                #expect(launched.contains(firstLine) || prompt.hasPrefix("\n"), "\(prompt.debugDescription)")
            }
            #expect(!FileManager.default.fileExists(atPath: marker), "nothing was executed")

            for branch in ["../../escape", "a..b", "-x", "a b", "a;touch \(marker)", "x.lock", "@{u}", "a~1"] {
                let escaped = branch.replacingOccurrences(of: "\"", with: "\\\"")
                try world.writeConfig(world.config(sessions: "  b:\n    repo: app\n    branch: \"\(escaped)\"\n"))
                let result = try await world.csm("apply", "--yes")
                #expect(result.status != 0, "branch \(branch.debugDescription) is refused: \(result.combined)")
                #expect(result.stderr.contains("branch"), "the message names the branch: \(result.combined)")
            }
            #expect(!FileManager.default.fileExists(atPath: marker))
            let unexpected = try Self.unexpectedEntries(world)
            #expect(unexpected.isEmpty, "\(unexpected)")
            let refs = try world.git("for-each-ref", "--format=%(refname)")
            #expect(!refs.contains("escape") && !refs.contains("touch"), "\(refs)")
        }
    }

    @Test("the CLI refuses hostile names with a clear message and passes hostile prompts through verbatim")
    func cli() async throws {
        try await withCSMWorld { world in
            let marker = world.root.appendingPathComponent("pwned").path
            try world.writeConfig(world.config())
            for name in Self.invalidNames where !name.contains("\u{0}") {
                let created = try await world.csm("create", name, "--prompt", "x")
                #expect(created.status != 0, "\(name.debugDescription): \(created.combined)")
                #expect(!created.stderr.isEmpty, "\(name.debugDescription) gets a message")
                for command in [["kill", name], ["reconnect", name], ["archive", name], ["merge", name]] {
                    let result = try await world.csm(command[0], command[1])
                    #expect(result.status != 0, "\(command): \(result.combined)")
                }
            }
            #expect(!(try world.readConfig().contains("sessions:\n  ")), "csm.yaml gained no session")
            let prompt = Self.injections(marker).joined(separator: " ")
            let created = try await world.csm("create", "ok", "--prompt", prompt)
            #expect(created.status == 0, "\(created.combined)")
            #expect(try world.config(sessions: "") != world.readConfig())
            #expect(await eventually(timeout: .seconds(30)) { !world.agentLaunches().isEmpty })
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(world.worktreeFolders() == ["ok"])
            #expect(try Self.unexpectedEntries(world).isEmpty)
        }
    }

    @Test("the API refuses hostile names and paths; messages and hook payloads are stored, never executed")
    func api() async throws {
        try await withCSMWorld { world in
            let marker = world.root.appendingPathComponent("pwned").path
            // A tool request no rule decides waits for a person: keep that wait short.
            try world.writeConfig(
                FaultTests.config(world, sessions: ["a"]).replacingOccurrences(
                    of: "server:\n", with: "server:\n  approvalTimeout: 1s\n"))
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(90)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            #expect(await eventually(timeout: .seconds(60)) { world.hookSecret("a") != nil })
            let token = try String(contentsOf: world.stateDir.appendingPathComponent("token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let auth = "Authorization: Bearer \(token)"
            func encoded(_ text: String) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]), as: UTF8.self)
                    .dropFirst().dropLast().description
            }

            for name in Self.invalidNames {
                let body = "{\"name\":\(try encoded(name)),\"repo\":\"app\",\"prompt\":\"x\"}"
                let (status, text) = try await AuthMatrixCurl.curl("POST", base + "/api/sessions", headers: [auth], body: body)
                #expect(status == 400, "\(name.debugDescription): \(status) \(text)")
                #expect(text.contains("invalid_name") || text.contains("invalid_body"), "\(name.debugDescription): \(text)")
            }
            for path in [
                "/api/sessions/..%2F..%2Fetc", "/api/sessions/%2E%2E", "/api/sessions/a%0Ab", "/api/sessions/%24(id)/changes",
                "/api/hooks/..%2Fa", "/api/sessions/a/diff?file=../../../etc/passwd", "/api/sessions/a/diff?file=/etc/passwd",
                "/api/sessions/a/diff?file=.git/config",
            ] {
                let method = path.hasPrefix("/api/hooks/") ? "POST" : "GET"
                let (status, text) = try await AuthMatrixCurl.curl(
                    method, base + path, headers: [auth], body: method == "POST" ? "{}" : nil)
                #expect([400, 404].contains(status), "\(path): \(status) \(text)")
                #expect(!text.contains("root:"), "\(path) reads nothing outside the worktree")
            }

            let prompt = Self.injections(marker).joined(separator: " ")
            let created = try await AuthMatrixCurl.curl(
                "POST", base + "/api/sessions", headers: [auth],
                body: "{\"name\":\"made\",\"repo\":\"app\",\"prompt\":\(try encoded(prompt)),\"branch\":\"feature/ok\"}")
            #expect(created.0 == 201, "\(created)")
            let badBranch = try await AuthMatrixCurl.curl(
                "POST", base + "/api/sessions", headers: [auth],
                body: "{\"name\":\"bad\",\"repo\":\"app\",\"branch\":\"../../x; touch \(marker)\"}")
            #expect(badBranch.0 == 400, "\(badBranch)")
            let message = try await AuthMatrixCurl.curl(
                "POST", base + "/api/sessions/a/message", headers: [auth], body: "{\"text\":\(try encoded(prompt))}")
            #expect(message.0 == 200, "\(message)")

            let secret = try #require(world.hookSecret("a"))
            let payload: [String: Any] = [
                "hook_event_name": "PreToolUse", "session_id": "$(touch \(marker))", "cwd": "../../..",
                "transcript_path": "/etc/passwd", "tool_name": "Bash; touch \(marker)",
                "tool_input": ["command": "touch \(marker)"], "tool_use_id": "`touch \(marker)`",
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
            let hook = try await AuthMatrixCurl.curl(
                "POST", base + "/api/hooks/a", headers: ["X-CSM-Hook-Secret: \(secret)", "Content-Type: application/json"],
                body: body)
            #expect([200].contains(hook.0), "\(hook)")
            let sessions = httpGet(base + "/api/sessions/a")
            #expect(!sessions.contains("root:x:0"), "the transcript path outside the worktree is not read")

            _ = await eventually(timeout: .seconds(3)) { FileManager.default.fileExists(atPath: marker) }
            #expect(!FileManager.default.fileExists(atPath: marker), "nothing was executed")
            let unexpected = try Self.unexpectedEntries(world)
            #expect(unexpected.isEmpty, "\(unexpected)")
            #expect(Set(world.worktreeFolders()).isSubset(of: ["a", "made"]), "\(world.worktreeFolders())")
        }
    }
}

/// curl for tests outside the server test target (same as `AuthMatrixTests.curl`).
enum AuthMatrixCurl {
    static func curl(_ method: String, _ url: String, headers: [String] = [], body: String? = nil) async throws -> (
        Int, String
    ) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "60", "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append(url)
        let result = try await SpawnProcessRunner().run("curl", arguments, input: nil, environment: nil)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
