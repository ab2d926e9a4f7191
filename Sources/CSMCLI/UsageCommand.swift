import ArgumentParser
import CSMIntegrations
import CSMModel
import Foundation

/// `csm usage`: tokens and cost per session, day or model, from the Claude Code transcripts of the
/// workspace's local sessions (offline; docs/integrations.md).
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show tokens and cost per session, day or model, read from the sessions' Claude Code transcripts.",
        discussion: """
            Works offline. Each API message is counted once, however often its records repeat. Prices are \
            Anthropic's list prices per model family, overridable under integrations.prices in csm.yaml.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only days from this one on (UTC).", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: ArgumentHelp("Rows per session, day or model.", valueName: "session|day|model"))
    var by: String = "session"

    @Flag(help: "Print the report as JSON (the shape of GET /api/usage).")
    var json = false

    func validate() throws {
        guard UsageGrouping(rawValue: by) != nil else {
            throw ValidationError("--by must be session, day or model, not '\(by)'")
        }
        if let since, !UsageDay.isValid(since) {
            throw ValidationError("--since must be a day written YYYY-MM-DD, not '\(since)'")
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let workspace = try context.loadWorkspace()
            let ledger = UsageSources.ledger(
                workspace: workspace, prices: workspace.integrations.priceTable, environment: context.environment)
            let report = ledger.report(by: UsageGrouping(rawValue: by) ?? .session, since: since)
            if json {
                context.output.write(try JSONOutput.encode(report))
                return
            }
            context.output.write(Self.render(report))
            if !report.unpricedModels.isEmpty {
                context.output.warning(
                    "no price for \(report.unpricedModels.joined(separator: ", ")); add it under integrations.prices "
                        + "to count its cost")
            }
        }
    }

    /// The table: one row per key, then the total.
    static func render(_ report: UsageReport) -> String {
        guard !report.rows.isEmpty else {
            return "No Claude Code usage recorded for this workspace's sessions"
                + (report.since.map { " since \($0)" } ?? "") + ".\n"
        }
        func cells(_ key: String, _ totals: UsageTotals) -> [String] {
            [
                key, number(totals.inputTokens), number(totals.outputTokens), number(totals.cacheWriteTokens),
                number(totals.cacheReadTokens), String(format: "$%.2f", totals.costUSD),
            ]
        }
        let header = [report.by.rawValue.uppercased(), "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "COST"]
        let rows = report.rows.map { cells($0.key, $0.totals) } + [cells("total", report.total)]
        return TextTable.render(header: header, rows: rows)
    }

    /// 1234567 → "1,234,567".
    static func number(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
