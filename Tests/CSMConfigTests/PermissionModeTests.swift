import CSMConfig
import CSMModel
import Testing

@Suite("agent.permissionMode")
struct PermissionModeTests {
    @Test("defaults to default; a session overrides the workspace default")
    func decoding() throws {
        let text = """
            version: 1
            workspace: w
            defaults:
              agent: {permissionMode: acceptEdits}
            repos: {api: {path: /a}}
            sessions:
              a: {repo: api}
              b: {repo: api, agent: {permissionMode: plan}}
            """
        let workspace = try parse(text)
        #expect(workspace.defaults.agent.permissionMode == .acceptEdits)
        let sessions = workspace.resolvedSessions()
        #expect(sessions.map(\.agent.permissionMode) == [.acceptEdits, .plan])
        #expect(try parse("version: 1\nworkspace: w\n").defaults.agent.permissionMode == .default)
    }

    @Test("an unknown mode is a diagnostic with a suggestion")
    func unknown() {
        let problems = diagnostics("version: 1\nworkspace: w\ndefaults:\n  agent: {permissionMode: acceptedits}\n")
        #expect(
            problems.first?.message.hasPrefix("invalid value 'acceptedits' for 'defaults.agent.permissionMode'") == true
        )
        #expect(problems.first?.hint == "did you mean 'acceptEdits'?")
    }

    @Test("only a non-default mode changes the spec hash, so existing sessions are not restarted")
    func specHash() {
        func session(_ mode: PermissionMode) -> DesiredSession {
            DesiredSession(
                name: "a", workspace: "w", host: "local", repo: "r", repoPath: "/r", worktreePath: "/wt/a",
                branch: "csm/a", base: nil, agent: AgentSpec(permissionMode: mode), model: nil, prompt: nil,
                env: [:], linear: nil, favorite: false)
        }
        // The hash as computed before the setting existed: command, model, path.
        let legacy = StableHash.fnv1a64(["cmd=claude", "model=", "path=/wt/a"].joined(separator: "\u{0}"))
        #expect(session(.default).specHash == legacy)
        #expect(session(.plan).specHash != legacy)
    }
}
