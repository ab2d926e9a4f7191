import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

/// Runs `csm server` for the world on a free loopback port until `body` returns.
func withServer<T>(_ world: CSMWorld, _ body: (CSMProcess) async throws -> T) async throws -> T {
    let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
    defer { server.stop() }
    let address = world.stateDir.appendingPathComponent("workspaces/e2e/server.json").path
    let started = await eventually(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: address) }
    #expect(started, "the server never wrote server.json:\n\(server.text)")
    return try await body(server)
}

@Suite("csm tui against csm server", .tags(.realTmux, .realGit), .timeLimit(.minutes(3)))
struct TUIServerEndToEndTests {
    @Test("a tool request from scripted hook events is approved with y; a message reaches the agent's pane")
    func approval() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  alpha:\n    repo: app\n"))
            try await withServer(world) { _ in
                let running = await eventually(timeout: .seconds(60)) {
                    (try? await world.tmux.listSessions().contains { $0.tmuxName == "csm-alpha" }) == true
                }
                #expect(running)
                try await withTUI(world) { ui in
                    await ui.waitFor("live · csm server 127.0.0.1:", "alpha", timeout: .seconds(30))
                    // What Claude Code's PreToolUse hook sends, delivered by `csm hook` as in a real session.
                    let payload = #"""
                        {"hook_event_name":"PreToolUse","session_id":"s-1","transcript_path":"/nonexistent.jsonl",
                         "cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"make deploy"},"tool_use_id":"tu-1"}
                        """#
                    let hook = try CSMProcess(
                        world: world,
                        arguments: [
                            "hook", "--workspace", "e2e", "--session", "alpha", "--state-dir", world.stateDir.path,
                        ],
                        input: Data(payload.utf8))
                    defer { hook.stop() }
                    await ui.waitFor("1 tool approval pending — alpha: Bash [v to view]", timeout: .seconds(20))
                    try ui.press("v")
                    await ui.waitFor("Approval needed: Bash", "make deploy", "y allow")
                    try ui.press("y")
                    let answered = await eventually(timeout: .seconds(20)) { childExit(hook.process.processIdentifier) != nil }
                    #expect(answered, "csm hook still waits:\n\(ui.screen())")
                    #expect(hook.text.contains(#""permissionDecision":"allow""#), "\(hook.text)")
                    await ui.waitFor("approval_decided", "allowed")
                    #expect(!ui.screen().contains("tool approval pending"))

                    try ui.press("i")
                    await ui.waitFor("Message to alpha")
                    try ui.type("hello from the dashboard")
                    try ui.press("C-j")
                    try ui.type("and a second line")
                    await ui.waitFor("│ hello from the dashboard", "│ and a second line")
                    try ui.press("Enter")
                    await ui.waitFor("Sent to 'alpha'.", "message.sent")
                    let pasted = await eventually(timeout: .seconds(10)) {
                        ((try? runTool(
                            "tmux", ["-L", world.tmuxSocket, "capture-pane", "-p", "-t", "csm-alpha:claude"])) ?? "")
                            .contains("and a second line")
                    }
                    #expect(pasted, "the message reached the agent's pane")
                    try ui.press("q")
                    await ui.waitFor("csm-exit=0")
                }
            }
        }
    }

    @Test("creating through the form, detail, resize, attach and return, and cooked mode after q — with a server")
    func createDetailAttach() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config())
            try await withServer(world) { _ in
                try await withTUI(world, columns: 100, rows: 30) { ui in
                    await ui.waitFor(
                        "live · csm server 127.0.0.1:", "No sessions in workspace 'e2e'", timeout: .seconds(30))
                    try ui.press("c")
                    await ui.waitFor("New session", "Effort")
                    try ui.type("made")
                    for _ in 0..<5 { try ui.press("Tab") }  // repo, host, branch, effort, prompt
                    try ui.type("write the docs")
                    try ui.press("Enter")
                    await ui.waitFor("Created 'made'", timeout: .seconds(30))
                    #expect(try world.readConfig().contains("  made:\n    repo: app\n    prompt: write the docs\n"))
                    #expect(try await world.tmux.listSessions().contains { $0.tmuxName == "csm-made" })
                    await ui.waitFor("TURNS", "COST", "made")

                    try ui.press("Enter")
                    await ui.waitFor("Session made", "Events  (live from csm server)", "session.action")
                    _ = try ui.tmux("resize-window", "-t", "ui", "-x", "130", "-y", "30")
                    await ui.waitFor("i message · a/t attach · R reconnect")
                    _ = try ui.tmux("resize-window", "-t", "ui", "-x", "60", "-y", "20")
                    await ui.waitFor("Session made")
                    #expect(ui.screen().split(separator: "\n").allSatisfy { $0.count <= 60 })

                    try ui.press("a")
                    let attached = await eventually {
                        (try? runTool("tmux", ["-L", world.tmuxSocket, "list-clients", "-F", "#{client_session}"]))?
                            .contains("csm-made") == true
                    }
                    #expect(attached, "\(ui.screen())")
                    _ = try runTool("tmux", ["-L", world.tmuxSocket, "detach-client", "-s", "csm-made"])
                    await ui.waitFor("Back from 'made'", "Session made")
                    try ui.press("q")
                    await ui.waitFor("csm-exit=0")
                    try await ui.expectCookedMode()
                }
            }
        }
    }
}
