import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

/// tmux states met under faults (found by Schemathesis against a live server).
@Suite("tmux under faults", .tags(.realTmux, .faults), .timeLimit(.minutes(1)))
struct TmuxFaultTests {
    @Test("a tmux server without sessions lists none instead of failing with 'no current target'")
    func emptyServer() async throws {
        try await withTmuxServer { tmux, socket in
            try runTool("tmux", ["-L", socket, "start-server", ";", "set-option", "-g", "exit-empty", "off"])
            #expect(try await tmux.listSessions().isEmpty)
        }
    }

    @Test("pasting into a session of a server that has none left is 'no such session', not a tmux failure")
    func pasteIntoEmptyServer() async throws {
        try await withTmuxServer { tmux, socket in
            try runTool("tmux", ["-L", socket, "start-server", ";", "set-option", "-g", "exit-empty", "off"])
            await #expect(throws: TmuxError.self) { try await tmux.paste("hi", session: "csm-gone", window: "claude") }
            do {
                try await tmux.paste("hi", session: "csm-gone", window: "claude")
            } catch TmuxError.noSuchSession {
                // expected
            } catch {
                Issue.record("expected noSuchSession, got \(error)")
            }
        }
    }
}
