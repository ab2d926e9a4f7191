import CSMAgent
import CSMTestSupport
import Foundation
import Testing

@testable import CSMTUI

/// Turns and cost without a server: the newest transcript of each local session, read incrementally.
@Suite("transcript usage without a server")
struct TranscriptUsageTests {
    static let transcript = fixturesDirectory.appendingPathComponent("transcripts/conversation-two-turns.jsonl")

    /// The usage of the fixture's first `count` lines, as the server's tailer counts it.
    static func expected(lines count: Int) throws -> SessionUsage {
        var usage = SessionUsage()
        let lines = try String(contentsOf: transcript, encoding: .utf8).split(separator: "\n").prefix(count)
        for line in lines { if let record = TranscriptParser.parse(line: String(line)) { usage.add(record) } }
        return usage
    }

    @Test("the first turn, then the second as it is appended, then a newer transcript continuing it")
    func incremental() async throws {
        try await withTemporaryDirectory(prefix: "csm-transcripts") { root in
            let home = ClaudeHome(configDirectory: root.path, globalConfigFile: root.path + "/.claude.json")
            let folder = home.projectFolder(for: "/work/trees/demo/feature")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let lines = try String(contentsOf: Self.transcript, encoding: .utf8).split(separator: "\n")
            let first = folder + "/first.jsonl"
            // The first turn, and half a line of the second (a transcript being written).
            let half = String(lines[36].prefix(40))
            try Data((lines[..<36].joined(separator: "\n") + "\n" + half).utf8).write(to: URL(fileURLWithPath: first))
            let usage = TranscriptUsage(environment: ["CLAUDE_CONFIG_DIR": root.path])

            let one = try #require(await usage.agents(of: Fixture.workspace)["feature"])
            let expectedOne = try Self.expected(lines: 36)
            #expect(one.turns == 1 && one.turns == expectedOne.turnCount && one.costUSD == expectedOne.costUSD)
            #expect(one.model == "claude-opus-5-5" && one.status.isEmpty)
            #expect(await usage.agents(of: Fixture.workspace)["translate"] == nil, "no transcript, no numbers")

            // The rest is appended: only it is read, and the half line is completed.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: first))
            try handle.seekToEnd()
            try handle.write(
                contentsOf: Data(
                    (String(lines[36].dropFirst(40)) + "\n" + lines[37...].joined(separator: "\n") + "\n").utf8))
            try handle.close()
            let two = try #require(await usage.agents(of: Fixture.workspace)["feature"])
            let all = try Self.expected(lines: lines.count)
            #expect(two.turns == 2 && two.turns == all.turnCount && two.costUSD == all.costUSD)

            // The agent restarts with --continue: a newer file repeating the old records counts them once.
            let second = folder + "/second.jsonl"
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: second))
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: second)
            #expect(TranscriptUsage.newestTranscript(in: folder) == second)
            let again = try #require(await usage.agents(of: Fixture.workspace)["feature"])
            #expect(again.turns == all.turnCount && again.costUSD == all.costUSD)
        }
    }
}
