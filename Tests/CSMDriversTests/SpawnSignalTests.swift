import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("signals of spawned programs", .tags(.realTmux), .timeLimit(.minutes(1)))
struct SpawnSignalTests {
    @Test("a spawned program starts with no signal blocked")
    func mask() async throws {
        let result = try await SpawnProcessRunner().run("/bin/sh", ["-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"])
        #expect(result.stdout.contains("SigBlk:\t0000000000000000"), "\(result.stdout)")
        // Signals 1-31 (HUP, INT, TERM, PIPE, …) are not ignored; glibc keeps its internal ones (32, 33).
        let ignored = result.stdout.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(ignored.map { $0 & 0x7fff_ffff } == 0, "\(result.stdout)")
    }

    @Test("killing the tmux server ends the programs in its panes")
    func killServer() async throws {
        var panePID: pid_t = 0
        try await withTmuxServer { tmux, socket in
            try await tmux.createSession(
                TmuxSessionRequest(
                    name: "csm-sig", workingDirectory: "/",
                    windows: [TmuxWindow(name: "claude", command: ["sleep", "300"])],
                    environment: [:], options: [:]))
            let pid = try runTool(
                "tmux", ["-L", socket, "display-message", "-p", "-t", "=csm-sig:claude", "#{pane_pid}"])
            panePID = try #require(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        #expect(await eventually { kill(panePID, 0) != 0 }, "the pane's program \(panePID) outlived kill-server")
    }
}
