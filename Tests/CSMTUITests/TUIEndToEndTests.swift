import CSMAgent
import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

/// The built `csm` running in a pane of its own tmux server (the "terminal"), managing sessions on the
/// world's private tmux server; driven with send-keys and read with capture-pane.
struct TUIPane {
    let world: CSMWorld
    let socket: String

    func tmux(_ arguments: String...) throws -> String {
        try runTool("tmux", ["-L", socket] + arguments)
    }

    /// The pane's text as shown now.
    func screen() -> String { (try? tmux("capture-pane", "-p", "-t", "ui")) ?? "" }

    /// Named keys (`Enter`, `Tab`, `Escape`, `j`) one per call, so Esc is never read as part of a sequence.
    func press(_ keys: String...) throws {
        for key in keys { _ = try tmux("send-keys", "-t", "ui", key) }
    }

    /// Runs `stty -a` in the pane's shell and checks the terminal is back in cooked mode.
    func expectCookedMode(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try type("stty -a")
        try press("Enter")
        await waitFor("icanon")
        let words = Set(screen().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(
            words.contains("icanon") && words.contains("echo"), "cooked mode:\n\(screen())",
            sourceLocation: sourceLocation)
    }

    func type(_ text: String) throws { _ = try tmux("send-keys", "-t", "ui", "-l", text) }

    /// Waits until the screen contains all of `texts`; records the screen when it never does.
    @discardableResult
    func waitFor(
        _ texts: String..., timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation
    ) async -> Bool {
        let shown = await eventually(timeout: timeout) { texts.allSatisfy { screen().contains($0) } }
        if !shown { Issue.record("screen never showed \(texts):\n\(screen())", sourceLocation: sourceLocation) }
        return shown
    }

    /// The line of the screen holding `text`.
    func line(containing text: String) -> String? {
        screen().split(separator: "\n").first { $0.contains(text) }.map(String.init)
    }
}

/// Starts `csm` (no arguments) in a `columns`×`rows` pane in the world's folder and removes the pane's tmux
/// server afterwards.
func withTUI<T>(_ world: CSMWorld, columns: Int = 100, rows: Int = 30, _ body: (TUIPane) async throws -> T) async throws
    -> T
{
    let pane = TUIPane(world: world, socket: "csm-tui-\(UUID().uuidString.prefix(8).lowercased())")
    defer { killTmuxServer(socket: pane.socket) }
    // argv, not one string: tmux then execs it directly instead of through `$SHELL -c`, so the pane's
    // process is the interactive sh whatever $SHELL is (a `dash -c` would stay in between).
    _ = try pane.tmux(
        "new-session", "-d", "-x", String(columns), "-y", String(rows), "-s", "ui", "-c", world.root.path,
        "env", "CSM_TMUX_SOCKET=\(world.tmuxSocket)", "CSM_STATE_DIR=\(world.stateDir.path)", "PS1=$ ", "sh")
    // The exit line tells the test that csm has given the terminal back (a prompt alone is not enough: capture-pane
    // trims its trailing space, and it may print before or after the typed command's echo).
    try pane.type(CSMWorld.binary + "; echo csm-exit=$?")
    try pane.press("Enter")
    return try await body(pane)
}

@Suite("csm tui end to end", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct TUIEndToEndTests {
    static let twoSessions = "  feature:\n    repo: app\n    prompt: first\n  second:\n    repo: app\n"

    @Test("tabs, navigation, detail with the hook log, and cooked mode after q")
    func navigation() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: Self.twoSessions))
            #expect(try await world.csm("apply").status == 0)
            let log = world.stateDir.appendingPathComponent("workspaces/e2e/sessions/feature/hooks.jsonl")
            try FileManager.default.createDirectory(
                at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(
                #"{"payload":{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"make check"}},"ts":"2026-11-25T04:00:00Z"}"#
                    .utf8 + [10]
            ).write(to: log)
            try await withTUI(world) { ui in
                await ui.waitFor("workspace e2e", "✓ in sync", "feature", "second")
                #expect(ui.line(containing: "feature")?.contains("▸") == true)
                try ui.press("j")
                await ui.waitFor("▸   second")
                try ui.press("Tab")
                await ui.waitFor("SESSIONS  PATH")
                try ui.press("BTab")
                try ui.press("BTab")
                await ui.waitFor("Source \(world.configFile.path)", "workspace: e2e")
                try ui.press("BTab")
                await ui.waitFor("Linear is not configured")
                try ui.press("Tab")
                try ui.press("Tab")
                try ui.press("k")
                try ui.press("Enter")
                await ui.waitFor("Session feature", "Worktree", "Events", "PreToolUse", "Bash make check")
                try ui.press("y")
                await ui.waitFor("needs csm server")
                try ui.press("Escape")
                await ui.waitFor("NAME", "STATUS")
                try ui.press("q")
                await ui.waitFor("csm-exit=0")
                try await ui.expectCookedMode()
                #expect(!ui.screen().contains("\u{1B}[?1049h"))
            }
        }
    }

    @Test("creating through the form, the kill refusal on a dirty worktree, then the kill")
    func createAndKill() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            try await withTUI(world) { ui in
                await ui.waitFor("No sessions in workspace 'e2e'")
                try ui.press("c")
                await ui.waitFor("New session")
                try ui.type("made")
                for _ in 0..<5 { try ui.press("Tab") }  // repo, host, branch, effort, prompt
                try ui.type("write the docs")
                try ui.press("Enter")
                await ui.waitFor("Created 'made'", timeout: .seconds(20))
                #expect(try world.readConfig().contains("  made:\n    repo: app\n    prompt: write the docs\n"))
                #expect(try await world.tmux.listSessions().contains { $0.tmuxName == "csm-made" })
                await ui.waitFor("● running")

                let worktree = world.worktreeBase.appendingPathComponent("e2e/made")
                try Data("draft\n".utf8).write(to: worktree.appendingPathComponent("draft.txt"))
                try ui.press("K")
                await ui.waitFor("Kill 'made'? [y/N]")
                try ui.press("y")
                await ui.waitFor("Refused: 'made' was not killed", "1 untracked file", timeout: .seconds(20))
                #expect(try world.readConfig().contains("made:"), "a refused kill leaves csm.yaml alone")
                #expect(FileManager.default.fileExists(atPath: worktree.path))

                try FileManager.default.removeItem(at: worktree.appendingPathComponent("draft.txt"))
                try ui.press("K")
                try ui.press("y")
                await ui.waitFor("Killed 'made'", timeout: .seconds(20))
                #expect(!(try world.readConfig().contains("made:")))
                #expect(!FileManager.default.fileExists(atPath: worktree.path))
                #expect(try await world.tmux.listSessions().isEmpty)
            }
        }
    }

    @Test(
        "attach leaves the UI and returns with the selection kept; the preview's diff; resize redraws at the new width")
    func attachAndResize() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: Self.twoSessions))
            #expect(try await world.csm("apply").status == 0)
            try await withTUI(world) { ui in
                await ui.waitFor("✓ in sync", "second")
                try ui.press("j")
                await ui.waitFor("▸   second")
                try ui.press("a")
                let attached = await eventually {
                    (try? runTool("tmux", ["-L", world.tmuxSocket, "list-clients", "-F", "#{client_session}"]))?
                        .contains("csm-second") == true
                }
                #expect(attached, "\(ui.screen())")
                #expect(!ui.screen().contains("workspace e2e"), "the UI left the screen to tmux")
                _ = try runTool("tmux", ["-L", world.tmuxSocket, "detach-client", "-s", "csm-second"])
                await ui.waitFor("Back from 'second'", "▸   second")

                let worktree = world.worktreeBase.appendingPathComponent("e2e/second")
                try Data("draft line\n".utf8).write(to: worktree.appendingPathComponent("draft.txt"))
                try ui.press("p")
                await ui.waitFor("Preview second", "? draft.txt", "Last message")
                try ui.press("d")
                await ui.waitFor("diff draft.txt", "+draft line")
                try ui.press("Escape")
                try ui.press("Escape")
                await ui.waitFor("NAME", "STATUS")

                _ = try ui.tmux("resize-window", "-t", "ui", "-x", "60", "-y", "20")
                await ui.waitFor("↑↓ ⏎ a t c K f P A / r")
                #expect(ui.screen().split(separator: "\n").allSatisfy { $0.count <= 60 })
                _ = try ui.tmux("resize-window", "-t", "ui", "-x", "200", "-y", "30")
                await ui.waitFor("observing every 5 s · no server", "LAST MESSAGE")
                try ui.press("q")
            }
        }
    }

    @Test("the changes column shows the branch's diff stats; turns and cost come from the transcript without a server")
    func changesAndUsage() async throws {
        try await withCSMWorld { world in
            let claude = world.root.appendingPathComponent("claude")
            let sessions =
                "  feature:\n    repo: app\n    env:\n      CLAUDE_CONFIG_DIR: \(claude.path)\n  second:\n    repo: app\n"
            try world.writeConfig(world.config(sessions: sessions))
            #expect(try await world.csm("apply").status == 0)
            let worktree = world.worktreeBase.appendingPathComponent("e2e/feature")
            // Committed on the branch: a new file of 2 lines and README changed; untracked: 3 lines.
            try Data("one\ntwo\n".utf8).write(to: worktree.appendingPathComponent("committed.txt"))
            try Data("# app, changed\n".utf8).write(to: worktree.appendingPathComponent("README.md"))
            try world.git("add", ".", in: worktree)
            try world.git("commit", "-q", "-m", "work", in: worktree)
            try Data("a\nb\nc\n".utf8).write(to: worktree.appendingPathComponent("notes.txt"))
            // The numbers git gives for the same work.
            try world.git("add", "--intent-to-add", "notes.txt", in: worktree)
            let shortstat = try world.git("diff", "--shortstat", "main", in: worktree)
            #expect(shortstat.contains("3 files changed, 6 insertions(+), 1 deletion(-)"), "\(shortstat)")
            try world.git("reset", "-q", "notes.txt", in: worktree)

            let transcript = fixturesDirectory.appendingPathComponent("transcripts/conversation-two-turns.jsonl")
            var usage = SessionUsage()
            for line in try String(contentsOf: transcript, encoding: .utf8).split(separator: "\n") {
                if let record = TranscriptParser.parse(line: String(line)) { usage.add(record) }
            }
            let folder = ClaudeHome(configDirectory: claude.path, globalConfigFile: claude.path + "/.claude.json")
                .projectFolder(for: worktree.path)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: transcript.path, toPath: folder + "/conversation.jsonl")

            try await withTUI(world, columns: 200) { ui in
                await ui.waitFor("3 files +6 \u{2212}1", "TURNS", "COST")
                let row = ui.line(containing: "feature") ?? ""
                #expect(row.contains(" \(usage.turnCount) "), "\(row)")
                #expect(row.contains(String(format: "$%.2f", usage.costUSD)), "\(row)")
                #expect(ui.line(containing: "second")?.contains("clean") == true, "\(ui.screen())")
                // The agent edits a file: its hook log grows and the next poll shows the new numbers.
                try Data("a\nb\nc\nd\n".utf8).write(to: worktree.appendingPathComponent("notes.txt"))
                let log = world.stateDir.appendingPathComponent("workspaces/e2e/sessions/feature/hooks.jsonl")
                try FileManager.default.createDirectory(
                    at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(
                    #"{"payload":{"hook_event_name":"PostToolUse","tool_name":"Write","tool_input":{"file_path":"notes.txt"}},"ts":"2026-11-25T04:00:00Z"}"#
                        .utf8 + [10]
                ).write(to: log)
                await ui.waitFor("3 files +7 \u{2212}1")
                try ui.press("q")
                await ui.waitFor("csm-exit=0")
            }
        }
    }

    @Test("SIGTERM restores the terminal and exits 143; without a terminal, csm prints the list")
    func signalAndNoTerminal() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: Self.twoSessions))
            #expect(try await world.csm("apply").status == 0)
            let plain = try await world.csm()
            #expect(plain.status == 0, "\(plain.combined)")
            #expect(
                plain.stdout.hasPrefix(
                    "NAME     STATUS   BRANCH       HOST   AGE\nfeature  running  csm/feature  local"),
                "\(plain.stdout)")
            try await withTUI(world) { ui in
                await ui.waitFor("✓ in sync")
                let shell = try ui.tmux("display-message", "-p", "-t", "ui", "#{pane_pid}").trimmingCharacters(
                    in: .whitespacesAndNewlines)
                let csm = try runTool("pgrep", ["-P", shell]).trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try runTool("kill", ["-TERM", csm])
                await ui.waitFor("csm-exit=143")
                try await ui.expectCookedMode()
            }
        }
    }

    @Test("f edits favorites in csm.yaml; A confirms a destroy, then applies")
    func favoriteAndApply() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: Self.twoSessions))
            #expect(try await world.csm("apply").status == 0)
            try await withTUI(world) { ui in
                await ui.waitFor("✓ in sync", "second")
                try ui.press("f")
                await ui.waitFor("'feature' is a favorite.", "★ feature")
                #expect(try world.readConfig().hasSuffix("favorites:\n  - feature\n"))

                try world.writeConfig(
                    try world.readConfig().replacingOccurrences(of: "  second:\n    repo: app\n", with: ""))
                try ui.press("r")
                await ui.waitFor("1 change pending")
                try ui.press("P")
                await ui.waitFor("- session \"second\"")
                try ui.press("A")
                await ui.waitFor("Apply destroys second. Continue? [y/N]")
                try ui.press("y")
                await ui.waitFor("Apply complete: 0 added, 0 changed, 1 destroyed.", timeout: .seconds(20))
                await ui.waitFor("✓ in sync")
                #expect(try await world.tmux.listSessions().map(\.tmuxName) == ["csm-feature"])
                try ui.press("q")
                await ui.waitFor("csm-exit=0")
            }
        }
    }
}
