import CSMConfig
import CSMModel
import Foundation
import Testing

@Suite("Decoding valid configurations")
struct DecodingTests {
    func fixtureText(_ name: String) throws -> String {
        try String(contentsOfFile: fixturesDirectory.appendingPathComponent("valid/\(name)").path, encoding: .utf8)
    }

    @Test("a file using every key decodes to the expected workspace")
    func fullFile() throws {
        let workspace = try testLoader(["LINEAR_API_KEY": "lin_123"])
            .parse(fixtureText("full.yaml"), file: "csm.yaml", baseDirectory: "/proj/sub")
        let expected = Workspace(
            name: "acme",
            defaults: Defaults(
                worktreeBase: "/home/u/worktrees", branchPrefix: "agent/", host: "local",
                agent: AgentSpec(
                    command: "claude", args: ["--permission-mode", "default"],
                    env: ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"])),
            hosts: [
                "gpu": HostSpec(
                    name: "gpu", ssh: "dev@gpu.internal", port: 2222, identityFile: "/home/u/.ssh/id_gpu",
                    worktreeBase: "~/csm-worktrees")
            ],
            repos: [
                "api": RepoSpec(name: "api", path: "/proj/api", baseBranch: "main"),
                "models": RepoSpec(name: "models", path: "~/src/models", host: "gpu"),
            ],
            sessions: [
                "fix-login": SessionSpec(
                    name: "fix-login", repo: "api", prompt: "Fix the login bug.\nToken: none\n", model: "opus",
                    env: ["DEBUG": "1"], linear: "ENG-123", favorite: true),
                "train": SessionSpec(
                    name: "train", repo: "models", branch: "experiments/train", base: "v2.0",
                    agent: AgentOverride(args: ["--verbose"], env: ["EXTRA": "yes"])),
            ],
            favorites: ["train"],
            rules: [
                ToolRule(tool: "Read", action: .allow), ToolRule(tool: "Bash", pattern: "git *", action: .ask),
                ToolRule(tool: "*", action: .deny),
            ],
            server: ServerSettings(listen: "0.0.0.0:8080", reconcileInterval: 120, prune: true, approvalTimeout: 0.5),
            integrations: Integrations(linearAPIKey: "lin_123", linearEndpoint: "http://127.0.0.1:9999/graphql"),
            sourcePath: "/proj/sub/csm.yaml")
        #expect(workspace == expected)
    }

    @Test("a minimal file gets every default, and sessions use the only repo")
    func minimalFile() throws {
        let workspace = try parse(fixtureText("minimal.yaml"))
        #expect(workspace.defaults == Defaults(worktreeBase: "/home/u/.local/share/csm/worktrees"))
        #expect(workspace.hosts == ["local": HostSpec(name: "local")])
        #expect(workspace.repos["app"]?.path == "/proj")
        #expect(workspace.sessions["one"] == SessionSpec(name: "one", repo: "app"))
        #expect(workspace.sessions["two"]?.prompt == "Write the docs")
        #expect(workspace.server == ServerSettings())
        let resolved = workspace.resolvedSessions()
        #expect(
            resolved.map(\.worktreePath) == [
                "/home/u/.local/share/csm/worktrees/solo/one", "/home/u/.local/share/csm/worktrees/solo/two",
            ])
        #expect(resolved.first?.branch == "csm/one")
    }

    @Test("interpolation substitutes variables, defaults and the $${ escape")
    func interpolation() throws {
        let text = """
            version: 1
            workspace: ${WS}
            repos:
              api: {path: "${SRC:-/src}/api"}
            sessions:
              a:
                prompt: "cost $5, literal $${HOME}, empty ${EMPTY:-fallback}, set ${SET:-unused}"
                env: {TOKEN: "${TOKEN}"}
            """
        let workspace = try parse(text, environment: ["WS": "team", "TOKEN": "t0k", "EMPTY": "", "SET": "yes"])
        #expect(workspace.name == "team")
        #expect(workspace.repos["api"]?.path == "/src/api")
        #expect(workspace.sessions["a"]?.prompt == "cost $5, literal ${HOME}, empty fallback, set yes")
        #expect(workspace.sessions["a"]?.env == ["TOKEN": "t0k"])
    }

    @Test("keys are never interpolated")
    func keysAreLiteral() {
        let found = summaries("version: 1\nworkspace: w\nsessions:\n  ${X}: {}\n")
        #expect(found == ["4:3: invalid session name '${X}': use \(CSMName.ruleDescription)"])
    }

    @Test("paths expand ~, resolve relative to the file's folder and are normalised")
    func paths() throws {
        let text = """
            version: 1
            workspace: w
            defaults: {worktreeBase: ./wt/../trees/}
            hosts:
              local: {worktreeBase: "~"}
              box: {ssh: me@box, identityFile: keys//box, worktreeBase: /srv/./wt/}
            repos:
              a: {path: ~/code/a/}
              b: {path: ../../b}
              c: {path: /abs/./c/../c2}
              d: {path: ~/remote/./d, host: box}
            """
        let workspace = try parse(text)
        #expect(workspace.defaults.worktreeBase == "/proj/trees")
        #expect(workspace.hosts["local"]?.worktreeBase == "/home/u")
        #expect(workspace.hosts["box"]?.identityFile == "/proj/keys/box")
        #expect(workspace.hosts["box"]?.worktreeBase == "/srv/wt")
        #expect(
            workspace.repos.mapValues(\.path) == ["a": "/home/u/code/a", "b": "/b", "c": "/abs/c2", "d": "~/remote/d"])
    }

    @Test(
        "durations accept seconds and ms, s, m, h units",
        arguments: [
            ("15", 15.0), ("0.5", 0.5), ("500ms", 0.5), ("15s", 15), ("2m", 120), ("1h", 3600), ("\"1.5s\"", 1.5),
        ])
    func durations(_ written: String, _ seconds: Double) throws {
        let workspace = try parse(
            "version: 1\nworkspace: w\nserver:\n  approvalTimeout: \(written)\n  reconcile: {interval: \(written)}\n")
        #expect(workspace.server.approvalTimeout == seconds)
        #expect(workspace.server.reconcileInterval == seconds)
    }

    @Test("anchors, aliases and << merge keys are read, explicit keys winning")
    func anchorsAndMerges() throws {
        let text = """
            version: 1
            workspace: w
            repos:
              api: {path: /api}
            sessions:
              base: &base
                repo: api
                model: sonnet
                env: &env {A: "1"}
              fast:
                <<: *base
                model: haiku
                env: *env
            """
        let workspace = try parse(text)
        #expect(workspace.sessions["fast"] == SessionSpec(name: "fast", repo: "api", model: "haiku", env: ["A": "1"]))
    }

    @Test("booleans are true and false only; null sections are empty")
    func booleansAndNulls() throws {
        let workspace = try parse(
            "version: 1\nworkspace: w\nhosts:\nrepos:\n  a: {path: /a}\nsessions:\n  s: {favorite: True}\nrules: ~\nserver:\n  reconcile: {prune: FALSE}\n"
        )
        #expect(workspace.sessions["s"]?.favorite == true)
        #expect(workspace.server.prune == false)
        #expect(workspace.rules.isEmpty)
    }

    @Test("string values take plain scalars verbatim, also ones that look like numbers")
    func stringsVerbatim() throws {
        let workspace = try parse("version: 1\nworkspace: 2024\nrepos:\n  a: {path: /a, baseBranch: 1.10}\n")
        #expect(workspace.name == "2024")
        #expect(workspace.repos["a"]?.baseBranch == "1.10")
    }

    @Test("CRLF line endings and a byte-order mark load like LF")
    func crlfAndBOM() throws {
        let text = "\u{FEFF}version: 1\r\nworkspace: w\r\nrepos:\r\n  a: {path: /a}\r\n"
        #expect(try parse(text).repos["a"]?.path == "/a")
        #expect(
            summaries("\u{FEFF}version: 1\r\nworkspace: w\r\nbogus: 1\r\n") == [
                "3:1: unknown key 'bogus' at the top level"
            ])
    }
}

@Suite("Anchors in practice")
struct AnchorPracticeTests {
    @Test("top-level x- keys are ignored so they can hold anchors")
    func extensionKeys() throws {
        let text = """
            version: 1
            workspace: w
            x-agent: &agent {command: my-claude, args: [--fast]}
            repos: {api: {path: /a}}
            sessions:
              a: {agent: *agent}
              b: {agent: *agent}
            """
        let workspace = try parse(text)
        #expect(workspace.sessions["b"]?.agent == AgentOverride(command: "my-claude", args: ["--fast"]))
        #expect(
            summaries("version: 1\nworkspace: w\ndefaults:\n  x-note: 1\n") == [
                "4:3: unknown key 'x-note' in 'defaults'"
            ])
    }

    @Test("a problem inside an aliased mapping is reported once")
    func reportedOnce() {
        let text = """
            version: 1
            workspace: w
            x-agent: &agent {comand: x}
            repos: {api: {path: /a}}
            sessions:
              a: {agent: *agent}
              b: {agent: *agent}
            """
        #expect(summaries(text) == ["3:18: unknown key 'comand' in 'sessions.a.agent'"])
    }
}
