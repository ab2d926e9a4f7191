import CSMEngine
import CSMModel
import Testing

@Suite("CLAUDE.md context section")
struct ContextFileTests {
    let section = ContextFile.startMarker + "\nnew\n" + ContextFile.endMarker + "\n"

    @Test("appended after the project's content, replaced in place, removed cleanly")
    func merging() {
        let project = "# Rules\nUse tabs."
        let added = ContextFile.merged(project, section: section)
        #expect(added == "# Rules\nUse tabs.\n\n" + section)
        let replaced = ContextFile.merged(
            added.replacingOccurrences(of: "\nnew\n", with: "\nold\n") + "after\n", section: section)
        #expect(replaced == "# Rules\nUse tabs.\n\n" + section + "after\n")
        #expect(ContextFile.merged(added, section: nil) == "# Rules\nUse tabs.\n")
        #expect(ContextFile.merged("", section: section) == section)
    }

    @Test("the section holds the Linear key and the context text; none without them")
    func sectionText() {
        let plain = DesiredSession(
            name: "s", workspace: "w", host: "local", repo: "r", repoPath: "/r", worktreePath: "/w/s",
            branch: "csm/s", base: nil, agent: AgentSpec(), model: nil, prompt: nil, env: [:], linear: nil,
            favorite: false)
        #expect(ContextFile.section(for: plain) == nil)
        var withContext = plain
        withContext.linear = "ENG-9"
        withContext.context = "Be brief."
        let text = ContextFile.section(for: withContext) ?? ""
        #expect(text.hasPrefix(ContextFile.startMarker) && text.hasSuffix(ContextFile.endMarker + "\n"))
        #expect(text.contains("ENG-9") && text.contains("Be brief."))
    }
}

@Suite("CLAUDE.md issue details")
struct ContextFileIssueTests {
    @Test("with the issue read from Linear, the section carries title, status, URL and description")
    func issueDetails() {
        let session = DesiredSession(
            name: "s", workspace: "w", host: "local", repo: "r", repoPath: "/r", worktreePath: "/w/s",
            branch: "csm/s", base: nil, agent: AgentSpec(), model: nil, prompt: nil, env: [:], linear: "ENG-1",
            favorite: false)
        let issue = IssueContext(
            identifier: "ENG-1", title: "Fix the login page", state: "In Progress", url: "https://linear.app/t/ENG-1",
            description: "Users cannot log in.")
        let text = ContextFile.section(for: session, issue: issue) ?? ""
        #expect(text.contains("## Linear issue ENG-1: Fix the login page\n"))
        #expect(text.contains("- Status: In Progress\n- URL: https://linear.app/t/ENG-1\n"))
        #expect(text.contains("### Description\n\nUsers cannot log in.\n"))
        #expect(ContextFile.section(for: session)?.contains("## Linear issue ENG-1\n") == true)
    }
}
