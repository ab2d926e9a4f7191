import CSMModel
import Foundation

/// One rate-limit window of a Claude subscription, as `GET /api/claude-usage` shows it.
public struct UsageWindow: Sendable, Equatable, Codable {
    /// 0–1 (1 = the limit).
    public var utilization: Double
    /// `utilization` in whole percent.
    public var percent: Int
    @NullIfAbsent public var resetsAt: Date?
    /// The window's length: 5 hours or 7 days.
    public var windowSeconds: Int
    /// How much of the window has passed, 0–1; nil without a reset time.
    @NullIfAbsent public var elapsedFraction: Double?
    /// `utilization / elapsedFraction`: above 1 the limit is reached before the reset. Nil when the
    /// reset time is unknown or the window has barely begun.
    @NullIfAbsent public var pace: Double?

    public init(utilization: Double, resetsAt: Date?, windowSeconds: Int, now: Date) {
        self.utilization = utilization
        percent = Int((utilization * 100).rounded())
        self.resetsAt = resetsAt
        self.windowSeconds = windowSeconds
        if let resetsAt {
            let remaining = resetsAt.timeIntervalSince(now)
            let elapsed = min(1, max(0, (Double(windowSeconds) - remaining) / Double(windowSeconds)))
            elapsedFraction = elapsed
            // Under a minute into the window, any use at all would look like a huge pace.
            pace = elapsed * Double(windowSeconds) >= 60 ? utilization / elapsed : nil
        } else {
            elapsedFraction = nil
            pace = nil
        }
    }

    enum CodingKeys: String, CodingKey { case utilization, percent, resetsAt, windowSeconds, elapsedFraction, pace }

    public static let fiveHours = 5 * 3600
    public static let sevenDays = 7 * 24 * 3600
}

/// A Claude subscription's limits: the 5-hour session window, the weekly window and the per-model weekly
/// windows.
public struct ClaudeUsage: Sendable, Equatable, Codable {
    public var session: UsageWindow
    public var weekly: UsageWindow
    @NullIfAbsent public var sonnet: UsageWindow?
    @NullIfAbsent public var opus: UsageWindow?
    /// `max`, `pro`, … or `unknown`.
    public var plan: String
    public var fetchedAt: Date

    public init(
        session: UsageWindow, weekly: UsageWindow, sonnet: UsageWindow?, opus: UsageWindow?, plan: String,
        fetchedAt: Date
    ) {
        self.session = session
        self.weekly = weekly
        self.sonnet = sonnet
        self.opus = opus
        self.plan = plan
        self.fetchedAt = fetchedAt
    }

    enum CodingKeys: String, CodingKey { case session, weekly, sonnet, opus, plan, fetchedAt }

    /// Reads the OAuth usage endpoint's answer: `five_hour`, `seven_day`, `seven_day_sonnet`,
    /// `seven_day_opus` objects with `utilization` (percent, 0–100) and `resets_at` (ISO 8601); camelCase
    /// spellings are accepted too. Nil when neither the session nor the weekly window is there.
    public static func parse(_ json: JSONValue, plan fallbackPlan: String?, now: Date) -> ClaudeUsage? {
        func window(_ keys: [String], seconds: Int) -> UsageWindow? {
            guard let object = keys.lazy.compactMap({ json[$0] }).first(where: { $0.objectValue != nil }),
                let percent = object["utilization"]?.numberValue
            else { return nil }
            let reset = (object["resets_at"] ?? object["resetsAt"])?.stringValue.flatMap(parseDate)
            return UsageWindow(utilization: percent / 100, resetsAt: reset, windowSeconds: seconds, now: now)
        }
        guard let session = window(["five_hour", "fiveHour", "session"], seconds: UsageWindow.fiveHours),
            let weekly = window(["seven_day", "sevenDay", "weekly"], seconds: UsageWindow.sevenDays)
        else { return nil }
        return ClaudeUsage(
            session: session, weekly: weekly,
            sonnet: window(["seven_day_sonnet", "sevenDaySonnet", "sonnet"], seconds: UsageWindow.sevenDays),
            opus: window(["seven_day_opus", "sevenDayOpus", "opus"], seconds: UsageWindow.sevenDays),
            plan: json["plan"]?.stringValue ?? fallbackPlan ?? "unknown", fetchedAt: now)
    }

    /// ISO 8601 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// Why the subscription usage could not be read, with the API code of each case.
public enum ClaudeUsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No credentials file, no token in it, or the token expired.
    case credentialsMissing(path: String, reason: String)
    /// The endpoint refused the token.
    case authenticationFailed(status: Int)
    case rateLimited(retryAfter: Int?)
    /// Network failure, another status, or an unreadable answer.
    case unavailable(reason: String)

    public var code: String {
        switch self {
        case .credentialsMissing: "claude_credentials_missing"
        case .authenticationFailed: "claude_auth_failed"
        case .rateLimited: "claude_rate_limited"
        case .unavailable: "claude_usage_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .credentialsMissing(let path, let reason):
            "no usable Claude Code login in \(path) (\(reason)); run 'claude' and log in with your subscription"
        case .authenticationFailed(let status):
            "the usage endpoint refused Claude Code's token (HTTP \(status)); run 'claude' to refresh the login"
        case .rateLimited(let retryAfter):
            "the usage endpoint is rate-limiting" + (retryAfter.map { "; retry in \($0) s" } ?? "; retry later")
        case .unavailable(let reason): "Claude's usage endpoint could not be read: \(reason)"
        }
    }
}
