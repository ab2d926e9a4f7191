import CSMAgent
import CSMTestSupport
import Foundation
import Testing

/// A short, id-free description of an event, to compare recorded transcripts whose ids vary per run.
func summary(_ event: TranscriptEvent) -> String {
    switch event {
    case let .userPrompt(text): "prompt: \(text)"
    case let .assistantText(text): "text: \(text)"
    case let .toolUse(_, name, input): "tool: \(name) \(input["command"]?.stringValue ?? "")"
    case let .toolResult(_, content, isError): (isError ? "error result: " : "result: ") + content
    case let .error(message): "error: \(message)"
    }
}

let recordedTranscript = fixturesDirectory.appendingPathComponent("transcripts/conversation-two-turns.jsonl")

func fixtureLines() throws -> [String] {
    try String(contentsOf: recordedTranscript, encoding: .utf8).split(separator: "\n").map(String.init)
}

@Suite("transcript parser")
struct TranscriptParserTests {
    @Test("a real two-turn transcript reads as prompts, texts, tool calls and results in order")
    func recordedEvents() throws {
        let events = try fixtureLines().compactMap(TranscriptParser.parse(line:)).flatMap(\.entries).map {
            summary($0.event)
        }
        #expect(
            events == [
                "prompt: Please create created.txt for me",
                "text: I will create the file.",
                "tool: Bash touch created.txt",
                "result: (Bash completed with no output)",
                "text: Created created.txt.",
                "prompt: Now a second message\nspanning two lines",
                "text: Trying a folder that is not there.",
                "tool: Bash touch missing/x.txt",
                "error result: Exit code 1\ntouch: cannot touch 'missing/x.txt': No such file or directory",
                "text: Second answer.",
            ])
    }

    @Test("usage counts each API message once although Claude Code repeats it per content block")
    func recordedUsage() throws {
        var usage = SessionUsage()
        for line in try fixtureLines() {
            if let record = TranscriptParser.parse(line: line) { usage.add(record) }
        }
        #expect(usage.model == "claude-opus-5-5")
        #expect(usage.turnCount == 2)
        #expect(
            usage.tokens
                == TokenUsage(inputTokens: 4800, outputTokens: 160, cacheCreationTokens: 1200, cacheReadTokens: 2000))
        #expect(abs(usage.costUSD - 0.0365) < 1e-9, "\(usage.costUSD)")
        #expect(usage.unpricedModels.isEmpty)
    }

    @Test("entries carry the record's uuid, time and conversation id")
    func entryFields() throws {
        let first = try #require(fixtureLines().compactMap(TranscriptParser.parse(line:)).flatMap(\.entries).first)
        #expect(first.uuid != nil && first.timestamp?.hasPrefix("20") == true)
        #expect(first.sessionID.flatMap(UUID.init(uuidString:)) != nil)
    }

    @Test("meta records, bookkeeping and malformed lines yield nothing; errors are events")
    func synthetic() {
        #expect(TranscriptParser.parse(line: "not json") == nil)
        #expect(
            TranscriptParser.parse(line: #"{"type":"user","isMeta":true,"message":{"content":"<command-name>"}}"#)?
                .entries == [])
        #expect(TranscriptParser.parse(line: #"{"type":"cost-state","totalCostUSD":1}"#)?.entries == [])
        let apiError = TranscriptParser.parse(
            line:
                #"{"type":"assistant","isApiErrorMessage":true,"message":{"id":"m","content":[{"type":"text","text":"API Error: 500"}]}}"#
        )
        #expect(apiError?.entries.map(\.event) == [.error(message: "API Error: 500")])
        #expect(apiError?.message == nil, "an error message costs nothing")
        let systemError = TranscriptParser.parse(line: #"{"type":"system","level":"error","content":"hook failed"}"#)
        #expect(systemError?.entries.map(\.event) == [.error(message: "hook failed")])
        let textBlocks = TranscriptParser.parse(
            line: #"{"type":"user","message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}"#)
        #expect(textBlocks?.entries.map(\.event) == [.userPrompt(text: "a\nb")])
    }

    @Test("prices by family, overridable; unknown models are counted but not priced")
    func prices() {
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        #expect(PriceTable.standard.price(for: "claude-sonnet-4-5-20250929")?.cost(of: usage) == 18)
        #expect(PriceTable.standard.price(for: "claude-3-5-haiku")?.cost(of: usage) == 6)
        let custom = PriceTable.standard.overriding([
            "sonnet": ModelPrice(input: 1, output: 1, cacheWrite: 0, cacheRead: 0)
        ])
        #expect(custom.price(for: "claude-sonnet-4")?.cost(of: usage) == 2)
        #expect(PriceTable.standard.price(for: "gpt-5") == nil)
        var session = SessionUsage()
        session.add(
            TranscriptParser.parse(
                record: .object([
                    "type": "assistant",
                    "message": .object([
                        "id": "m1", "model": "local-llama", "usage": .object(["output_tokens": 7]),
                    ]),
                ])))
        #expect(session.tokens.outputTokens == 7 && session.costUSD == 0 && session.unpricedModels == ["local-llama"])
    }
}

@Suite("transcript of hook decisions")
struct DecisionTranscriptTests {
    @Test("a tool denied by a PreToolUse hook is an error result carrying the reason")
    func denied() throws {
        let url = fixturesDirectory.appendingPathComponent("transcripts/tool-decisions.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let events = lines.compactMap(TranscriptParser.parse(line:)).flatMap(\.entries).map { summary($0.event) }
        #expect(
            events == [
                "prompt: make three files",
                "text: First.", "tool: Bash touch denied.txt",
                "error result: PreToolUse:Bash hook error: Denied by csm rule 3",
                "text: Second.", "tool: Bash touch allowed.txt > /dev/null", "result: (Bash completed with no output)",
                "text: Third.", "tool: Bash touch asked.txt > /dev/null", "result: (Bash completed with no output)",
                "text: Done.",
            ])
    }
}
