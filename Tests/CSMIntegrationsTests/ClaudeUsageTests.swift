import CSMIntegrations
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("Claude usage", .timeLimit(.minutes(2)))
struct ClaudeUsageTests {
    @Test("windows with percent, reset and pace, from the fake endpoint; cached for the TTL")
    func usage() async throws {
        try await withTemporaryDirectory { dir in
            let credentials = try FakeClaudeUsageServer.writeCredentials(in: dir)
            try await FakeClaudeUsageServer.with { fake in
                let client = ClaudeUsageClient(baseURL: fake.baseURL, credentialsPath: credentials, ttl: 30)
                let usage = try await client.usage()
                #expect(usage.session.percent == 42 && usage.session.windowSeconds == 5 * 3600)
                // 2.5 h of the 5-hour window left: half elapsed, 42 % used → pace 0.84.
                #expect(abs((usage.session.pace ?? 0) - 0.84) < 0.01)
                // 3.5 days of 7 left: half elapsed, 30 % used → pace 0.6.
                #expect(abs((usage.weekly.pace ?? 0) - 0.6) < 0.01)
                #expect(usage.sonnet?.percent == 10 && usage.opus == nil && usage.plan == "max")
                _ = try await client.usage()
                #expect(fake.requestCount == 1)
            }
        }
    }

    @Test("failures: no file, expired token, refused token, rate limit, server error, garbage")
    func failures() async throws {
        try await withTemporaryDirectory { dir in
            let missing = ClaudeUsageClient(baseURL: "http://127.0.0.1:9", credentialsPath: dir.path + "/none.json")
            await #expect(
                throws: ClaudeUsageError.credentialsMissing(
                    path: dir.path + "/none.json", reason: "the file does not exist")
            ) {
                try await missing.usage()
            }
            let expiredPath = dir.path + "/expired.json"
            try #"{"claudeAiOauth":{"accessToken":"sk-ant-old","expiresAt":1000}}"#.write(
                toFile: expiredPath, atomically: true, encoding: .utf8)
            do {
                _ = try await ClaudeUsageClient(credentialsPath: expiredPath).usage()
            } catch let error as ClaudeUsageError {
                #expect(error.code == "claude_credentials_missing" && !error.description.contains("sk-ant-old"))
            }
            let credentials = try FakeClaudeUsageServer.writeCredentials(in: dir)
            try await FakeClaudeUsageServer.with { fake in
                let client = ClaudeUsageClient(baseURL: fake.baseURL, credentialsPath: credentials, ttl: 0)
                fake.failNext(.unauthorized)
                await #expect(throws: ClaudeUsageError.authenticationFailed(status: 401)) { try await client.usage() }
                fake.failNext(.rateLimited(retryAfter: 12))
                await #expect(throws: ClaudeUsageError.rateLimited(retryAfter: 12)) { try await client.usage() }
                fake.failNext(.serverError)
                await #expect(throws: ClaudeUsageError.unavailable(reason: "HTTP 500")) { try await client.usage() }
                fake.failNext(.malformed)
                do { _ = try await client.usage() } catch let error as ClaudeUsageError {
                    #expect(error.code == "claude_usage_unavailable")
                }
                #expect(try await client.usage().weekly.percent == 30)
            }
        }
    }

    @Test("pace: nil without a reset time or in the first minute; above 1 when ahead of the limit")
    func pace() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(UsageWindow(utilization: 0.5, resetsAt: nil, windowSeconds: 18000, now: now).pace == nil)
        #expect(
            UsageWindow(utilization: 0.1, resetsAt: now.addingTimeInterval(18000 - 10), windowSeconds: 18000, now: now)
                .pace == nil)
        let ahead = UsageWindow(
            utilization: 0.8, resetsAt: now.addingTimeInterval(14400), windowSeconds: 18000, now: now)
        #expect(abs((ahead.pace ?? 0) - 4) < 1e-9 && abs((ahead.elapsedFraction ?? 0) - 0.2) < 1e-9)
        let json = JSONValue.parse(
            #"{"fiveHour":{"utilization":50,"resetsAt":"2027-01-15T08:00:00.123Z"},"sevenDay":{"utilization":5}}"#)!
        let usage = ClaudeUsage.parse(json, plan: nil, now: now)
        #expect(usage?.session.percent == 50 && usage?.session.resetsAt != nil && usage?.weekly.resetsAt == nil)
        #expect(usage?.plan == "unknown")
    }
}
