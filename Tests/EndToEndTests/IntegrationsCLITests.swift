import CSMAgent
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// `csm create --linear` against the fake Linear, and `csm usage` over fixture transcripts.
@Suite("csm integrations", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct IntegrationsCLITests {
    @Test("create --linear names the session after the issue, fills the prompt and CLAUDE.md")
    func createFromIssue() async throws {
        try await FakeLinearServer.with { fake in
            try await withCSMWorld { world in
                try world.writeConfig(
                    world.config() + """
                        integrations:
                          linear:
                            apiKey: \(fake.apiKey)
                            endpoint: \(fake.endpoint)
                            promptTemplate: "Please fix {{identifier}} ({{state}}): {{title}}"

                        """)
                let created = try await world.csm("create", "--linear", "eng-1")
                #expect(created.status == 0, "\(created.combined)")
                let config = try world.readConfig()
                #expect(config.contains("  eng-1-fix-the-login-page:\n"))
                #expect(config.contains(#"prompt: "Please fix ENG-1 (In Progress): Fix the login page""#), "\(config)")
                #expect(config.contains("linear: ENG-1"))
                let claudeMD = world.worktreeBase.appendingPathComponent("e2e/eng-1-fix-the-login-page/CLAUDE.md")
                let context = try String(contentsOf: claudeMD, encoding: .utf8)
                #expect(context.contains("## Linear issue ENG-1: Fix the login page"))
                #expect(context.contains("Users cannot log in."))
                _ = try await world.csm("kill", "eng-1-fix-the-login-page", "--force")

                let missing = try await world.csm("create", "--linear", "ENG-404")
                #expect(missing.status == 1 && missing.stderr.contains("ENG-404"), "\(missing.combined)")
            }
        }
    }

    @Test("usage prints a table per session and JSON with --json")
    func usage() async throws {
        try await withTemporaryDirectory { claudeDir in
            try await withCSMWorld { world in
                try world.writeConfig(
                    world.config(
                        sessions: "  alpha:\n    repo: app\n    env:\n      CLAUDE_CONFIG_DIR: \(claudeDir.path)\n"))
                let worktree = world.worktreeBase.appendingPathComponent("e2e/alpha").path
                let folder = ClaudeHome(configDirectory: claudeDir.path, globalConfigFile: "").projectFolder(
                    for: worktree)
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for file in ["alpha-1.jsonl", "alpha-2-resumed.jsonl"] {
                    try FileManager.default.copyItem(
                        atPath: fixturesDirectory.appendingPathComponent("usage/\(file)").path,
                        toPath: folder + "/" + file)
                }
                let table = try await world.csm("usage")
                #expect(table.status == 0, "\(table.combined)")
                #expect(table.stdout.contains("SESSION"), "\(table.stdout)")
                #expect(table.stdout.contains("alpha") && table.stdout.contains("$0.30"))
                #expect(table.stdout.contains("141,000"))
                let byDay = try await world.csm("usage", "--by", "day", "--since", "2026-11-21", "--json")
                let json = try #require(JSONValue.parse(byDay.stdout))
                #expect(json["rows"]?.arrayValue?.count == 1 && json["total"]?["costUSD"] == .number(0.106))
                let bad = try await world.csm("usage", "--by", "week")
                #expect(bad.status != 0 && bad.stderr.contains("--by"))
            }
        }
    }
}
