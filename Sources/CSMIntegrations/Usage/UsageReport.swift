import CSMAgent
import CSMModel
import Foundation

/// How `csm usage` and `GET /api/usage` group their rows.
public enum UsageGrouping: String, Sendable, CaseIterable, Codable {
    case session, day, model
}

/// Tokens and dollars over some API messages.
public struct UsageTotals: Sendable, Equatable, Codable {
    public var inputTokens = 0
    public var outputTokens = 0
    public var cacheWriteTokens = 0
    public var cacheReadTokens = 0
    public var costUSD: Double = 0
    /// API messages counted (each message id once).
    public var messages = 0

    public init() {}

    public var totalTokens: Int { inputTokens + outputTokens + cacheWriteTokens + cacheReadTokens }

    mutating func add(_ usage: TokenUsage, cost: Double) {
        inputTokens += usage.inputTokens
        outputTokens += usage.outputTokens
        cacheWriteTokens += usage.cacheCreationTokens
        cacheReadTokens += usage.cacheReadTokens
        costUSD += cost
        messages += 1
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens, totalTokens, costUSD, messages
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decode(Int.self, forKey: .inputTokens)
        outputTokens = try container.decode(Int.self, forKey: .outputTokens)
        cacheWriteTokens = try container.decode(Int.self, forKey: .cacheWriteTokens)
        cacheReadTokens = try container.decode(Int.self, forKey: .cacheReadTokens)
        costUSD = try container.decode(Double.self, forKey: .costUSD)
        messages = try container.decode(Int.self, forKey: .messages)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputTokens, forKey: .inputTokens)
        try container.encode(outputTokens, forKey: .outputTokens)
        try container.encode(cacheWriteTokens, forKey: .cacheWriteTokens)
        try container.encode(cacheReadTokens, forKey: .cacheReadTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        // Rounded to a millionth of a dollar so JSON shows 1.2345 rather than 1.2344999999999.
        try container.encode((costUSD * 1_000_000).rounded() / 1_000_000, forKey: .costUSD)
        try container.encode(messages, forKey: .messages)
    }
}

/// One row of a report.
public struct UsageRow: Sendable, Equatable, Encodable {
    /// The session name, the day (`YYYY-MM-DD`, UTC) or the model id.
    public var key: String
    public var totals: UsageTotals

    public func encode(to encoder: any Encoder) throws {
        try totals.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(key, forKey: .key)
    }

    enum Key: String, CodingKey { case key }
}

/// The offline usage report: rows by session, day or model, and the total.
public struct UsageReport: Sendable, Equatable, Encodable {
    public var by: UsageGrouping
    /// The first day counted (`YYYY-MM-DD`), when limited.
    @NullIfAbsent public var since: String?
    public var rows: [UsageRow]
    public var total: UsageTotals
    /// Models the price table does not know: their tokens are counted, their cost is 0.
    public var unpricedModels: [String]

}

/// Every API message found in transcripts, each counted once.
///
/// Claude Code writes one record per content block of a message, each repeating the message's usage,
/// and `--resume`/`--continue` copy earlier records into a new file: a message is identified by its
/// message id and request id, and its last record wins. Lines that are not JSON (a torn last line of a
/// file still being written) are skipped.
public struct UsageLedger: Sendable {
    struct Entry: Sendable {
        var session: String
        var day: String
        var model: String
        var usage: TokenUsage
    }

    public let prices: PriceTable
    private var entries: [String: Entry] = [:]

    public init(prices: PriceTable = .standard) { self.prices = prices }

    /// Number of distinct messages.
    public var count: Int { entries.count }

    /// Folds one transcript line of csm session `session` in.
    public mutating func add(line: Substring, session: String) {
        guard line.contains("\"assistant\""), let record = JSONValue.parse(String(line)),
            record["type"]?.stringValue == "assistant", let message = record["message"],
            let id = message["id"]?.stringValue, let usage = message["usage"], usage.objectValue != nil
        else { return }
        let model = message["model"]?.stringValue ?? "unknown"
        guard model != "<synthetic>" else { return }
        let key = id + "|" + (record["requestId"]?.stringValue ?? "")
        // The first session a message was seen in keeps it (a copy in another file is the same message).
        let owner = entries[key]?.session ?? session
        let day = record["timestamp"]?.stringValue.map { String($0.prefix(10)) } ?? entries[key]?.day ?? "unknown"
        entries[key] = Entry(session: owner, day: day, model: model, usage: TokenUsage(usage))
    }

    /// Folds a whole transcript file in; a missing file adds nothing.
    public mutating func add(file path: String, session: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) { add(line: line, session: session) }
    }

    /// Every `*.jsonl` file in `folder` (Claude Code's project folder of one worktree).
    public mutating func add(folder: String, session: String) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".jsonl")
        }
        for file in files.sorted() { add(file: folder + "/" + file, session: session) }
    }

    /// The report grouped `by`, counting days from `since` (`YYYY-MM-DD`, inclusive) on.
    public func report(by grouping: UsageGrouping, since: String? = nil) -> UsageReport {
        var rows: [String: UsageTotals] = [:]
        var total = UsageTotals()
        var unpriced = Set<String>()
        for entry in entries.values {
            if let since, entry.day < since { continue }
            let price = prices.price(for: entry.model)
            if price == nil { unpriced.insert(entry.model) }
            let cost = price?.cost(of: entry.usage) ?? 0
            let key =
                switch grouping {
                case .session: entry.session
                case .day: entry.day
                case .model: entry.model
                }
            rows[key, default: UsageTotals()].add(entry.usage, cost: cost)
            total.add(entry.usage, cost: cost)
        }
        return UsageReport(
            by: grouping, since: since,
            rows: rows.keys.sorted().map { UsageRow(key: $0, totals: rows[$0]!) }, total: total,
            unpricedModels: unpriced.sorted())
    }
}
