import CSMAgent
import CSMIntegrations
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The offline report over Tests/Fixtures/usage: three models with cache tokens, a message written as two
/// records, a record copied into a resumed conversation's file, a synthetic message, an unpriced model
/// and a torn last line. Expected numbers worked out by hand at list prices (opus 5/25/6.25/0.5, sonnet
/// 3/15/3.75/0.3, haiku 1/5/1.25/0.1 dollars per million input/output/cache-write/cache-read tokens).
@Suite("usage ledger")
struct UsageLedgerTests {
    static let folder = fixturesDirectory.appendingPathComponent("usage").path

    static func ledger(prices: PriceTable = .standard) -> UsageLedger {
        var ledger = UsageLedger(prices: prices)
        ledger.add(file: folder + "/alpha-1.jsonl", session: "alpha")
        ledger.add(file: folder + "/alpha-2-resumed.jsonl", session: "alpha")
        ledger.add(file: folder + "/beta-1.jsonl", session: "beta")
        return ledger
    }

    func cents(_ dollars: Double) -> Int { Int((dollars * 100).rounded()) }

    @Test("by session: each message once, torn line and synthetic skipped, cost to the cent")
    func bySession() throws {
        let report = Self.ledger().report(by: .session)
        #expect(report.rows.map(\.key) == ["alpha", "beta"])
        let alpha = report.rows[0].totals
        #expect(alpha.messages == 4)
        #expect(alpha.inputTokens == 4250 && alpha.outputTokens == 4000)
        #expect(alpha.cacheWriteTokens == 26000 && alpha.cacheReadTokens == 141_000)
        #expect(abs(alpha.costUSD - 0.29575) < 1e-9)
        let beta = report.rows[1].totals
        #expect(beta.messages == 2 && beta.inputTokens == 10100 && beta.outputTokens == 4100)
        #expect(cents(beta.costUSD) == 3)
        #expect(abs(report.total.costUSD - 0.32575) < 1e-9)
        #expect(report.total.totalTokens == 4250 + 4000 + 26000 + 141_000 + 10100 + 4100)
        #expect(report.unpricedModels == ["claude-mystery-1"])
    }

    @Test("by day and by model; since limits the days")
    func byDayAndModel() {
        let ledger = Self.ledger()
        let days = ledger.report(by: .day)
        #expect(days.rows.map(\.key) == ["2026-11-20", "2026-11-21", "2026-11-22"])
        #expect(days.rows.map { cents($0.totals.costUSD) } == [19, 11, 3])
        #expect(abs(days.rows[0].totals.costUSD - 0.18975) < 1e-9)
        #expect(abs(days.rows[1].totals.costUSD - 0.106) < 1e-9)
        let models = ledger.report(by: .model)
        #expect(
            models.rows.map(\.key) == [
                "claude-haiku-4-5-20251001", "claude-mystery-1", "claude-opus-4-5-20251101",
                "claude-sonnet-4-5-20250929",
            ])
        #expect(abs(models.rows[2].totals.costUSD - 0.208) < 1e-9)
        #expect(models.rows[1].totals.costUSD == 0)
        let recent = ledger.report(by: .session, since: "2026-11-21")
        #expect(abs(recent.total.costUSD - 0.136) < 1e-9)
        #expect(recent.since == "2026-11-21")
    }

    @Test("a folder is read whole, and reading the same files twice changes nothing")
    func idempotent() {
        var ledger = Self.ledger()
        ledger.add(folder: Self.folder, session: "other")
        #expect(ledger.count == 6)
        #expect(ledger.report(by: .session).rows.map(\.key) == ["alpha", "beta"])
    }

    @Test("configured prices replace a family's")
    func overriddenPrices() {
        let integrations = Integrations(prices: [
            "haiku": TokenPrices(input: 2, output: 10, cacheWrite: 0, cacheRead: 0)
        ])
        let report = Self.ledger(prices: integrations.priceTable).report(by: .session)
        #expect(abs(report.rows[1].totals.costUSD - 0.06) < 1e-9)
    }

    @Test("JSON shape: every key present, cost rounded to a millionth")
    func json() throws {
        let data = try JSONEncoder().encode(Self.ledger().report(by: .day, since: nil))
        let object = try #require(JSONValue.parse(data))
        #expect(object["since"] == .null)
        #expect(object["by"] == "day")
        #expect(object["rows"]?.arrayValue?.first?["key"] == "2026-11-20")
        #expect(object["total"]?["costUSD"] == .number(0.32575))
        #expect(object["total"]?["totalTokens"] != nil)
    }

    @Test("sources: a session's transcripts are found under its CLAUDE_CONFIG_DIR")
    func sources() throws {
        let workspace = Workspace(
            name: "w", repos: ["r": RepoSpec(name: "r", path: "/tmp/repo")],
            sessions: ["alpha": SessionSpec(name: "alpha", repo: "r", env: ["CLAUDE_CONFIG_DIR": "/tmp/claude-x"])])
        let folders = UsageSources.folders(workspace: workspace, environment: ["HOME": "/home/u"])
        #expect(folders.count == 1)
        #expect(folders[0].folder.hasPrefix("/tmp/claude-x/projects/"))
    }

    @Test("days are checked")
    func days() {
        #expect(UsageDay.isValid("2026-11-20"))
        #expect(!UsageDay.isValid("2026-13-01") && !UsageDay.isValid("yesterday") && !UsageDay.isValid("2026-2-1"))
    }
}
