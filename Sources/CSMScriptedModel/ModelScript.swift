import Foundation

/// One content block the scripted model answers with.
public enum ModelBlock: Sendable, Equatable {
    case text(String)
    /// A `tool_use` block; `inputJSON` is the tool's input object as JSON text.
    case toolUse(id: String, name: String, inputJSON: String)

    /// A `Bash` tool call running `command`.
    public static func bash(_ command: String, id: String = "toolu_\(UUID().uuidString.prefix(8).lowercased())")
        -> ModelBlock
    {
        let input =
            (try? JSONSerialization.data(
                withJSONObject: ["command": command, "description": "scripted command"],
                options: [.sortedKeys])) ?? Data("{}".utf8)
        return .toolUse(id: id, name: "Bash", inputJSON: String(decoding: input, as: UTF8.self))
    }
}

/// One assistant message the scripted model plays for one main-loop request (a request offering tools).
public struct ModelTurn: Sendable, Equatable {
    public var blocks: [ModelBlock]
    /// Reported token usage: input, output, cache creation and cache read tokens.
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheCreationTokens: Int
    public var cacheReadTokens: Int

    public init(
        _ blocks: [ModelBlock], inputTokens: Int = 1200, outputTokens: Int = 40, cacheCreationTokens: Int = 300,
        cacheReadTokens: Int = 500
    ) {
        self.blocks = blocks
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.cacheReadTokens = cacheReadTokens
    }

    /// `tool_use` when the turn asks for a tool, else `end_turn`.
    public var stopReason: String {
        blocks.contains { if case .toolUse = $0 { true } else { false } } ? "tool_use" : "end_turn"
    }
}

/// An HTTP request the scripted model received.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    /// Path with query (`/v1/messages?beta=true`).
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: String

    /// Whether this is a Messages API call (not `count_tokens`).
    public var isMessages: Bool { method == "POST" && (path == "/v1/messages" || path.hasPrefix("/v1/messages?")) }

    /// The decoded JSON body, when it is JSON.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    /// Whether the request offers tools: Claude Code's main loop does; side calls (titles) do not.
    public var offersTools: Bool { ((json?["tools"] as? [Any])?.isEmpty == false) }

    /// Whether the client asked for a streamed (SSE) answer.
    public var isStreaming: Bool { (json?["stream"] as? Bool) == true }
}
