import CSMModel
import Foundation
import Testing

@testable import CSMTUI

/// Golden frames of what a server adds: agent states, turns and cost, the approval banners, the streamed
/// text, the forms, the Tasks tab and the usage bars (`CSM_RECORD=1` re-records).
@Suite("rendering with csm server")
struct ServerRenderTests {
    /// The fixture with agents reported by a server: `feature` waiting on a Bash approval, `translate` working.
    static func live(columns: Int, rows: Int) -> TUIState {
        var state = ServerReducerTests.live(columns: columns, rows: rows)
        var snapshot = Fixture.snapshot
        for index in snapshot.sessions.indices {
            switch snapshot.sessions[index].name {
            case "feature":
                snapshot.sessions[index].agent = AgentInfo(
                    status: "waiting", reason: "Bash wants permission", model: "claude-opus-4", turns: 12,
                    costUSD: 3.4187)
            case "translate":
                snapshot.sessions[index].row.status = .running
                snapshot.sessions[index].agent = AgentInfo(status: "working", turns: 3, costUSD: 0.21)
            default: break
            }
        }
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        _ = Reducer.reduce(
            &state,
            .data(
                .approvals([
                    PendingApproval(id: "r1", session: "feature", tool: "Bash", input: "rm -rf build\nmake all"),
                    PendingApproval(id: "r2", session: "translate", tool: "Edit", input: "/src/docs/ja.md"),
                ])))
        return state
    }

    static let usage = UsageBars(
        windows: [
            UsageBar(
                label: "5h", utilization: 0.62, resetsAt: Fixture.now.addingTimeInterval(2.5 * 3600), length: 5 * 3600),
            UsageBar(
                label: "week", utilization: 0.2, resetsAt: Fixture.now.addingTimeInterval(3.5 * 86400),
                length: 7 * 86400),
            UsageBar(label: "opus", utilization: 0.95, elapsed: 0.5),
        ], fetchedAt: Fixture.now)

    @Test(
        "sessions with agent states, turns, cost and the banner at 60, 100 and 200 columns", arguments: [60, 100, 200])
    func sessions(columns: Int) throws {
        var state = Self.live(columns: columns, rows: 14)
        _ = Reducer.reduce(&state, .data(.usage(Self.usage)))
        try RenderTests.expectFrame(state, "live-sessions-\(columns)")
    }

    @Test("the detail with the approval banner, the streamed text and colour-coded events")
    func detail() throws {
        var state = Self.live(columns: 100, rows: 30)
        Fixture.press(&state, .enter)
        let at = Fixture.now
        let events = [
            SessionEvent(id: 1, time: at.addingTimeInterval(-30), kind: "user_prompt", summary: "add a test"),
            SessionEvent(id: 2, time: at.addingTimeInterval(-20), kind: "tool_use", summary: "Bash swift test"),
            SessionEvent(
                id: 3, time: at.addingTimeInterval(-10), kind: "approval_pending", summary: "Bash rm -rf build"),
        ]
        _ = Reducer.reduce(&state, .data(.sessionEvents(session: "feature", events)))
        _ = Reducer.reduce(
            &state,
            .data(
                .assistantText(
                    session: "feature",
                    "The tests pass. Before I clean the build folder I need your permission, since it removes the cached artefacts of every target."
                )))
        try RenderTests.expectFrame(state, "live-detail-100")
        #expect(DetailView.eventStyle("approval_pending").foreground == .red)
        #expect(DetailView.eventStyle("assistant_text").foreground == .green)
        #expect(DetailView.eventStyle("tool_use").foreground == .cyan)
    }

    @Test("the message box, the edit form, the script picker and the merge form")
    func forms() throws {
        var state = Self.live(columns: 80, rows: 14)
        Fixture.press(&state, .char("i"), .paste("Please also\nupdate the README"))
        try RenderTests.expectFrame(state, "live-message-80")
        Fixture.press(&state, .escape, .escape, .char("e"), .tab)
        try RenderTests.expectFrame(state, "live-edit-80")
        Fixture.press(&state, .escape)
        state.snapshot?.workspace.repos["app"]?.scripts = ["test": "swift test", "lint": "swiftlint --strict"]
        Fixture.press(&state, .char("x"))
        try RenderTests.expectFrame(state, "live-scripts-80")
        Fixture.press(&state, .escape, .char("m"))
        _ = Reducer.reduce(&state, .effect(.mergeMessage(session: "feature", "Merge csm/feature\n\n- add a test")))
        Fixture.press(&state, .right)
        try RenderTests.expectFrame(state, "live-merge-80")
    }

    @Test("the Tasks tab: issues by state, an issue's description, the state picker; narrow and wide")
    func tasks() throws {
        var state = Self.live(columns: 100, rows: 16)
        Fixture.press(&state, .tab, .tab, .tab)
        _ = Reducer.reduce(&state, .data(.linear(.issues(ServerReducerTests.issues))))
        try RenderTests.expectFrame(state, "live-tasks-100")
        state.size = TerminalSize(columns: 60, rows: 16)
        try RenderTests.expectFrame(state, "live-tasks-60")
        state.size = TerminalSize(columns: 100, rows: 16)
        Fixture.press(&state, .enter)
        var issue = ServerReducerTests.issues[0]
        issue.description =
            "## Steps\n1. Open **/login** with `curl`\n- the [server log](https://logs.example/x) says 500\n- [ ] fix it\n\n> reported twice\n\n```\nPOST /login 500\n```"
        _ = Reducer.reduce(&state, .data(.linear(.detail(issue))))
        try RenderTests.expectFrame(state, "live-task-detail-100")
        Fixture.press(&state, .char("s"))
        _ = Reducer.reduce(
            &state,
            .data(
                .linear(
                    .states(
                        issue: "u1",
                        [
                            TaskIssueState(id: "a", name: "Todo", type: "unstarted"),
                            TaskIssueState(id: "b", name: "In Progress", type: "started"),
                            TaskIssueState(id: "c", name: "Done", type: "completed"),
                        ]))))
        try RenderTests.expectFrame(state, "live-task-states-100")
    }

    @Test("the create form with Linear search results")
    func createForm() throws {
        var state = Self.live(columns: 100, rows: 20)
        state.snapshot?.workspace.integrations.linearAPIKey = "lin_key"
        Fixture.press(&state, .char("c"), .paste("lo"))
        _ = Reducer.reduce(&state, .data(.linear(.search(query: "lo", ServerReducerTests.issues))))
        try RenderTests.expectFrame(state, "live-create-100")
    }

    @Test("the usage bars' pace marker sits where even use would be")
    func pace() {
        let bar = UsageView.bar(Self.usage.windows[0], width: 10, now: Fixture.now).plainText
        #expect(bar == "▕██████┃░░░▏" || bar == "▕█████┃░░░░▏", "\(bar)")
        #expect(Self.usage.windows[0].pace(at: Fixture.now) == 0.5)
        #expect(UsageView.color(Self.usage.windows[2], now: Fixture.now).foreground == .red)
    }
}
