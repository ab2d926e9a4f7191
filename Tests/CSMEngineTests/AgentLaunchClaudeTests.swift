import CSMAgent
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("launching Claude Code: trust, resume fallback, permission mode")
struct AgentLaunchClaudeTests {
    func session(command: String = "claude", mode: PermissionMode = .default, home: URL) -> DesiredSession {
        DesiredSession(
            name: "a", workspace: "ws", host: "local", repo: "r", repoPath: "/r", worktreePath: "/wt/ws/a",
            branch: "csm/a", base: nil,
            agent: AgentSpec(command: command, env: ["HOME": home.path], permissionMode: mode),
            model: nil, prompt: "first prompt", env: [:], linear: nil, favorite: false)
    }

    func script(_ launch: AgentLaunch) throws -> String {
        try String(contentsOfFile: launch.layout.agentScript(workspace: "ws", session: "a"), encoding: .utf8)
    }

    @Test("a resume without a conversation starts the marker's conversation with the prompt; with one it continues")
    func resumeFallback() async throws {
        try await withTemporaryDirectory { dir in
            let home = dir.appendingPathComponent("home")
            let launch = AgentLaunch(
                layout: StateLayout(root: dir.appendingPathComponent("state").path), csmExecutable: "/bin/csm",
                environment: ["HOME": "/nonexistent"])
            _ = try launch.prepare(session(home: home), mode: .resume(fallbackSessionID: "1234"))
            #expect(try script(launch).contains("'--session-id' '1234'"))
            #expect(try script(launch).contains("'--' 'first prompt'"))

            let claudeHome = ClaudeHome(environment: ["HOME": home.path], fallbackHome: "/x")
            try FileManager.default.createDirectory(
                atPath: claudeHome.projectFolder(for: "/wt/ws/a"), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(
                atPath: claudeHome.transcriptPath(cwd: "/wt/ws/a", sessionID: "1234"), contents: Data())
            _ = try launch.prepare(session(mode: .acceptEdits, home: home), mode: .resume(fallbackSessionID: "1234"))
            let resumed = try script(launch)
            #expect(resumed.contains("'--continue'") && !resumed.contains("first prompt"))
            #expect(resumed.contains("'--permission-mode' 'acceptEdits'"))
            #expect(claudeHome.isTrusted("/wt/ws/a"), "the session's HOME wins over csm's")
        }
    }

    @Test("other agents, and launches without an environment, leave Claude Code's files alone")
    func otherAgents() async throws {
        try await withTemporaryDirectory { dir in
            let home = dir.appendingPathComponent("home")
            let layout = StateLayout(root: dir.appendingPathComponent("state").path)
            let withEnvironment = AgentLaunch(layout: layout, csmExecutable: "/bin/csm", environment: [:])
            _ = try withEnvironment.prepare(
                session(command: "/opt/bin/aider", home: home), mode: .resume(fallbackSessionID: "1"))
            #expect(try script(withEnvironment).contains("'--continue'"))
            let withoutEnvironment = AgentLaunch(layout: layout, csmExecutable: "/bin/csm")
            _ = try withoutEnvironment.prepare(session(home: home), mode: .resume(fallbackSessionID: "1"))
            #expect(try script(withoutEnvironment).contains("'--continue'"))
            #expect(!FileManager.default.fileExists(atPath: home.path + "/.claude.json"))
        }
    }
}
