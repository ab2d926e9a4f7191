import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

@Suite("csm reconnect", .tags(.realTmux, .realGit), .timeLimit(.minutes(1)))
struct ReconnectTests {
    @Test("reconnect restarts the agent with --continue in the same tmux session")
    func reconnect() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  api:\n    repo: app\n    prompt: hello\n"))
            #expect(try await world.csm("apply").status == 0)
            #expect(await eventually { world.agentLaunches().count == 1 })
            let before = try runTool(
                "tmux", ["-L", world.tmuxSocket, "display-message", "-p", "-t", "=csm-api:", "#{session_id}"])
            let result = try await world.csm("reconnect", "api")
            #expect(result.status == 0, "\(result.combined)")
            #expect(result.stdout.contains("Reconnected api"))
            #expect(await eventually { world.agentLaunches().count == 2 })
            #expect(world.agentLaunches().last?.first == "--continue")
            let after = try runTool(
                "tmux", ["-L", world.tmuxSocket, "display-message", "-p", "-t", "=csm-api:", "#{session_id}"])
            #expect(before == after, "the tmux session is the same")
            #expect(try await world.csm("plan", "--detailed-exitcode").status == 0)
        }
    }

    @Test("reconnect names what is missing")
    func refusals() async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  api:\n    repo: app\n"))
            let undeclared = try await world.csm("reconnect", "nope")
            #expect(
                undeclared.status == 1
                    && undeclared.stderr.contains("no session named 'nope' in csm.yaml; declared: api."))
            let notRunning = try await world.csm("reconnect", "api")
            #expect(
                notRunning.status == 1 && notRunning.stderr.contains("run 'csm apply' to start it"),
                "\(notRunning.combined)")
        }
    }
}
