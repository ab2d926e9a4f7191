import CSMDrivers
import CSMTestSupport
import Foundation
import Testing

@Suite("spawned programs' signals", .tags(.realTmux), .timeLimit(.minutes(1)))
struct SpawnSignalTests {
    @Test("a tmux server started through the runner exits on kill-server (no signal blocked or ignored)")
    func killServerWorks() async throws {
        try await withTmuxServer { tmux, socket in
            let window = TmuxWindow(name: "agent", command: ["sleep", "100"])
            try await tmux.createSession(
                TmuxSessionRequest(
                    name: "csm-x", workingDirectory: "/", windows: [window], environment: [:], options: [:]))
            let pid = try #require(
                Int32(
                    try runTool("tmux", ["-L", socket, "display-message", "-p", "#{pid}"]).trimmingCharacters(
                        in: .whitespacesAndNewlines)))
            let status = String(
                decoding: (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/status"))) ?? Data(), as: UTF8.self)
            #expect(status.contains("SigBlk:\t0000000000000000"), "\(status)")
            _ = try runTool("tmux", ["-L", socket, "kill-server"])
            #expect(await eventually { kill(pid, 0) != 0 }, "the tmux server is gone")
        }
    }
}
