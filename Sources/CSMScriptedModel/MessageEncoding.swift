import Foundation

/// Turns a `ModelTurn` into Messages API JSON: one message, or the SSE events of a streamed one.
enum MessageEncoding {
    static func json(_ object: Any) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func usage(_ turn: ModelTurn) -> [String: Any] {
        [
            "input_tokens": turn.inputTokens, "output_tokens": turn.outputTokens,
            "cache_creation_input_tokens": turn.cacheCreationTokens, "cache_read_input_tokens": turn.cacheReadTokens,
        ]
    }

    static func block(_ block: ModelBlock) -> [String: Any] {
        switch block {
        case let .text(text):
            return ["type": "text", "text": text]
        case let .toolUse(id, name, inputJSON):
            let input = (try? JSONSerialization.jsonObject(with: Data(inputJSON.utf8))) ?? [String: Any]()
            return ["type": "tool_use", "id": id, "name": name, "input": input]
        }
    }

    static func message(for turn: ModelTurn, model: String, messageID: String) -> String {
        json([
            "id": messageID, "type": "message", "role": "assistant", "model": model, "content": turn.blocks.map(block),
            "stop_reason": turn.stopReason, "stop_sequence": NSNull(), "usage": usage(turn),
        ])
    }

    /// `message_start`, per block `content_block_start` / `_delta` / `_stop`, `message_delta`, `message_stop`.
    static func events(for turn: ModelTurn, model: String, messageID: String) -> [(name: String, data: String)] {
        var startUsage = usage(turn)
        startUsage["output_tokens"] = 1
        var events: [(String, String)] = [
            (
                "message_start",
                json([
                    "type": "message_start",
                    "message": [
                        "id": messageID, "type": "message", "role": "assistant", "model": model, "content": [Any](),
                        "stop_reason": NSNull(), "stop_sequence": NSNull(), "usage": startUsage,
                    ] as [String: Any],
                ])
            )
        ]
        for (index, block) in turn.blocks.enumerated() {
            switch block {
            case let .text(text):
                events.append(
                    (
                        "content_block_start",
                        json([
                            "type": "content_block_start", "index": index,
                            "content_block": ["type": "text", "text": ""],
                        ])
                    ))
                // Two deltas, so clients that only handle one chunk are caught.
                let middle = text.index(text.startIndex, offsetBy: text.count / 2)
                for part in [text[..<middle], text[middle...]] where !part.isEmpty {
                    events.append(
                        (
                            "content_block_delta",
                            json([
                                "type": "content_block_delta", "index": index,
                                "delta": ["type": "text_delta", "text": String(part)],
                            ])
                        ))
                }
            case let .toolUse(id, name, inputJSON):
                events.append(
                    (
                        "content_block_start",
                        json([
                            "type": "content_block_start", "index": index,
                            "content_block": [
                                "type": "tool_use", "id": id, "name": name, "input": [String: Any](),
                            ] as [String: Any],
                        ])
                    ))
                events.append(
                    (
                        "content_block_delta",
                        json([
                            "type": "content_block_delta", "index": index,
                            "delta": ["type": "input_json_delta", "partial_json": inputJSON],
                        ])
                    ))
            }
            events.append(("content_block_stop", json(["type": "content_block_stop", "index": index])))
        }
        events.append(
            (
                "message_delta",
                json([
                    "type": "message_delta",
                    "delta": ["stop_reason": turn.stopReason, "stop_sequence": NSNull()] as [String: Any],
                    "usage": ["output_tokens": turn.outputTokens],
                ])
            ))
        events.append(("message_stop", json(["type": "message_stop"])))
        return events
    }
}
