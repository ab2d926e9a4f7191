import CSMModel
import Foundation
import Logging

/// Reads the subscription limits from the OAuth usage endpoint Claude Code itself uses
/// (`GET <baseURL>/api/oauth/usage`, `Authorization: Bearer <token>`, `anthropic-beta: oauth-2025-04-20`),
/// and keeps a success for `ttl` seconds. Errors are not cached.
public actor ClaudeUsageClient {
    public static let defaultBaseURL = "https://api.anthropic.com"

    public let baseURL: String
    public let credentialsPath: String
    private let ttl: TimeInterval
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private var cache: (expires: Date, usage: ClaudeUsage)?
    private let logger = Logger(label: "csm.integrations")

    public init(
        baseURL: String = ClaudeUsageClient.defaultBaseURL, credentialsPath: String = ClaudeCredentials.defaultPath(),
        ttl: TimeInterval = 30, transport: any HTTPTransport = AsyncHTTPTransport(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credentialsPath = credentialsPath
        self.ttl = ttl
        self.transport = transport
        self.now = now
    }

    /// The current limits (from the cache while fresh).
    public func usage() async throws -> ClaudeUsage {
        let time = now()
        if let cache, cache.expires > time { return cache.usage }
        let credentials = try ClaudeCredentials.load(path: credentialsPath, now: time)
        let answer: HTTPAnswer
        do {
            answer = try await transport.send(
                method: "GET", url: baseURL + "/api/oauth/usage",
                headers: [
                    ("Authorization", "Bearer " + credentials.accessToken), ("anthropic-beta", "oauth-2025-04-20"),
                    ("Accept", "application/json"), ("User-Agent", "csm"),
                ],
                body: nil, timeout: .seconds(15))
        } catch {
            logger.warning("usage endpoint unreachable", metadata: ["url": "\(baseURL)", "error": "\(error)"])
            throw ClaudeUsageError.unavailable(reason: "\(error)")
        }
        switch answer.status {
        case 200..<300: break
        case 401, 403: throw ClaudeUsageError.authenticationFailed(status: answer.status)
        case 429: throw ClaudeUsageError.rateLimited(retryAfter: answer.header("Retry-After").flatMap { Int($0) })
        default: throw ClaudeUsageError.unavailable(reason: "HTTP \(answer.status)")
        }
        guard let json = JSONValue.parse(answer.body),
            let usage = ClaudeUsage.parse(json, plan: credentials.subscriptionType, now: time)
        else {
            throw ClaudeUsageError.unavailable(reason: "the answer has no five_hour/seven_day windows")
        }
        if ttl > 0 { cache = (time.addingTimeInterval(ttl), usage) }
        return usage
    }
}
