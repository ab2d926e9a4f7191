@testable import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("TmuxCLI against the real tmux", .tags(.realTmux), .timeLimit(.minutes(2)))
struct TmuxCLITests {
    @Test("no server running lists no sessions")
    func emptyServer() async throws {
        try await withTmuxServer { tmux, _ in
            let sessions = try await tmux.listSessions()
            #expect(sessions.isEmpty)
        }
    }

    @Test("a created session carries its csm options, windows and working directory")
    func createAndList() async throws {
        try await withTemporaryDirectory { dir in
            try await withTmuxServer { tmux, socket in
                let request = TmuxSessionRequest(
                    name: "csm-api", workingDirectory: dir.path,
                    windows: [TmuxWindow(name: "claude", command: ["sleep", "60"], remainOnExit: true), TmuxWindow(name: "terminal", command: nil)],
                    environment: ["CSM_X": "a b"], options: ["@csm-workspace": "ws", "@csm-session": "api", "@csm-spec": "h1"])
                try await tmux.createSession(request)
                let sessions = try await tmux.listSessions()
                #expect(sessions.count == 1)
                let s = try #require(sessions.first)
                #expect(s.tmuxName == "csm-api" && s.workspace == "ws" && s.session == "api" && s.specHash == "h1")
                #expect(s.windowCount == 2 && s.isAgentRunning && !s.isAttached)
                #expect(s.createdAt != nil)
                let windows = try runTool("tmux", ["-L", socket, "list-windows", "-t", "=csm-api", "-F", "#{window_name} #{pane_current_path}"])
                #expect(windows == "claude \(dir.path)\nterminal \(dir.path)\n")
                let env = try runTool("tmux", ["-L", socket, "show-environment", "-t", "=csm-api", "CSM_X"])
                #expect(env == "CSM_X=a b\n")
            }
        }
    }

    @Test("an agent that exits leaves a dead pane that is reported as not running")
    func deadPane() async throws {
        try await withTmuxServer { tmux, _ in
            try await tmux.createSession(TmuxSessionRequest(
                name: "csm-quick", workingDirectory: "/", windows: [TmuxWindow(name: "claude", command: ["true"], remainOnExit: true)],
                environment: [:], options: ["@csm-workspace": "ws", "@csm-session": "quick"]))
            let exited = try await eventually { try await tmux.listSessions().first?.isAgentRunning == false }
            #expect(exited)
        }
    }

    @Test("kill uses exact names and tolerates a missing session")
    func killExact() async throws {
        try await withTmuxServer { tmux, _ in
            for name in ["csm-api", "csm-api2"] {
                try await tmux.createSession(TmuxSessionRequest(name: name, workingDirectory: "/", windows: [TmuxWindow(name: "w", command: ["sleep", "60"])],
                                                                environment: [:], options: [:]))
            }
            try await tmux.killSession(named: "csm-api")
            let names = try await tmux.listSessions().map(\.tmuxName)
            #expect(names == ["csm-api2"])
            try await tmux.killSession(named: "csm-api")
            try await tmux.killSession(named: "csm-nothing")
        }
    }

    @Test("a duplicate name is a clear error")
    func duplicate() async throws {
        try await withTmuxServer { tmux, _ in
            let request = TmuxSessionRequest(name: "csm-a", workingDirectory: "/", windows: [TmuxWindow(name: "w", command: ["sleep", "60"])],
                                             environment: [:], options: [:])
            try await tmux.createSession(request)
            await #expect(throws: TmuxError.sessionExists(name: "csm-a")) { try await tmux.createSession(request) }
        }
    }

    @Test("arguments tmux would split at ';' are refused")
    func separators() async throws {
        #expect(throws: TmuxError.unsafeArgument("x;")) { try TmuxCLI.checkSeparators(["a", ";", "x;"]) }
    }

    @Test("list output with foreign sessions and odd lines parses defensively")
    func parsing() {
        let out = "csm-a\t1700000000\t1\t2\tws\ta\th\t0\nweird line\nmine\t1700000000\t0\t1\t\t\t\t1\n"
        let sessions = TmuxCLI.parseSessions(out, host: "local")
        #expect(sessions.count == 2)
        #expect(sessions[0].isAttached && sessions[0].isOwned(by: "ws"))
        #expect(sessions[1].workspace == nil && !sessions[1].isAgentRunning)
    }
}
