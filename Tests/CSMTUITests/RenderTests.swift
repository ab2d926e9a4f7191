import CSMModel
import CSMTestSupport
import Foundation
import Testing

@testable import CSMTUI

/// Frames of fixed states as golden text (`Tests/Fixtures/golden/tui/`; `CSM_RECORD=1` re-records).
@Suite("rendering")
struct RenderTests {
    static func expectFrame(
        _ state: TUIState, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let frame = Screen.render(state)
        #expect(frame.lines.count == state.size.rows, sourceLocation: sourceLocation)
        for line in frame.lines {
            #expect(line.width <= state.size.columns, "\(line.plainText)", sourceLocation: sourceLocation)
        }
        try expectGolden(frame.plainText, named: "tui/\(name).txt", sourceLocation: sourceLocation)
    }

    @Test("the Sessions tab at 60, 100 and 200 columns", arguments: [60, 100, 200])
    func sessions(columns: Int) throws {
        var state = Fixture.state(columns: columns, rows: 16)
        Fixture.press(&state, .down)
        try Self.expectFrame(state, "sessions-\(columns)")
    }

    @Test("without a server: turns and cost from the transcripts beside the observed status")
    func localUsage() throws {
        var state = Fixture.state(columns: 200, rows: 12)
        var snapshot = try #require(state.snapshot)
        let feature = try #require(snapshot.sessions.firstIndex { $0.name == "feature" })
        snapshot.sessions[feature].agent = AgentInfo(
            status: "", model: "claude-sonnet-4-5", turns: 4, costUSD: 0.37)
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        try Self.expectFrame(state, "sessions-local-usage-200")
        state.size = TerminalSize(columns: 100, rows: 20)
        Fixture.press(&state, .enter)
        try Self.expectFrame(state, "detail-local-usage-100")
    }

    @Test("the detail view with hook events and a long prompt")
    func detail() throws {
        var state = Fixture.state(columns: 100, rows: 24)
        Fixture.press(&state, .enter)
        let events = [
            SessionEvent(time: Fixture.now.addingTimeInterval(-60), kind: "SessionStart", summary: "startup"),
            SessionEvent(time: Fixture.now.addingTimeInterval(-50), kind: "UserPromptSubmit", summary: "add a test"),
            SessionEvent(
                time: Fixture.now.addingTimeInterval(-40), kind: "PreToolUse",
                summary: "Bash swift test --filter Something --parallel --very-long-flag-that-goes-on"),
            SessionEvent(time: Fixture.now.addingTimeInterval(-5), kind: "Stop", summary: "All tests pass.\nDone."),
        ]
        _ = Reducer.reduce(&state, .data(.sessionEvents(session: "feature", events)))
        try Self.expectFrame(state, "detail-100")
        state.size = TerminalSize(columns: 60, rows: 24)
        try Self.expectFrame(state, "detail-60")
    }

    @Test("the plan view, the kill confirmation and a wrapped refusal")
    func planAndKill() throws {
        var state = Fixture.state(columns: 100, rows: 20)
        Fixture.press(&state, .char("P"))
        try Self.expectFrame(state, "plan-100")
        Fixture.press(&state, .escape, .char("K"))
        try Self.expectFrame(state, "kill-confirm-100")
        Fixture.press(&state, .char("y"))
        _ = Reducer.reduce(
            &state,
            .effect(
                .killRefused(
                    session: "feature",
                    reason:
                        "its worktree holds work that exists nowhere else (2 uncommitted changes, 1 untracked file, 3 commits on no other branch); commit and merge or push it"
                )))
        state.size = TerminalSize(columns: 60, rows: 16)
        try Self.expectFrame(state, "kill-refused-60")
    }

    @Test("the Repos, Hosts, Tasks and Config tabs")
    func otherTabs() throws {
        var state = Fixture.state(columns: 100, rows: 34)
        Fixture.press(&state, .tab)
        try Self.expectFrame(state, "repos-100")
        Fixture.press(&state, .tab)
        _ = Reducer.reduce(
            &state,
            .data(
                .hostChecked(
                    host: "build", HostCheck(isReachable: true, latency: 0.0424, message: nil, checkedAt: Fixture.now)))
        )
        try Self.expectFrame(state, "hosts-100")
        Fixture.press(&state, .tab)
        state.size = TerminalSize(columns: 60, rows: 10)
        try Self.expectFrame(state, "tasks-60")
        Fixture.press(&state, .tab)
        state.size = TerminalSize(columns: 100, rows: 34)
        try Self.expectFrame(state, "config-100")
    }

    @Test("the create form, the help and the filter prompt")
    func formAndHelp() throws {
        var state = Fixture.state(columns: 60, rows: 16)
        Fixture.press(&state, .char("c"), .char("n"), .char("e"), .char("w"), .tab, .tab, .char("b"))
        try Self.expectFrame(state, "create-60")
        state = Fixture.state(columns: 100, rows: 26)
        Fixture.press(&state, .char("?"))
        try Self.expectFrame(state, "help-100")
        Fixture.press(&state, .escape, .char("/"), .char("t"), .char("r"))
        try Self.expectFrame(state, "filter-100")
    }

    @Test("before the first observation, and with an approval banner pushed by a server")
    func observingAndBanner() throws {
        var state = TUIState(size: TerminalSize(columns: 60, rows: 8))
        state.connection = "observing every 5 s · no server"
        try Self.expectFrame(state, "observing-60")
        state = Fixture.state(columns: 100, rows: 12)
        _ = Reducer.reduce(
            &state,
            .data(.approvalPending(PendingApproval(id: "1", session: "feature", tool: "Bash", input: "rm -rf build"))))
        try Self.expectFrame(state, "approval-100")
    }

    @Test("a tiny terminal gets a frame cut to its size, never wider or taller")
    func tiny() {
        let frame = Screen.render(Fixture.state(columns: 20, rows: 3))
        #expect(frame.lines.count == 3)
        #expect(frame.lines.allSatisfy { $0.width <= 20 })
    }

    @Test("the preview beside the last message, stacked when narrow, and a diff")
    func preview() throws {
        var state = Fixture.state(columns: 100, rows: 18)
        Fixture.press(&state, .char("p"))
        let message =
            "I added the test.\n\nThe parser now handles empty input, which it did not before; the fix is small but the test covers three cases."
        _ = Reducer.reduce(
            &state,
            .data(.sessionEvents(session: "feature", [SessionEvent(time: Fixture.now, kind: "Stop", summary: message)]))
        )
        let files = [
            ChangedFile(path: "Sources/Parser.swift", status: "M", insertions: 12, deletions: 3, isCommitted: false),
            ChangedFile(path: "notes/日本語.md", status: "?", isCommitted: false),
        ]
        let committed = [
            ChangedFile(path: "Tests/ParserTests.swift", status: "A", insertions: 40, deletions: 0, isCommitted: true)
        ]
        _ = Reducer.reduce(&state, .effect(.changes(session: "feature", uncommitted: files, committed: committed)))
        try Self.expectFrame(state, "preview-100")
        state.size = TerminalSize(columns: 60, rows: 22)
        try Self.expectFrame(state, "preview-60")
        Fixture.press(&state, .down, .enter)
        _ = Reducer.reduce(
            &state,
            .effect(
                .diff(
                    session: "feature", file: files[1],
                    lines: [
                        "diff --git a/notes/日本語.md b/notes/日本語.md", "new file mode 100644", "--- /dev/null",
                        "+++ b/notes/日本語.md", "@@ -0,0 +1,2 @@", "+# メモ", "+a note",
                    ])))
        try Self.expectFrame(state, "diff-60")
    }
}
