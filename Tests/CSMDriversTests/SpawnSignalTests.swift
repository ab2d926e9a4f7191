import CSMDrivers
import Foundation
import Testing

@Suite("spawned programs' signals")
struct SpawnSignalTests {
    @Test("a spawned program blocks no signal and does not ignore SIGPIPE or SIGHUP (tmux kill-server, Ctrl-C)")
    func cleanSignalState() async throws {
        let result = try await SpawnProcessRunner().run("/bin/sh", ["-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"])
        let fields = Dictionary(
            uniqueKeysWithValues: result.stdout.split(separator: "\n").map { line -> (String, UInt64) in
                let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts[0], UInt64(parts[1], radix: 16) ?? .max)
            })
        #expect(fields["SigBlk"] == 0, "\(result.stdout)")
        let ignored = try #require(fields["SigIgn"])
        for signal in [SIGHUP, SIGINT, SIGPIPE, SIGTERM] {
            #expect(ignored & (1 << UInt64(signal - 1)) == 0, "signal \(signal) ignored: \(result.stdout)")
        }
    }
}
