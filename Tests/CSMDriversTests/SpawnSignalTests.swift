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

    @Test("a cancelled run stops its program and what it started (its process group), and throws CancellationError")
    func cancelStopsProcessGroup() async throws {
        let nap = "600.\(Int.random(in: 1000...9999))"
        let runner = SpawnProcessRunner(
            cancellation: ProcessCancellation(grace: .milliseconds(100), killAfter: .seconds(2)), isolatesProcessGroup: true)
        let run = Task { try await runner.run("/bin/sh", ["-c", "sleep \(nap) & wait"]) }
        #expect(await eventually(timeout: .seconds(30)) { sleeping(nap) }, "the program never started")
        run.cancel()
        await #expect(throws: CancellationError.self) { _ = try await run.value }
        #expect(!sleeping(nap), "the program's child outlived the cancelled run")
        #expect(RunningChildren.entries.allSatisfy { !$0.argv.joined(separator: " ").contains(nap) })
    }

    @Test("a cancelled run whose program ends within the grace period returns its result")
    func cancelWithinGrace() async throws {
        let runner = SpawnProcessRunner(cancellation: ProcessCancellation(grace: .seconds(60), killAfter: .seconds(2)))
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("csm-grace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        // Runs until the test lets it finish, after cancelling it.
        let run = Task { try await runner.run("/bin/sh", ["-c", "while [ ! -e '\(marker.path)' ]; do sleep 0.05; done; echo done"]) }
        #expect(await eventually(timeout: .seconds(30)) { !RunningChildren.entries.filter { $0.argv.joined().contains(marker.path) }.isEmpty })
        run.cancel()
        FileManager.default.createFile(atPath: marker.path, contents: Data())
        let result = try await run.value
        #expect(result.stdout == "done\n" && result.status == 0)
    }

    @Test("a run cancelled before it starts never starts its program")
    func cancelledBeforeStart() async throws {
        let run = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await SpawnProcessRunner().run("/bin/sh", ["-c", "echo started"])
        }
        await #expect(throws: CancellationError.self) { _ = try await run.value }
    }
}

/// Whether `sleep DURATION` runs (read from /proc), for a unique duration.
private func sleeping(_ duration: String) -> Bool {
    let wanted = "sleep\0\(duration)\0"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.contains { entry in
        guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
        else { return false }
        return String(decoding: data, as: UTF8.self) == wanted
    }
}
