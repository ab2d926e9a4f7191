/// Running totals for one csm session, built from its transcript records: model, turns, tokens, cost.
///
/// Usage is kept per API message id and the latest record wins, because Claude Code repeats a message's
/// usage on every record of that message (one per content block) and a resumed conversation may copy
/// old records into a new file; summing records would count tokens several times.
public struct SessionUsage: Sendable, Equatable {
    /// The model of the latest assistant message.
    public private(set) var model: String?
    /// Prompts submitted (by a person, or pasted by csm).
    public private(set) var turnCount = 0
    private var messages: [String: (model: String?, usage: TokenUsage)] = [:]
    private var countedPrompts: Set<String> = []
    public let prices: PriceTable

    public init(prices: PriceTable = .standard) { self.prices = prices }

    public static func == (lhs: SessionUsage, rhs: SessionUsage) -> Bool {
        lhs.model == rhs.model && lhs.turnCount == rhs.turnCount && lhs.tokens == rhs.tokens && lhs.prices == rhs.prices
    }

    /// Folds one parsed record in.
    public mutating func add(_ record: TranscriptParser.Record) {
        if let message = record.message {
            messages[message.id] = (message.model, message.usage)
            if let model = message.model, model != "<synthetic>" { self.model = model }
        }
        for entry in record.entries {
            guard case .userPrompt = entry.event else { continue }
            // A prompt copied into a resumed conversation's new file keeps its uuid: count it once.
            if let uuid = entry.uuid {
                guard countedPrompts.insert(uuid).inserted else { continue }
            }
            turnCount += 1
        }
    }

    /// Tokens over every message.
    public var tokens: TokenUsage { messages.values.reduce(TokenUsage()) { $0 + $1.usage } }

    /// Dollars over every priced message.
    public var costUSD: Double {
        messages.values.reduce(0) { total, message in
            total + (message.model.flatMap(prices.price(for:))?.cost(of: message.usage) ?? 0)
        }
    }

    /// Models seen that the price table does not know (their tokens are counted, their cost is not).
    public var unpricedModels: Set<String> {
        Set(messages.values.compactMap(\.model).filter { $0 != "<synthetic>" && prices.price(for: $0) == nil })
    }
}
