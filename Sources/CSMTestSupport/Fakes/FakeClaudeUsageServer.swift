import Foundation
import Hummingbird
import Synchronization

/// A stand-in for Claude's OAuth usage endpoint (`GET /api/oauth/usage`) on 127.0.0.1: answers the
/// configured windows to the configured bearer token, or a scripted failure; counts requests.
public final class FakeClaudeUsageServer: Sendable {
    /// What the next request gets instead of the usage.
    public enum Failure: Sendable {
        case unauthorized
        case rateLimited(retryAfter: Int)
        case serverError
        case malformed
    }

    /// The base URL (`integrations.claude.baseURL`).
    public let baseURL: String
    public let token: String
    private let state: Locked<(body: [String: any Sendable], failures: [Failure], requests: Int)>

    init(
        baseURL: String, token: String,
        state: Locked<(body: [String: any Sendable], failures: [Failure], requests: Int)>
    ) {
        self.baseURL = baseURL
        self.token = token
        self.state = state
    }

    /// Requests answered so far.
    public var requestCount: Int { state.withLock { $0.requests } }

    /// Replaces the answer's JSON (the endpoint's own keys: `five_hour`, `seven_day`, …).
    public func setUsage(_ body: [String: any Sendable]) { state.withLock { $0.body = body } }

    /// The next request fails this way.
    public func failNext(_ failure: Failure) { state.withLock { $0.failures.append(failure) } }

    /// A usage answer: percentages and reset times relative to `now`.
    public static func usageBody(
        session: Double, sessionResetsIn: TimeInterval, weekly: Double, weeklyResetsIn: TimeInterval,
        sonnet: Double? = nil, now: Date = Date()
    ) -> [String: any Sendable] {
        let formatter = ISO8601DateFormatter()
        func window(_ percent: Double, _ seconds: TimeInterval) -> [String: any Sendable] {
            ["utilization": percent, "resets_at": formatter.string(from: now.addingTimeInterval(seconds))]
        }
        var body: [String: any Sendable] = [
            "five_hour": window(session, sessionResetsIn), "seven_day": window(weekly, weeklyResetsIn),
        ]
        if let sonnet { body["seven_day_sonnet"] = window(sonnet, weeklyResetsIn) }
        return body
    }

    /// Starts the fake for the length of `body`.
    public static func with<T>(
        token: String = "sk-ant-oat-test",
        usage: [String: any Sendable] = usageBody(
            session: 42, sessionResetsIn: 2.5 * 3600, weekly: 30, weeklyResetsIn: 3.5 * 86400, sonnet: 10),
        _ body: (FakeClaudeUsageServer) async throws -> T
    ) async throws -> T {
        let state = Locked<(body: [String: any Sendable], failures: [Failure], requests: Int)>((usage, [], 0))
        let router = Router()
        router.get("/api/oauth/usage") { request, _ -> Response in
            let (answer, failure): ([String: any Sendable], Failure?) = state.withLock {
                $0.requests += 1
                return ($0.body, $0.failures.isEmpty ? nil : $0.failures.removeFirst())
            }
            guard request.headers[.authorization] == "Bearer \(token)",
                request.headers[.init("anthropic-beta")!] == "oauth-2025-04-20"
            else {
                return .json(
                    ["error": ["type": "authentication_error", "message": "invalid token"]], status: .unauthorized)
            }
            switch failure {
            case .unauthorized?: return .json(["error": ["type": "authentication_error"]], status: .unauthorized)
            case .rateLimited(let seconds)?:
                return .json(
                    ["error": ["type": "rate_limit_error"]], status: .tooManyRequests,
                    headers: [.retryAfter: "\(seconds)"])
            case .serverError?: return .text("upstream failed", status: .internalServerError)
            case .malformed?: return .text("<html>maintenance</html>", status: .ok)
            case nil: return .json(answer)
            }
        }
        return try await LoopbackServer.with(router) { url in
            try await body(FakeClaudeUsageServer(baseURL: url, token: token, state: state))
        }
    }

    /// Writes a Claude Code credentials file holding `token` (expiring in a day) and returns its path.
    public static func writeCredentials(
        token: String = "sk-ant-oat-test", in directory: URL, subscription: String = "max"
    ) throws -> String {
        let path = directory.appendingPathComponent(".credentials.json").path
        let expires = (Date().timeIntervalSince1970 + 86400) * 1000
        let json: [String: Any] = [
            "claudeAiOauth": [
                "accessToken": token, "refreshToken": "r", "expiresAt": expires, "subscriptionType": subscription,
            ]
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }
}
