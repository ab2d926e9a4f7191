@testable import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("TmuxCLI creating several sessions in one invocation", .tags(.realTmux), .timeLimit(.minutes(2)))
struct TmuxBatchTests {
    func request(_ name: String, spec: String = "h1") -> TmuxSessionRequest {
        TmuxSessionRequest(
            name: name, workingDirectory: "/",
            windows: [TmuxWindow(name: "claude", command: ["sleep", "60"], remainOnExit: true), TmuxWindow(name: "terminal", command: ["sleep", "60"])],
            environment: [:], options: ["@csm-workspace": "ws", "@csm-session": String(name.dropFirst(4)), "@csm-spec": spec])
    }

    @Test("every session of a batch is created whole, with its options and windows")
    func batch() async throws {
        try await withTmuxServer { tmux, _ in
            let names = (0..<12).map { "csm-s\($0)" }
            let errors = await tmux.createSessions(names.map { request($0) })
            #expect(errors.allSatisfy { $0 == nil })
            let sessions = try await tmux.listSessions()
            #expect(sessions.map(\.tmuxName).sorted() == names.sorted())
            #expect(sessions.allSatisfy { $0.windowCount == 2 && $0.workspace == "ws" && $0.specHash == "h1" && $0.isAgentRunning })
        }
    }

    @Test("a failing session gets its own error; the others of its batch are created")
    func failureInTheMiddle() async throws {
        try await withTmuxServer { tmux, _ in
            try await tmux.createSession(request("csm-b", spec: "old"))
            let errors = await tmux.createSessions(["csm-a", "csm-b", "csm-c"].map { request($0) })
            #expect(errors[0] == nil && errors[2] == nil)
            #expect((errors[1] as? TmuxError) == .sessionExists(name: "csm-b"))
            let sessions = try await tmux.listSessions()
            #expect(sessions.map(\.tmuxName).sorted() == ["csm-a", "csm-b", "csm-c"])
            #expect(sessions.first { $0.tmuxName == "csm-b" }?.specHash == "old", "the existing session is left alone")
        }
    }

    @Test("a request without windows fails alone")
    func invalidRequest() async throws {
        try await withTmuxServer { tmux, _ in
            var empty = request("csm-empty")
            empty.windows = []
            let errors = await tmux.createSessions([request("csm-a"), empty, request("csm-c")])
            #expect(errors[0] == nil && errors[2] == nil)
            #expect((errors[1] as? TmuxError) == .noWindows(session: "csm-empty"))
        }
    }
}
