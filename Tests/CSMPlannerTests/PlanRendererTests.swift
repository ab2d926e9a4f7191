import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Testing

@Suite("Plan rendering")
struct PlanRendererTests {
    /// One action of every kind.
    static var mixedPlan: Plan {
        let newSession = Fixture.desired("api", model: "opus")
        let stopped = Fixture.desired("web")
        let changed = Fixture.desired("worker", model: "sonnet")
        let lost = Fixture.desired("docs")
        let actual = ActualState(
            tmuxSessions: [Fixture.tmux(changed, spec: "old"), Fixture.tmux(lost), Fixture.tmux(Fixture.desired("old"))],
            worktrees: [Fixture.worktree("web"), Fixture.worktree("worker"), Fixture.worktree("old"),
                        Fixture.worktree("dirty", uncommitted: 1, untracked: 2, unique: 1)])
        return Fixture.plan([newSession, stopped, changed, lost], actual)
    }

    @Test("text plan of every action kind matches the golden file")
    func goldenText() throws {
        try expectGolden(PlanRenderer.text(Self.mixedPlan), named: "plan-mixed.txt")
    }

    @Test("an empty plan says there are no changes")
    func noChanges() {
        #expect(PlanRenderer.text(Plan(workspace: "ws", actions: [])) == "No changes. Workspace 'ws' matches csm.yaml.\n")
    }

    @Test("the JSON plan carries the summary and every action")
    func json() throws {
        let text = try PlanRenderer.json(Self.mixedPlan)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["summary"] as? [String: Int] == ["add": 1, "change": 3, "destroy": 1, "blocked": 1])
        #expect((document["actions"] as? [Any])?.count == 6)
    }

    @Test("colour appears only when enabled")
    func colour() {
        #expect(!PlanRenderer.text(Self.mixedPlan).contains("\u{1B}["))
        #expect(PlanRenderer.text(Self.mixedPlan, style: TextStyle(isEnabled: true)).contains("\u{1B}[32m+"))
    }

    @Test("shell quoting round-trips awkward words")
    func quoting() {
        #expect(ShellQuote.displayWord("plain-word_1.2") == "plain-word_1.2")
        #expect(ShellQuote.displayWord("it's $HOME; rm") == "'it'\\''s $HOME; rm'")
        #expect(ShellQuote.displayWord("") == "''")
    }
}
