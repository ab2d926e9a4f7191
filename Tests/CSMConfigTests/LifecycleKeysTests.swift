import CSMConfig
import CSMModel
import Testing

private let head = "version: 1\nworkspace: demo\n"
private let oneRepo = head + "repos:\n  api: {path: /a}\n"

/// The error table of the session-lifecycle keys (`setup`, `copy`, `env`, `scripts`, `effort`, `context`).
let lifecycleErrorTable: [ErrorCase] = [
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    setup: {npm: ci}\n",
        "6:12: expected a command or a list of commands for 'repos.api.setup', found a mapping"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    setup:\n      - [npm, ci]\n",
        "7:9: expected a string for 'repos.api.setup[0]', found a list"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    copy: .env\n",
        "6:11: expected a list of strings for 'repos.api.copy', found a string"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    env:\n      2FA: x\n",
        "7:7: invalid environment variable name '2FA' in 'repos.api.env'"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    scripts: [make test]\n",
        "6:14: expected a mapping of script names to commands for 'repos.api.scripts', found a list"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    scripts:\n      \"run tests\": make test\n",
        "7:7: invalid script name 'run tests' in 'repos.api.scripts': use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'"
    ),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    setpu: make\n",
        "6:5: unknown key 'setpu' in 'repos.api'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    effort: extreme\n",
        "7:13: invalid value 'extreme' for 'sessions.fix.effort'; expected one of 'low', 'medium', 'high', 'xhigh', 'max'"
    ),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    context: [a]\n",
        "7:14: expected a string for 'sessions.fix.context', found a list"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    contxt: hi\n",
        "7:5: unknown key 'contxt' in 'sessions.fix'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    scripts:\n      test: [make]\n",
        "8:13: expected a string for 'sessions.fix.scripts.test', found a list"),
]

@Suite("Config: session lifecycle keys")
struct LifecycleKeysTests {
    @Test(
        "each malformed lifecycle key gives exactly one diagnostic at the expected position",
        arguments: lifecycleErrorTable)
    func malformedInput(_ errorCase: ErrorCase) {
        #expect(summaries(errorCase.text) == [errorCase.expected])
    }

    @Test("did you mean covers the new keys")
    func suggestions() {
        let found = diagnostics(head + "repos:\n  api:\n    path: /a\n    setpu: make\n")
        #expect(found.first?.hint == "did you mean 'setup'?")
        let effort = diagnostics(oneRepo + "sessions:\n  fix:\n    effort: hihg\n")
        #expect(effort.first?.hint == "did you mean 'high'?")
    }

    @Test("repo keys are folded into sessions; session keys override or merge")
    func resolution() throws {
        let workspace = try parse(
            head + """
                repos:
                  api:
                    path: /a
                    setup: npm ci
                    copy: [.env, "config/*.local"]
                    env: {PORT: "3000", MODE: dev}
                    scripts: {test: make test, dev: "npm run dev -- --port ${PORT}"}
                sessions:
                  plain: {}
                  custom:
                    setup: [make deps, make gen]
                    copy: []
                    env: {MODE: prod}
                    scripts: {test: make check}
                    effort: xhigh
                    context: Work on the parser only.
                """, environment: [:])
        let sessions = Dictionary(uniqueKeysWithValues: workspace.resolvedSessions().map { ($0.name, $0) })
        let plain = try #require(sessions["plain"])
        #expect(plain.setup == ["npm ci"])
        #expect(plain.copy == [".env", "config/*.local"])
        #expect(plain.env == ["PORT": "3000", "MODE": "dev"])
        #expect(
            plain.scripts == ["test": "make test", "dev": "npm run dev -- --port ${PORT}"],
            "shell text is not interpolated")
        #expect(plain.effort == nil && plain.context == nil)
        let custom = try #require(sessions["custom"])
        #expect(custom.setup == ["make deps", "make gen"])
        #expect(custom.copy.isEmpty)
        #expect(custom.env == ["PORT": "3000", "MODE": "prod"])
        #expect(custom.scripts == ["test": "make check", "dev": "npm run dev -- --port ${PORT}"])
        #expect(custom.effort == .xhigh)
        #expect(custom.context == "Work on the parser only.")
    }

    @Test("setup text, effort, env and context are part of the spec hash; copy and scripts are not")
    func specHash() throws {
        let base = head + "repos:\n  api:\n    path: /a\n    setup: npm ci\nsessions:\n  s: {}\n"
        let hash = { (text: String) throws -> String in try parse(text).resolvedSessions()[0].specHash }
        let original = try hash(base)
        #expect(try hash(base.replacingOccurrences(of: "npm ci", with: "npm install")) != original)
        #expect(try hash(base.replacingOccurrences(of: "s: {}", with: "s: {effort: high}")) != original)
        #expect(try hash(base.replacingOccurrences(of: "s: {}", with: "s: {context: hi}")) != original)
        #expect(try hash(base.replacingOccurrences(of: "s: {}", with: "s: {env: {A: b}}")) != original)
        #expect(try hash(base.replacingOccurrences(of: "s: {}", with: "s: {copy: [.env]}")) == original)
        #expect(try hash(base.replacingOccurrences(of: "s: {}", with: "s: {scripts: {t: x}}")) == original)
    }

    @Test("a session without lifecycle keys keeps the spec hash it had before they existed")
    func hashStable() throws {
        let session = try parse(oneRepo + "sessions:\n  s: {model: opus}\n").resolvedSessions()[0]
        let legacy = DesiredSession(
            name: "s", workspace: "demo", host: "local", repo: "api", repoPath: "/a",
            worktreePath: session.worktreePath, branch: "csm/s", base: nil, agent: AgentSpec(), model: "opus",
            prompt: nil, env: [:], linear: nil, favorite: false)
        #expect(session.specHash == legacy.specHash)
    }
}
