import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

@Suite("csm tui: Linear tasks and usage through csm server", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct TUITasksEndToEndTests {
    @Test("Tasks lists my issues by state, shows one, moves it to Done, creates a session for it; usage bars show")
    func tasks() async throws {
        try await FakeLinearServer.with { linear in
            try await FakeClaudeUsageServer.with { usage in
                try await withCSMWorld { world in
                    let credentials = try FakeClaudeUsageServer.writeCredentials(in: world.root)
                    try world.writeConfig(
                        world.config() + """
                            integrations:
                              linear:
                                apiKey: \(linear.apiKey)
                                endpoint: \(linear.endpoint)
                              claude:
                                baseURL: \(usage.baseURL)
                                credentialsFile: \(credentials)

                            """)
                    try await withServer(world) { _ in
                        try await withTUI(world, columns: 120, rows: 30) { ui in
                            await ui.waitFor("live · csm server 127.0.0.1:", timeout: .seconds(30))
                            await ui.waitFor("5h \u{2595}", "42%", "week \u{2595}", "30%", timeout: .seconds(30))
                            for _ in 0..<3 { try ui.press("Tab") }
                            await ui.waitFor(
                                "In Progress", "ENG-1", "Todo", "ENG-2", "Done", "ENG-3", timeout: .seconds(20))
                            #expect(!ui.screen().contains("OPS-1"), "only my issues")
                            try ui.press("3")
                            #expect(await eventually { !ui.screen().contains("ENG-1") }, "todo only:\n\(ui.screen())")
                            #expect(ui.screen().contains("ENG-2"))
                            try ui.press("1")
                            try ui.press("Enter")
                            await ui.waitFor("ENG-1  ", "State  In Progress", "URL")
                            try ui.press("s")
                            await ui.waitFor("Move ENG-1 to:", "(now)")
                            // The team's states in Linear's order: Backlog, Todo, In Progress (now), Done, Canceled.
                            try ui.press("j")
                            await ui.waitFor("▸ Done")
                            try ui.press("Enter")
                            await ui.waitFor("ENG-1 is now Done", timeout: .seconds(20))
                            #expect(linear.requests.contains { $0.operation == "UpdateIssueState" })
                            try ui.press("Escape")
                            try ui.press("c")
                            await ui.waitFor("New session", "Issue", "ENG-1", "eng-1")
                            try ui.press("Enter")
                            await ui.waitFor("Created 'eng-1", timeout: .seconds(30))
                            #expect(try world.readConfig().contains("linear: ENG-1"))
                            try ui.press("q")
                            await ui.waitFor("csm-exit=0")
                        }
                    }
                }
            }
        }
    }
}
