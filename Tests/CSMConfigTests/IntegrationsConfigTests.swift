import CSMConfig
import CSMModel
import Testing

@Suite("integrations settings")
struct IntegrationsConfigTests {
    static let base = "version: 1\nworkspace: w\n"

    @Test("linear, claude and prices keys decode, with ${VAR}, durations and paths")
    func decoding() throws {
        let workspace = try parse(
            Self.base + """
                integrations:
                  linear:
                    apiKey: ${LINEAR_API_KEY}
                    endpoint: http://127.0.0.1:9999/graphql
                    cacheTTL: 2m
                    promptTemplate: "Do {{identifier}}"
                  claude:
                    baseURL: http://127.0.0.1:9998
                    credentialsFile: ~/creds.json
                    cacheTTL: 10s
                  prices:
                    opus: {input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5}
                """, environment: ["LINEAR_API_KEY": "lin_x"])
        let settings = workspace.integrations
        #expect(settings.linearAPIKey == "lin_x" && settings.linearEndpoint == "http://127.0.0.1:9999/graphql")
        #expect(settings.linearCacheTTL == 120 && settings.linearPromptTemplate == "Do {{identifier}}")
        #expect(settings.claudeBaseURL == "http://127.0.0.1:9998" && settings.claudeCacheTTL == 10)
        #expect(settings.claudeCredentialsFile == "/home/u/creds.json")
        #expect(settings.prices["opus"] == TokenPrices(input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5))
    }

    @Test("mistakes are diagnostics with line and column")
    func mistakes() {
        let found = summaries(
            Self.base + """
                integrations:
                  linear:
                    cacheTL: 5s
                  claude:
                    baseURL: ftp://x
                  prices:
                    opus: {input: 1, output: -2, cacheWrite: 1}
                """)
        #expect(
            found == [
                "5:5: unknown key 'cacheTL' in 'integrations.linear'",
                "7:14: invalid URL 'ftp://x' for 'integrations.claude.baseURL'",
                "9:5: missing required key 'cacheRead' in 'integrations.prices.opus'",
                "9:30: negative price -2 for 'integrations.prices.opus.output'",
            ])
        let hints = diagnostics(Self.base + "integrations:\n  linear:\n    cacheTL: 5s\n").map(\.hint)
        #expect(hints == ["did you mean 'cacheTTL'?"])
    }
}
