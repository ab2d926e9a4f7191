import CSMModel
/// Something that happened in a Claude Code conversation, read from its transcript.
public enum TranscriptEvent: Sendable, Equatable {
    /// A prompt a person (or csm, pasting a message) submitted.
    case userPrompt(text: String)
    /// Text the assistant wrote.
    case assistantText(text: String)
    /// A tool the assistant called.
    case toolUse(id: String, name: String, input: JSONValue)
    /// What a tool returned (`isError` for failures and denials).
    case toolResult(toolUseID: String, content: String, isError: Bool)
    /// An API error or an error Claude Code reported.
    case error(message: String)
}

/// One event with the record it came from.
public struct TranscriptEntry: Sendable, Equatable {
    /// The record's `uuid` (several events can share one record).
    public var uuid: String?
    /// ISO 8601 timestamp as Claude Code wrote it.
    public var timestamp: String?
    /// Claude Code's conversation id (`sessionId`).
    public var sessionID: String?
    public var event: TranscriptEvent

    public init(uuid: String?, timestamp: String?, sessionID: String?, event: TranscriptEvent) {
        self.uuid = uuid
        self.timestamp = timestamp
        self.sessionID = sessionID
        self.event = event
    }
}

/// Token usage of one or more model calls.
public struct TokenUsage: Sendable, Equatable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheCreationTokens: Int
    public var cacheReadTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationTokens: Int = 0, cacheReadTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.cacheReadTokens = cacheReadTokens
    }

    /// Reads an Anthropic `usage` object.
    public init(_ usage: JSONValue) {
        self.init(
            inputTokens: usage["input_tokens"]?.intValue ?? 0, outputTokens: usage["output_tokens"]?.intValue ?? 0,
            cacheCreationTokens: usage["cache_creation_input_tokens"]?.intValue ?? 0,
            cacheReadTokens: usage["cache_read_input_tokens"]?.intValue ?? 0)
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
            cacheCreationTokens: lhs.cacheCreationTokens + rhs.cacheCreationTokens,
            cacheReadTokens: lhs.cacheReadTokens + rhs.cacheReadTokens)
    }

    /// All tokens counted.
    public var total: Int { inputTokens + outputTokens + cacheCreationTokens + cacheReadTokens }
}
