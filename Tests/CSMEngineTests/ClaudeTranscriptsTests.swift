import CSMTestSupport
import Foundation
import Testing

@testable import CSMEngine

@Suite("Claude Code transcript folders")
struct ClaudeTranscriptsTests {
    @Test("the folder key replaces every non-alphanumeric character; CLAUDE_CONFIG_DIR wins over HOME")
    func folder() {
        #expect(
            ClaudeTranscripts.projectFolder(forWorkingDirectory: "/w/e2e/my.app_1", environment: ["HOME": "/h"])
                == "/h/.claude/projects/-w-e2e-my-app-1")
        #expect(
            ClaudeTranscripts.projectFolder(
                forWorkingDirectory: "/a", environment: ["HOME": "/h", "CLAUDE_CONFIG_DIR": "/c"])
                == "/c/projects/-a")
    }

    @Test("conversations are copied to the moved folder's key, never over an existing one")
    func carryOver() async throws {
        try await withTemporaryDirectory { home in
            let env = ["HOME": home.path]
            let old = try #require(ClaudeTranscripts.projectFolder(forWorkingDirectory: "/w/old", environment: env))
            try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: old + "/id.jsonl"))
            #expect(ClaudeTranscripts.carryOver(from: "/w/old", to: "/w/new", environment: env))
            #expect(FileManager.default.fileExists(atPath: home.path + "/.claude/projects/-w-new/id.jsonl"))
            #expect(FileManager.default.fileExists(atPath: old + "/id.jsonl"))
            #expect(!ClaudeTranscripts.carryOver(from: "/w/old", to: "/w/new", environment: env))
        }
    }
}
