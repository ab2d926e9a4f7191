import CSMModel

/// Dollars per million tokens for one model family: the same values `integrations.prices` declares.
public typealias ModelPrice = TokenPrices

extension TokenPrices {
    /// The cost of `usage` in dollars.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.inputTokens) * input + Double(usage.outputTokens) * output
            + Double(usage.cacheCreationTokens) * cacheWrite + Double(usage.cacheReadTokens) * cacheRead) / 1_000_000
    }
}

/// Prices by model family: a model id is priced by the first family whose name it contains
/// (`claude-opus-4-5-20251101` → `opus`). Overridable per family from configuration; a model of no
/// known family costs nothing and is reported as unpriced.
public struct PriceTable: Sendable, Equatable {
    /// Family name → price, checked in `order`.
    public var families: [String: ModelPrice]
    /// The order families are tried in (longest names first, so `sonnet-4` would beat `sonnet`).
    public var order: [String] { families.keys.sorted { ($0.count, $0) > ($1.count, $1) } }

    public init(families: [String: ModelPrice]) { self.families = families }

    /// Anthropic's list prices (USD per million tokens) for the current families.
    public static let standard = PriceTable(families: [
        "opus": ModelPrice(input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5),
        "sonnet": ModelPrice(input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3),
        "haiku": ModelPrice(input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1),
    ])

    /// This table with `overrides` replacing or adding families.
    public func overriding(_ overrides: [String: ModelPrice]) -> PriceTable {
        PriceTable(families: families.merging(overrides) { _, new in new })
    }

    /// The price of `model`, nil when no family matches.
    public func price(for model: String) -> ModelPrice? {
        let lowered = model.lowercased()
        return order.first { lowered.contains($0.lowercased()) }.flatMap { families[$0] }
    }
}
