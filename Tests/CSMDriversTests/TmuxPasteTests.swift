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

    @Test("many panes are read in one go; a session gone meanwhile is left out, the others still read")
    func capturePanes() async throws {
        try await withTmuxServer { tmux, _ in
            for name in ["csm-a", "csm-b", "csm-c"] {
                try await tmux.createSession(
                    TmuxSessionRequest(
                        name: name, workingDirectory: "/",
                        windows: [TmuxWindow(name: "claude", command: ["sh", "-c", "echo pane of \(name); sleep 30"])],
                        environment: [:], options: [:]))
            }
            let all = ["csm-a", "csm-b", "csm-c"]
            #expect(await eventually { (await tmux.capturePanes(sessions: all, window: "claude"))["csm-c"]?.contains("pane of csm-c") == true })
            let texts = await tmux.capturePanes(sessions: all, window: "claude")
            for name in all {
                #expect(texts[name]?.contains("pane of \(name)") == true, "\(name): \(String(describing: texts[name]))")
                #expect(texts[name]?.contains("csm-pane-") == false, "no separator left in \(name)'s text")
            }
            let partial = await tmux.capturePanes(sessions: ["csm-a", "csm-gone", "csm-c"], window: "claude")
            #expect(Set(partial.keys) == ["csm-a", "csm-c"])
            #expect(partial["csm-c"]?.contains("pane of csm-c") == true)
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
