import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("pasting messages into a tmux pane", .tags(.realTmux), .timeLimit(.minutes(1)))
struct TmuxPasteTests {
    @Test("a multi-line message with shell characters arrives intact and is submitted once")
    func multiLine() async throws {
        try await withTemporaryDirectory { dir in
            try await withTmuxServer { tmux, socket in
                let out = dir.appendingPathComponent("received.txt")
                try await tmux.createSession(
                    TmuxSessionRequest(
                        name: "csm-paste", workingDirectory: dir.path,
                        windows: [TmuxWindow(name: "claude", command: ["sh", "-c", "exec cat > '\(out.path)'"])],
                        environment: [:], options: [:]))
                let message =
                    "first line\nsecond 'quoted' \"double\" $HOME `id` $(id)\n\tthird; echo not run && exit\n\n"
                try await tmux.paste(message, session: "csm-paste", window: "claude")
                let expected =
                    "first line\nsecond 'quoted' \"double\" $HOME `id` $(id)\n\tthird; echo not run && exit\n"
                let arrived = await eventually { (try? String(contentsOf: out, encoding: .utf8)) == expected }
                #expect(arrived, "got: \(String(describing: try? String(contentsOf: out, encoding: .utf8)))")
                #expect(try await tmux.capturePane(session: "csm-paste", window: "claude").contains("second 'quoted'"))
                let buffers = try runTool("tmux", ["-L", socket, "list-buffers"])
                #expect(buffers.isEmpty, "the paste buffer is deleted after use")
            }
        }
    }

    @Test("pasting into a missing session names it")
    func missing() async throws {
        try await withTmuxServer { tmux, _ in
            try await tmux.createSession(
                TmuxSessionRequest(
                    name: "csm-other", workingDirectory: "/",
                    windows: [TmuxWindow(name: "w", command: ["sleep", "30"])],
                    environment: [:], options: [:]))
            await #expect(throws: TmuxError.noSuchSession(name: "csm-gone:claude")) {
                try await tmux.paste("hi", session: "csm-gone", window: "claude")
            }
        }
    }
}
