import CSMAgent
import CSMTestSupport
import Foundation
import Testing

@Suite("transcript tailer")
struct TranscriptTailerTests {
    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    var allEvents: [String] {
        get throws {
            try fixtureLines().compactMap(TranscriptParser.parse(line:)).flatMap(\.entries).map { summary($0.event) }
        }
    }

    @Test("a file created late and growing in odd chunks, torn lines included, yields every event once")
    func growing() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("t.jsonl")
            let tailer = TranscriptTailer(path: file.path)
            #expect(await tailer.poll().isEmpty, "no file yet")
            let text = try fixtureLines().joined(separator: "\n") + "\n"
            var seen: [String] = []
            var rest = Substring(text)
            var chunk = 1
            while !rest.isEmpty {
                // Chunks of growing prime-ish sizes cut lines (and multi-byte characters' lines) anywhere.
                let piece = rest.prefix(chunk * 977)
                rest = rest.dropFirst(piece.count)
                try append(String(piece), to: file)
                seen += await tailer.poll().map { summary($0.event) }
                chunk += 1
            }
            #expect(try seen == allEvents)
            let usage = await tailer.usage
            #expect(usage.turnCount == 2 && usage.tokens.outputTokens == 160)
        }
    }

    @Test("a half-written last line waits for its newline")
    func partialLine() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("t.jsonl")
            let tailer = TranscriptTailer(path: file.path)
            try append(#"{"type":"user","uuid":"u1","message":{"content":"hel"#, to: file)
            #expect(await tailer.poll().isEmpty)
            try append(#"lo"}}"# + "\n", to: file)
            #expect(await tailer.poll().map(\.event) == [.userPrompt(text: "hello")])
            #expect(await tailer.poll().isEmpty, "nothing new")
        }
    }

    @Test("a restart with a new file that copies old records reports only what is new")
    func newFile() async throws {
        try await withTemporaryDirectory { dir in
            let lines = try fixtureLines()
            let split = lines.firstIndex { $0.contains("Now a second message") }!
            let first = dir.appendingPathComponent("a.jsonl")
            try append(lines[..<split].joined(separator: "\n") + "\n", to: first)
            let tailer = TranscriptTailer(path: first.path)
            let before = await tailer.poll().count
            let second = dir.appendingPathComponent("b.jsonl")
            try append(lines.joined(separator: "\n") + "\n", to: second)
            await tailer.follow(second.path)
            let after = await tailer.poll().map { summary($0.event) }
            #expect(try before + after.count == allEvents.count)
            #expect(after.first == "prompt: Now a second message\nspanning two lines")
            #expect(await tailer.usage.turnCount == 2, "copied prompts are not counted again")
        }
    }

    @Test("a file replaced in place is read from its start")
    func replaced() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("t.jsonl")
            try append(#"{"type":"user","uuid":"u1","message":{"content":"one"}}"# + "\n", to: file)
            let tailer = TranscriptTailer(path: file.path)
            #expect(await tailer.poll().count == 1)
            let replacement = dir.appendingPathComponent("new.jsonl")
            try append(#"{"type":"user","uuid":"u2","message":{"content":"two"}}"# + "\n", to: replacement)
            #expect(rename(replacement.path, file.path) == 0)
            #expect(await tailer.poll().map(\.event) == [.userPrompt(text: "two")])
        }
    }

    @Test("updates yield batches as the file grows")
    func updates() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("t.jsonl")
            let tailer = TranscriptTailer(path: file.path)
            let stream = tailer.updates(every: .milliseconds(20), clock: ContinuousClock())
            try append(#"{"type":"user","uuid":"u1","message":{"content":"streamed"}}"# + "\n", to: file)
            var iterator = stream.makeAsyncIterator()
            let batch = await iterator.next()
            #expect(batch?.map(\.event) == [.userPrompt(text: "streamed")])
        }
    }
}
