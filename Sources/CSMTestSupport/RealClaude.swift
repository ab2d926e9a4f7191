import Foundation

/// The real Claude Code binary for `.realClaude` tests (fetched by scripts/bootstrap.sh, named by
/// `CSM_CLAUDE`), and the offline set-up DESIGN.md §4 describes.
public enum RealClaude {
    /// `$CSM_CLAUDE` when it names an executable file.
    public static var binary: String? {
        guard let path = ProcessInfo.processInfo.environment["CSM_CLAUDE"], !path.isEmpty,
            FileManager.default.isExecutableFile(atPath: path)
        else { return nil }
        return path
    }

    /// In CI (`CI` set) a missing binary fails the tests instead of skipping them.
    public static var isRequired: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Whether `.realClaude` tests run: the binary is there, or CI requires it (and they then fail).
    public static var shouldRun: Bool { binary != nil || isRequired }

    /// Writes `home/.claude.json` so Claude Code starts without onboarding, accepts the test API key and
    /// trusts exactly `trustedFolders`.
    public static func seedHome(_ home: URL, trusting trustedFolders: [String]) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var projects: [String: Any] = [:]
        for folder in trustedFolders { projects[folder] = ["hasTrustDialogAccepted": true] }
        let config: [String: Any] = [
            "hasCompletedOnboarding": true, "customApiKeyResponses": ["approved": [apiKey], "rejected": [String]()],
            "projects": projects, "numStartups": 1,
        ]
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
            .write(to: home.appendingPathComponent(".claude.json"))
    }

    /// The API key the seeded home approves.
    public static let apiKey = "sk-test"

    /// The agent environment pointing Claude Code at a scripted model with the seeded home.
    public static func environment(home: URL, baseURL: String) -> [String: String] {
        [
            "HOME": home.path, "ANTHROPIC_BASE_URL": baseURL, "ANTHROPIC_API_KEY": apiKey,
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1",
        ]
    }
}
