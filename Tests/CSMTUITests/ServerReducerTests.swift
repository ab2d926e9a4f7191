import CSMModel
import Foundation
import Testing

@testable import CSMTUI

/// The reducer with a server feeding the dashboard: approvals, messages, forms, the Tasks tab.
@Suite("reducer with csm server")
struct ServerReducerTests {
    static func live(columns: Int = 100, rows: Int = 24) -> TUIState {
        var state = Fixture.state(columns: columns, rows: rows)
        _ = Reducer.reduce(&state, .data(.server("127.0.0.1:3917")))
        _ = Reducer.reduce(&state, .data(.connection("live · csm server 127.0.0.1:3917")))
        return state
    }

    static let approval = PendingApproval(id: "r1", session: "translate", tool: "Bash", input: "rm -rf build")

    @Test("v opens the next session with a pending approval; y, n, Y and N decide it")
    func approvals() {
        var state = Self.live()
        _ = Reducer.reduce(&state, .data(.approvalPending(Self.approval)))
        #expect(Fixture.press(&state, .char("y")).isEmpty, "the selected session has none")
        #expect(state.status?.text.contains("v jumps to the 1 pending elsewhere") == true)
        #expect(Fixture.press(&state, .char("v")) == [.loadEvents(session: "translate")])
        #expect(state.mode == .detail(session: "translate") && state.selected == "translate")
        #expect(
            Fixture.press(&state, .char("N")) == [
                .approve(session: "translate", requestID: "r1", allow: false, always: true)
            ])
        #expect(state.approvals.isEmpty, "decided at once; the server's event confirms it")
        _ = Reducer.reduce(&state, .data(.approvals([Self.approval])))
        #expect(
            Fixture.press(&state, .char("y")) == [
                .approve(session: "translate", requestID: "r1", allow: true, always: false)
            ])
        _ = Reducer.reduce(&state, .data(.approvalPending(Self.approval)))
        _ = Reducer.reduce(&state, .data(.approvalResolved(id: "r1")))
        #expect(state.approvals.isEmpty)
        Fixture.press(&state, .char("v"))
        #expect(state.status?.text == "No tool approval is pending.")
    }

    @Test("i types a multi-line message, Enter sends it and goes back to the detail")
    func message() {
        var state = Self.live()
        _ = Reducer.reduce(&state, .data(.server(nil)))
        Fixture.press(&state, .char("i"))
        #expect(state.status?.text.hasPrefix("needs csm server") == true)
        state = Self.live()
        Fixture.press(&state, .enter, .char("i"))
        #expect(state.mode == .message(MessageDraft(session: "feature")))
        Fixture.press(&state, .char("h"), .char("i"), .ctrl("j"), .paste("second line"))
        #expect(Fixture.press(&state, .enter) == [.sendMessage(session: "feature", text: "hi\nsecond line")])
        #expect(state.mode == .detail(session: "feature"))
        Fixture.press(&state, .char("i"), .escape)
        #expect(state.mode == .detail(session: "feature") && state.status?.text == "Message not sent.")
    }

    @Test("e renames, links an issue and toggles the favorite in one request")
    func edit() {
        var state = Self.live()
        Fixture.press(&state, .char("e"))
        guard case let .edit(form) = state.mode else { Issue.record("no form"); return }
        #expect(form.name == "feature" && form.linear == "ENG-12" && form.favorite)
        for _ in 0..<7 { Fixture.press(&state, .backspace) }
        Fixture.press(&state, .paste("translate"))
        Fixture.press(&state, .enter)
        guard case let .edit(refused) = state.mode else { Issue.record("form closed"); return }
        #expect(refused.error == "A session named 'translate' is already declared.")
        Fixture.press(&state, .paste("-2"), .tab, .ctrl("u"), .paste("ENG-13"), .tab, .char(" "))
        #expect(
            Fixture.press(&state, .enter) == [
                .edit(EditRequest(session: "feature", rename: "translate-2", linear: "ENG-13", favorite: false))
            ])
        #expect(state.pendingSelection == "translate-2" && state.busy != nil)
        _ = Reducer.reduce(&state, .effect(.succeeded("done")))
        Fixture.press(&state, .char("e"), .enter)
        #expect(state.status?.text == "Nothing changed.")
    }

    @Test("R reconnects the selected session's agent, with or without a server")
    func reconnect() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char("R")) == [.reconnect(session: "feature")])
        #expect(state.busy == "Reconnecting 'feature'…")
        #expect(Fixture.press(&state, .char("R")).isEmpty, "busy")
        _ = Reducer.reduce(&state, .effect(.succeeded("Reconnected.")))
        #expect(state.busy == nil)
    }

    @Test("the footer shows the connection: live, reconnecting, observing")
    func footer() {
        var state = Self.live(columns: 100)
        #expect(Screen.render(state).lines.last?.plainText.hasSuffix("● live · csm server 127.0.0.1:3917 ") == true)
        _ = Reducer.reduce(&state, .data(.connection("reconnecting in 4 s (r: now) · connection refused")))
        #expect(Screen.render(state).lines.last?.plainText.contains("○ reconnecting in 4 s") == true)
        state.size = TerminalSize(columns: 60, rows: 24)
        let line = Screen.render(state).lines.last
        #expect(line.map { $0.width <= 60 } == true)
        #expect(line?.plainText.contains("○ reconnecting") == true)
    }

    @Test("x lists the session's scripts and runs the chosen one")
    func scripts() {
        var state = Self.live()
        Fixture.press(&state, .char("x"))
        #expect(state.status?.text.contains("has no scripts") == true)
        state.snapshot?.workspace.repos["app"]?.scripts = ["test": "swift test", "lint": "swiftlint"]
        Fixture.press(&state, .char("x"))
        guard case let .scripts(picker) = state.mode else { Issue.record("no picker"); return }
        #expect(picker.scripts.map(\.name) == ["lint", "test"])
        Fixture.press(&state, .down)
        #expect(Fixture.press(&state, .enter) == [.runScript(session: "feature", script: "test")])
    }

    @Test("m offers the branch's commits as the message, merges, then asks to archive")
    func merge() {
        var state = Self.live()
        #expect(Fixture.press(&state, .char("m")) == [.loadMergeMessage(session: "feature")])
        _ = Reducer.reduce(&state, .effect(.mergeMessage(session: "feature", "Merge csm/feature\n\n- add a test")))
        guard case let .merge(form) = state.mode else { Issue.record("no form"); return }
        #expect(form.message == "Merge csm/feature\n\n- add a test" && form.strategy == "merge")
        Fixture.press(&state, .right, .tab, .ctrl("j"), .paste("- and more"), .tab, .char(" "))
        #expect(
            Fixture.press(&state, .enter) == [
                .merge(
                    MergeRequest(
                        session: "feature", strategy: "squash",
                        message: "Merge csm/feature\n\n- add a test\n- and more", push: true))
            ])
        #expect(Reducer.reduce(&state, .effect(.merged(session: "feature", message: "Merged."))) == [.refresh])
        #expect(state.confirmation == .archive(session: "feature"))
        #expect(Fixture.press(&state, .char("y")) == [.archive(session: "feature")])
        // Declining keeps the merged session, and says so (nothing was cancelled).
        state.confirmation = .archive(session: "feature")
        #expect(Fixture.press(&state, .char("n")).isEmpty)
        #expect(state.status?.text.hasPrefix("Kept 'feature' (merged, not archived)") == true)
    }

    static let issues = [
        TaskIssue(
            id: "u1", identifier: "ENG-1", title: "Fix login", state: "In Progress", stateType: "started",
            url: "https://linear.app/x/ENG-1"),
        TaskIssue(id: "u2", identifier: "ENG-2", title: "Write docs", state: "Todo", stateType: "unstarted"),
        TaskIssue(id: "u3", identifier: "ENG-3", title: "Old idea", state: "Canceled", stateType: "canceled"),
    ]

    @Test("the Tasks tab loads my issues, filters, searches, opens one, changes its state and creates a session")
    func tasks() {
        var state = Self.live()
        #expect(Fixture.press(&state, .tab, .tab, .tab) == [.loadIssues])
        #expect(state.tab == .tasks)
        _ = Reducer.reduce(&state, .data(.linear(.issues(Self.issues))))
        #expect(state.tasks.visible.map(\.identifier) == ["ENG-1", "ENG-2", "ENG-3"])
        Fixture.press(&state, .char("2"))
        #expect(state.tasks.visible.map(\.identifier) == ["ENG-1"])
        Fixture.press(&state, .char("f"), .char("f"), .char("f"), .char("f"), .char("f"))
        #expect(state.tasks.filter == .all)
        Fixture.press(&state, .char("/"), .char("d"), .char("o"), .char("c"), .enter)
        #expect(state.tasks.visible.map(\.identifier) == ["ENG-2"])
        Fixture.press(&state, .escape)
        #expect(state.tasks.visible.count == 3)
        #expect(Fixture.press(&state, .enter) == [.loadIssue(id: "u1")])
        var detailed = Self.issues[0]
        detailed.description = "# Steps\n- open **/login**\n- see [the log](https://x)"
        _ = Reducer.reduce(&state, .data(.linear(.detail(detailed))))
        #expect(state.tasks.detail?.description != nil)
        #expect(Fixture.press(&state, .char("s")) == [.loadStates(issue: detailed)])
        let states = [
            TaskIssueState(id: "s1", name: "In Progress", type: "started"),
            TaskIssueState(id: "s2", name: "Done", type: "completed"),
        ]
        _ = Reducer.reduce(&state, .data(.linear(.states(issue: "u1", states))))
        #expect(state.tasks.statePicker?.index == 0)
        Fixture.press(&state, .down)
        #expect(Fixture.press(&state, .enter) == [.setIssueState(issue: detailed, state: states[1])])
        #expect(Fixture.press(&state, .char("o")) == [.openURL("https://linear.app/x/ENG-1")])
        Fixture.press(&state, .char("c"))
        guard case let .create(form) = state.mode else { Issue.record("no form"); return }
        #expect(
            form.linear == "ENG-1" && form.name == "eng-1-fix-login"
                && form.prompt == "Work on Linear issue ENG-1: Fix login (https://linear.app/x/ENG-1)")
        let effects = Fixture.press(&state, .enter)
        guard case let .create(request) = effects.first else { Issue.record("no create"); return }
        #expect(request.linear == "ENG-1" && request.name == "eng-1-fix-login" && state.tab == .sessions)
    }

    @Test("the create form searches Linear as the issue is typed and takes a result")
    func createWithIssue() {
        var state = Self.live()
        Fixture.press(&state, .char("c"))
        guard case let .create(plain) = state.mode else { Issue.record("no form"); return }
        #expect(plain.focus == .name, "no Issue field without a Linear key")
        Fixture.press(&state, .escape)
        state.snapshot?.workspace.integrations.linearAPIKey = "lin_key"
        Fixture.press(&state, .char("c"))
        guard case let .create(form) = state.mode else { Issue.record("no form"); return }
        #expect(form.focus == .linear)
        #expect(Fixture.press(&state, .char("l")).isEmpty, "one letter does not search")
        #expect(Fixture.press(&state, .char("o")) == [.searchIssues(query: "lo")])
        _ = Reducer.reduce(&state, .data(.linear(.search(query: "lo", Array(Self.issues.prefix(2))))))
        Fixture.press(&state, .down, .enter)
        guard case let .create(picked) = state.mode else { Issue.record("form closed"); return }
        #expect(picked.linear == "ENG-2" && picked.name == "eng-2-write-docs" && picked.focus == .name)
    }

    @Test("stream events are appended once, the agent's text kept, and without Linear the tab says why")
    func streamed() {
        var state = Self.live()
        let event = SessionEvent(id: 7, time: Fixture.now, kind: "tool_use", summary: "Bash ls")
        _ = Reducer.reduce(&state, .data(.sessionEvents(session: "feature", [event])))
        _ = Reducer.reduce(&state, .data(.sessionEvent(session: "feature", event)))
        _ = Reducer.reduce(
            &state, .data(.sessionEvent(session: "feature", SessionEvent(id: 8, time: nil, kind: "x", summary: ""))))
        #expect(state.events["feature"]?.compactMap(\.id) == [7, 8])
        _ = Reducer.reduce(&state, .data(.assistantText(session: "feature", "Looking at the tests.")))
        #expect(state.assistantText["feature"] == ["Looking at the tests."])
        _ = Reducer.reduce(&state, .data(.linear(.unavailable("Linear is not configured: set it."))))
        #expect(state.tasks.message == "Linear is not configured: set it.")
    }
}
