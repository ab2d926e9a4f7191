import CSMConfig
import CSMModel
import Testing

private let legacyJSON = """
    {
      "defaultRepo": "~/src/My App",
      "worktreeBase": "~/wt",
      "apiPort": 3456,
      "linearApiKey": "lin_api_secret",
      "toolApprovalRules": [
        {"tool": "Bash", "pattern": "git ${X} *", "action": "allow"},
        {"tool": "Write", "action": "deny"}
      ],
      "hosts": {
        "gpu box": {"host": "dev@gpu", "defaultRepo": "~/models"}
      },
      "projectsBase": "~/projects",
      "projects": [
        {"name": "web", "repoPath": "web", "setupScript": "npm ci", "envVars": {"PORT": "3001", "BAD-NAME": "x"}},
        {"name": "app", "repoPath": "/home/u/src/My App"},
        {"name": "tools", "repoPath": "/opt/tools", "runScripts": [{"name": "dev", "command": "make dev"}]}
      ],
      "apiTokens": [{"token": "t"}],
      "feedbackEnabled": true
    }
    """

@Suite("Legacy config.json")
struct LegacyConfigTests {
    func read(_ json: String) throws(ConfigError) -> LegacyConfig {
        try LegacyConfig.parse(Array(json.utf8), file: "/home/u/.config/csm/config.json", homeDirectory: "/home/u")
    }

    @Test("every known key maps onto the workspace")
    func mapping() throws {
        let workspace = try read(legacyJSON).workspace
        let expected = Workspace(
            name: "default",
            defaults: Defaults(worktreeBase: "/home/u/wt"),
            hosts: ["gpu-box": HostSpec(name: "gpu-box", ssh: "dev@gpu")],
            repos: [
                "My-App": RepoSpec(name: "My-App", path: "/home/u/src/My App"),
                "models": RepoSpec(name: "models", path: "~/models", host: "gpu-box"),
                "web": RepoSpec(
                    name: "web", path: "/home/u/projects/web", setup: ["npm ci"], env: ["PORT": "3001"]),
                "tools": RepoSpec(name: "tools", path: "/opt/tools", scripts: ["dev": "make dev"]),
            ],
            rules: [
                ToolRule(tool: "Bash", pattern: "git ${X} *", action: .allow), ToolRule(tool: "Write", action: .deny),
            ],
            server: ServerSettings(listen: "127.0.0.1:3456"),
            integrations: Integrations(linearAPIKey: "lin_api_secret"))
        #expect(workspace == expected)
    }

    @Test("the import is valid csm.yaml that loads back to the same workspace")
    func importRoundTrip() throws {
        let legacy = try read(legacyJSON)
        let yaml = legacy.importYAML()
        #expect(yaml.hasPrefix("# csm.yaml imported from /home/u/.config/csm/config.json"))
        #expect(!yaml.contains("lin_api_secret"))
        #expect(yaml.contains("  worktreeBase: ~/wt\n"))
        #expect(yaml.contains("    path: ~/src/My App\n"))
        #expect(yaml.contains("apiTokens, feedbackEnabled"))
        #expect(yaml.contains("    setup: npm ci\n    env:\n      PORT: \"3001\"\n"))
        #expect(yaml.contains("    scripts:\n      dev: make dev\n"))
        #expect(yaml.contains("    # not imported (project 'web'): envVars.BAD-NAME is not a valid variable name\n"))
        var loaded = try testLoader(["LINEAR_API_KEY": "lin_api_secret"]).parse(
            yaml, file: "csm.yaml", baseDirectory: "/elsewhere")
        loaded.sourcePath = nil
        #expect(loaded == legacy.workspace)
        let kept = try testLoader().parse(legacy.importYAML(keepSecrets: true), file: "csm.yaml", baseDirectory: "/x")
        #expect(kept.integrations.linearAPIKey == "lin_api_secret")
    }

    @Test("a minimal legacy file imports to a minimal workspace")
    func minimal() throws {
        let legacy = try read("{}")
        #expect(
            legacy.workspace
                == Workspace(name: "default", defaults: Defaults(worktreeBase: "/home/u/.local/share/csm/worktrees")))
        var loaded = try parse(legacy.importYAML())
        loaded.sourcePath = nil
        #expect(loaded == legacy.workspace)
    }

    @Test(
        "invalid JSON and wrong types are errors, never silent defaults",
        arguments: [
            ("{\"apiPort\": ", "is not valid JSON"),
            ("[1, 2]", "must hold a JSON object at the top level"),
            ("{\"apiPort\": \"3000\"}", "'apiPort' must be a port number from 1 to 65535"),
            ("{\"apiPort\": 70000}", "'apiPort' must be a port number from 1 to 65535"),
            (
                "{\"toolApprovalRules\": [{\"tool\": \"Bash\", \"action\": \"always\"}]}",
                "'toolApprovalRules[0].action' is 'always'"
            ),
            ("{\"hosts\": {\"a\": {}}}", "'hosts.a.host' is missing"),
            ("{\"defaultRepo\": 5}", "'defaultRepo' must be a string"),
            ("{\"projects\": [{\"name\": \"x\"}]}", "'projects[0]' needs 'name' and 'repoPath'"),
        ])
    func invalid(_ json: String, _ message: String) {
        do {
            _ = try read(json)
            Issue.record("expected an error for \(json)")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message.contains(message) == true, "\(error.diagnostics)")
        }
    }
}
