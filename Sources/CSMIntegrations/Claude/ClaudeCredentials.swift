import CSMModel
import Foundation

/// Claude Code's OAuth login, read from its credentials file (`~/.claude/.credentials.json`,
/// `claudeAiOauth.accessToken`). The token is a secret: it is never logged or shown; `description`
/// masks it.
public struct ClaudeCredentials: Sendable, CustomStringConvertible {
    public var accessToken: String
    public var expiresAt: Date?
    /// `subscriptionType` (`max`, `pro`), when the file says.
    public var subscriptionType: String?

    public var description: String { "ClaudeCredentials(token: ********, subscription: \(subscriptionType ?? "?"))" }

    /// The default file: `$CLAUDE_CONFIG_DIR/.credentials.json` or `~/.claude/.credentials.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["CLAUDE_CONFIG_DIR"], !dir.isEmpty { return dir + "/.credentials.json" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.claude/.credentials.json"
    }

    /// Reads the file; throws `credentialsMissing` when it is absent, unreadable, has no token, or the token
    /// expires within a minute (`expiresAt` in milliseconds, seconds or ISO 8601).
    public static func load(path: String, now: Date = Date()) throws -> ClaudeCredentials {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClaudeUsageError.credentialsMissing(path: path, reason: "the file does not exist")
        }
        guard let json = JSONValue.parse(data), let oauth = json["claudeAiOauth"],
            let token = oauth["accessToken"]?.stringValue, !token.isEmpty
        else {
            throw ClaudeUsageError.credentialsMissing(path: path, reason: "no claudeAiOauth.accessToken")
        }
        var expires: Date?
        if let number = oauth["expiresAt"]?.numberValue {
            expires = Date(timeIntervalSince1970: number > 100_000_000_000 ? number / 1000 : number)
        } else if let text = oauth["expiresAt"]?.stringValue {
            expires = ClaudeUsage.parseDate(text)
        }
        if let expires, expires.timeIntervalSince(now) < 60 {
            throw ClaudeUsageError.credentialsMissing(path: path, reason: "the token has expired")
        }
        return ClaudeCredentials(
            accessToken: token, expiresAt: expires, subscriptionType: oauth["subscriptionType"]?.stringValue)
    }
}
