import CSMModel
import Foundation

/// Reads Claude Code transcript records (one JSON object per line) into events and usage. Pure: it never
/// touches the disk; `TranscriptTailer` feeds it lines.
///
/// Record shapes (Claude Code 2.1.x): `type: "user"` with `message.content` a string (a prompt) or blocks
/// (`text`, `tool_result`); `type: "assistant"` with `message.{id, model, content, usage}`, where ONE
/// API message is written as several records (one per content block) that all repeat its `usage`;
/// `type: "system"` with a `level` and `content`. Everything else (attachments, snapshots, `mode`,
/// `cost-state`, `api-request*`) is bookkeeping and yields nothing. Unknown or malformed lines are skipped.
public enum TranscriptParser {
    /// The result of reading one record.
    public struct Record: Sendable, Equatable {
        public var entries: [TranscriptEntry]
        /// The API message this record belongs to, with its model and usage (assistant records only).
        public var message: (id: String, model: String?, usage: TokenUsage)?

        public static func == (lhs: Record, rhs: Record) -> Bool {
            lhs.entries == rhs.entries && lhs.message?.id == rhs.message?.id && lhs.message?.model == rhs.message?.model
                && lhs.message?.usage == rhs.message?.usage
        }
    }

    /// Parses one line; nil when it is not a JSON object.
    public static func parse(line: String) -> Record? {
        guard let value = JSONValue.parse(line), value.objectValue != nil else { return nil }
        return parse(record: value)
    }

    /// Parses one decoded record.
    public static func parse(record: JSONValue) -> Record {
        let uuid = record["uuid"]?.stringValue
        let timestamp = record["timestamp"]?.stringValue
        let sessionID = record["sessionId"]?.stringValue
        func entry(_ event: TranscriptEvent) -> TranscriptEntry {
            TranscriptEntry(uuid: uuid, timestamp: timestamp, sessionID: sessionID, event: event)
        }
        switch record["type"]?.stringValue {
        case "user":
            return Record(entries: userEvents(record).map(entry), message: nil)
        case "assistant":
            let message = record["message"] ?? .null
            var events: [TranscriptEvent] = []
            if record["isApiErrorMessage"] == .bool(true) || record["error"] != nil {
                let text = textOf(message["content"]) ?? record["error"]?.stringValue ?? "API error"
                return Record(entries: [entry(.error(message: text))], message: nil)
            }
            for block in message["content"]?.arrayValue ?? [] {
                switch block["type"]?.stringValue {
                case "text":
                    if let text = block["text"]?.stringValue, !text.isEmpty {
                        events.append(.assistantText(text: text))
                    }
                case "tool_use":
                    events.append(
                        .toolUse(
                            id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? "",
                            input: block["input"] ?? .object([:])))
                default:
                    continue
                }
            }
            let info = message["id"]?.stringValue.map {
                (id: $0, model: message["model"]?.stringValue, usage: TokenUsage(message["usage"] ?? .null))
            }
            return Record(entries: events.map(entry), message: info)
        case "system":
            guard record["level"]?.stringValue == "error", let text = record["content"]?.stringValue else {
                return Record(entries: [], message: nil)
            }
            return Record(entries: [entry(.error(message: text))], message: nil)
        default:
            return Record(entries: [], message: nil)
        }
    }

    static func userEvents(_ record: JSONValue) -> [TranscriptEvent] {
        // Meta records are context Claude Code injected (command output, reminders), not a prompt.
        if record["isMeta"] == .bool(true) { return [] }
        let content = record["message"]?["content"]
        if let text = content?.stringValue { return text.isEmpty ? [] : [.userPrompt(text: text)] }
        var events: [TranscriptEvent] = []
        var prompt: [String] = []
        for block in content?.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "tool_result":
                events.append(
                    .toolResult(
                        toolUseID: block["tool_use_id"]?.stringValue ?? "",
                        content: textOf(block["content"]) ?? "", isError: block["is_error"] == .bool(true)))
            case "text":
                if let text = block["text"]?.stringValue { prompt.append(text) }
            default:
                continue
            }
        }
        if !prompt.isEmpty { events.insert(.userPrompt(text: prompt.joined(separator: "\n")), at: 0) }
        return events
    }

    /// A string, or the text blocks of a content array joined by newlines.
    static func textOf(_ content: JSONValue?) -> String? {
        if let text = content?.stringValue { return text }
        let texts =
            content?.arrayValue?.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil } ?? []
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }
}
