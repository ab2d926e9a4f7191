import CSMEngine
import CSMModel
import Foundation
import Testing

@testable import CSMTUI

@Suite("reducer")
struct ReducerTests {
    @Test("sessions are grouped by repo, favorites first, and the first one is selected")
    func order() {
        let state = Fixture.state()
        #expect(
            state.visibleSessions.map(\.name) == [
                "feature", "a-session-with-a-rather-long-name-indeed", "translate", "old", "stray",
            ])
        #expect(state.selected == "feature")
    }

    @Test("j/k and arrows move the selection and stop at the ends")
    func navigation() {
        var state = Fixture.state()
        Fixture.press(&state, .char("j"), .down)
        #expect(state.selected == "translate")
        Fixture.press(&state, .down, .down, .down, .down)
        #expect(state.selected == "stray")
        Fixture.press(&state, .char("k"))
        #expect(state.selected == "old")
        Fixture.press(&state, .home)
        #expect(state.selected == "feature")
        Fixture.press(&state, .up)
        #expect(state.selected == "feature")
    }

    @Test("the selection survives a refresh, and falls back to the first session when it disappears")
    func selectionKept() {
        var state = Fixture.state()
        Fixture.press(&state, .down, .down)
        var snapshot = Fixture.snapshot
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        #expect(state.selected == "translate")
        snapshot.sessions.removeAll { $0.name == "translate" }
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        #expect(state.selected == "feature")
    }

    @Test("Tab and Shift-Tab cycle the tabs in both directions")
    func tabs() {
        var state = Fixture.state()
        Fixture.press(&state, .tab)
        #expect(state.tab == .repos)
        Fixture.press(&state, .tab, .tab, .tab)
        #expect(state.tab == .config)
        Fixture.press(&state, .tab)
        #expect(state.tab == .sessions)
        Fixture.press(&state, .backTab)
        #expect(state.tab == .config)
    }

    @Test("Enter opens the detail and loads its events; a snapshot reloads them; Esc goes back")
    func detail() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .enter) == [.loadEvents(session: "feature")])
        #expect(state.mode == .detail(session: "feature"))
        #expect(Reducer.reduce(&state, .data(.snapshot(Fixture.snapshot))) == [.loadEvents(session: "feature")])
        Fixture.press(&state, .escape)
        #expect(state.mode == .list)
    }

    @Test("K asks first; y kills, anything else cancels")
    func kill() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char("K")).isEmpty)
        #expect(state.confirmation == .kill(session: "feature"))
        #expect(Fixture.press(&state, .char("n")).isEmpty)
        #expect(state.confirmation == nil)
        #expect(state.status?.text == "Cancelled.")
        Fixture.press(&state, .char("K"))
        #expect(Fixture.press(&state, .char("y")) == [.kill(session: "feature")])
        #expect(state.busy != nil)
        #expect(
            Reducer.reduce(&state, .effect(.killRefused(session: "feature", reason: "it holds work"))) == [.refresh])
        #expect(state.busy == nil)
        #expect(
            state.status
                == StatusMessage(.error, "Refused: 'feature' was not killed and csm.yaml is unchanged: it holds work"))
    }

    @Test("sessions csm does not own are never killed or attached")
    func unmanaged() {
        var state = Fixture.state()
        state.selected = "stray"
        #expect(Fixture.press(&state, .char("K")).isEmpty)
        #expect(state.confirmation == nil)
        #expect(state.status?.text.contains("not owned") == true)
        #expect(Fixture.press(&state, .char("a")).isEmpty)
    }

    @Test("a and t attach the agent and terminal windows; a session without tmux is not attached")
    func attach() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char("a")) == [.attach(session: "feature", window: .agent)])
        #expect(Fixture.press(&state, .char("t")) == [.attach(session: "feature", window: .terminal)])
        state.selected = "a-session-with-a-rather-long-name-indeed"
        #expect(Fixture.press(&state, .char("a")).isEmpty)
        #expect(state.status?.text.contains("no tmux session") == true)
    }

    @Test("f toggles the favorite of a declared session")
    func favorite() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char("f")) == [.setFavorite(session: "feature", isFavorite: false)])
        state.selected = "translate"
        #expect(Fixture.press(&state, .char("f")) == [.setFavorite(session: "translate", isFavorite: true)])
        state.selected = "old"
        #expect(Fixture.press(&state, .char("f")).isEmpty)
    }

    @Test("A confirms a plan that destroys, and applies only what was confirmed")
    func apply() {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char("A")).isEmpty)
        #expect(state.confirmation == .apply(destroys: ["old"]))
        #expect(Fixture.press(&state, .char("y")) == [.apply(confirmedDestroys: ["old"])])
        #expect(Fixture.press(&state, .char("A")).isEmpty, "busy while the apply runs")
        _ = Reducer.reduce(&state, .effect(.succeeded("Apply complete: 1 added, 1 changed, 1 destroyed.")))
        var snapshot = Fixture.snapshot
        snapshot.plan = Plan(workspace: "demo", actions: [])
        _ = Reducer.reduce(&state, .data(.snapshot(snapshot)))
        Fixture.press(&state, .char("A"))
        #expect(state.status?.text == "Nothing to apply: in sync.")
    }

    @Test(
        "keys that need csm server say so when none feeds the dashboard",
        arguments: ["y", "n", "Y", "N", "v", "i"])
    func unavailable(key: String) {
        var state = Fixture.state()
        #expect(Fixture.press(&state, .char(Character(key))).isEmpty)
        let text = state.status?.text ?? ""
        #expect(text.hasPrefix("needs csm server"))
        Fixture.press(&state, .enter)
        Fixture.press(&state, .char(Character(key)))
        #expect(state.status?.text == text, "the same in the detail view")
    }

    @Test("/ filters by name, repo or branch; Esc clears")
    func filter() {
        var state = Fixture.state()
        Fixture.press(&state, .char("/"), .char("d"), .char("o"), .char("c"))
        #expect(state.mode == .filter)
        #expect(state.visibleSessions.map(\.name) == ["translate"])
        #expect(state.selected == "translate")
        Fixture.press(&state, .enter)
        #expect(state.mode == .list && state.filter == "doc")
        Fixture.press(&state, .escape)
        #expect(state.filter.isEmpty)
    }

    @Test("the create form edits fields, cycles repos, refuses bad names and submits a request")
    func create() {
        var state = Fixture.state()
        Fixture.press(&state, .char("c"))
        guard case let .create(form) = state.mode else { Issue.record("no form"); return }
        #expect(form.repo == "app", "the selected session's repo is preselected")
        Fixture.press(&state, .enter)
        guard case let .create(refused) = state.mode else { Issue.record("form closed"); return }
        #expect(refused.error == "A name is required.")
        for c in "feature" { Fixture.press(&state, .char(c)) }
        Fixture.press(&state, .enter)
        guard case let .create(duplicate) = state.mode else { Issue.record("form closed"); return }
        #expect(duplicate.error == "A session named 'feature' is already declared.")
        for _ in 0..<7 { Fixture.press(&state, .backspace) }
        for c in "new-one" { Fixture.press(&state, .char(c)) }
        // name → repo → host → branch → effort → prompt
        Fixture.press(&state, .tab, .right, .tab, .right, .tab, .paste("csm/x"), .tab, .right, .right, .right, .tab)
        Fixture.press(&state, .paste("write\ndocs"))
        #expect(
            Fixture.press(&state, .enter) == [
                .create(
                    CreateRequest(
                        name: "new-one", repo: "docs", branch: "csm/x", prompt: "write docs", host: "build",
                        effort: "high"))
            ])
        #expect(state.mode == .list && state.selected == "new-one")
        _ = Reducer.reduce(&state, .data(.snapshot(Fixture.snapshot)))
        var created = Fixture.snapshot
        created.sessions.append(
            SessionItem(
                row: SessionRow(
                    name: "new-one", status: .running, host: "local", branch: "csm/x",
                    worktree: "/w", tmuxSession: "csm-new-one", createdAt: Fixture.now, attached: false), repo: "docs"))
        _ = Reducer.reduce(&state, .data(.snapshot(created)))
        #expect(state.selected == "new-one", "the new session is selected once it shows up")
        Fixture.press(&state, .char("c"), .escape)
        #expect(state.mode == .list)
    }

    @Test("q, Ctrl-C and end of input quit from anywhere")
    func quit() {
        for key in [Key.char("q"), .ctrl("c"), .ctrl("d")] {
            var state = Fixture.state()
            Fixture.press(&state, .enter)
            #expect(Fixture.press(&state, key) == [.quit])
        }
        var state = Fixture.state()
        Fixture.press(&state, .char("c"))
        #expect(Fixture.press(&state, .char("q")).isEmpty, "q is text in the form")
        state = Fixture.state()
        state.busy = "Applying…"
        #expect(Fixture.press(&state, .char("q")).isEmpty, "q waits for a running apply")
        #expect(Fixture.press(&state, .ctrl("c")) == [.quit])
    }

    @Test("the detail view of a session that disappears goes back to the list")
    func detailGone() {
        var state = Fixture.state()
        Fixture.press(&state, .enter)
        var snapshot = Fixture.snapshot
        snapshot.sessions.removeAll { $0.name == "feature" }
        #expect(Reducer.reduce(&state, .data(.snapshot(snapshot))).isEmpty)
        #expect(state.mode == .list)
    }

    @Test("server events update sessions, events and approvals")
    func serverEvents() {
        var state = Fixture.state()
        let event = SessionEvent(time: Fixture.now, kind: "Stop", summary: "done")
        _ = Reducer.reduce(&state, .data(.sessionEvents(session: "feature", [event])))
        _ = Reducer.reduce(&state, .data(.sessionEvent(session: "feature", event)))
        #expect(state.events["feature"]?.count == 2)
        _ = Reducer.reduce(
            &state, .data(.approvalPending(PendingApproval(id: "1", session: "feature", tool: "Bash", input: "ls"))))
        #expect(state.approvals.count == 1)
        _ = Reducer.reduce(&state, .data(.approvalResolved(id: "1")))
        #expect(state.approvals.isEmpty)
        _ = Reducer.reduce(&state, .data(.failed("tmux went away")))
        #expect(state.dataError == "tmux went away")
    }

    @Test("p opens the preview and loads it; files are chosen, a diff opens, scrolls and closes")
    func preview() {
        var state = Fixture.state()
        #expect(
            Fixture.press(&state, .char("p")) == [.loadPreview(session: "feature"), .loadEvents(session: "feature")])
        let file = ChangedFile(path: "a.swift", status: "M", insertions: 3, deletions: 1, isCommitted: false)
        let committed = ChangedFile(path: "b.swift", status: "A", isCommitted: true)
        _ = Reducer.reduce(&state, .effect(.changes(session: "feature", uncommitted: [file], committed: [committed])))
        Fixture.press(&state, .down, .down)
        guard case let .preview(preview) = state.mode else { Issue.record("no preview"); return }
        #expect(preview.selection == 1 && !preview.isLoading)
        #expect(Fixture.press(&state, .char("d")) == [.loadDiff(session: "feature", file: committed)])
        _ = Reducer.reduce(&state, .effect(.diff(session: "feature", file: committed, lines: ["+a", "+b", "+c"])))
        Fixture.press(&state, .down, .down, .down, .down)
        guard case let .preview(scrolled) = state.mode else { Issue.record("no preview"); return }
        #expect(scrolled.diff?.scroll == 2, "scrolling stops at the last line")
        Fixture.press(&state, .escape)
        guard case let .preview(closed) = state.mode else { Issue.record("no preview"); return }
        #expect(closed.diff == nil)
        _ = Reducer.reduce(&state, .effect(.changes(session: "feature", uncommitted: [], committed: [committed])))
        guard case let .preview(reloaded) = state.mode else { Issue.record("no preview"); return }
        #expect(reloaded.selection == 0, "the selection follows the file")
        Fixture.press(&state, .escape)
        #expect(state.mode == .list)
        state.selected = "a-session-with-a-rather-long-name-indeed"
        #expect(Fixture.press(&state, .char("p")).isEmpty, "nothing to preview before the worktree exists")
    }

    @Test("a failed read is shown without ending a running action or observing again")
    func readFailure() {
        var state = Fixture.state()
        state.busy = "Applying…"
        #expect(Reducer.reduce(&state, .effect(.readFailed("git: not a repository"))).isEmpty)
        #expect(state.busy == "Applying…")
        #expect(state.status == StatusMessage(.error, "git: not a repository"))
        #expect(Reducer.reduce(&state, .effect(.failed("apply failed"))) == [.refresh])
        #expect(state.busy == nil)
    }
}
