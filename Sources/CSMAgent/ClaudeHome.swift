import Foundation

/// Where Claude Code keeps its files for one user, and the two edits csm makes there.
///
/// - Global config `~/.claude.json` (`$CLAUDE_CONFIG_DIR/.claude.json` when that is set): onboarding
///   state, and per project folder `projects[<path>].hasTrustDialogAccepted`.
/// - Transcripts `~/.claude/projects/<cwd, every non-alphanumeric character → ->/<session id>.jsonl`
///   (`$CLAUDE_CONFIG_DIR/projects/…`); names longer than 200 characters are cut and suffixed with a hash.
public struct ClaudeHome: Sendable, Equatable {
    /// `~/.claude` or `$CLAUDE_CONFIG_DIR`.
    public var configDirectory: String
    /// `~/.claude.json` or `$CLAUDE_CONFIG_DIR/.claude.json`.
    public var globalConfigFile: String

    public init(configDirectory: String, globalConfigFile: String) {
        self.configDirectory = configDirectory
        self.globalConfigFile = globalConfigFile
    }

    /// The locations Claude Code uses when started with `environment` (its `HOME` and
    /// `CLAUDE_CONFIG_DIR`); `fallbackHome` when the environment names no home.
    public init(environment: [String: String], fallbackHome: String) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? fallbackHome
        if let dir = environment["CLAUDE_CONFIG_DIR"], !dir.isEmpty {
            self.init(configDirectory: dir, globalConfigFile: dir + "/.claude.json")
        } else {
            self.init(configDirectory: home + "/.claude", globalConfigFile: home + "/.claude.json")
        }
    }

    /// The folder name Claude Code gives a project (a working directory) under `projects/`.
    public static func projectFolderName(for cwd: String) -> String {
        let sanitized = String(
            cwd.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) ? Character(scalar) : "-"
            })
        guard sanitized.count > 200 else { return sanitized }
        // Java-style string hash over UTF-16 units, as Claude Code computes it, in base 36.
        var hash: Int32 = 0
        for unit in cwd.utf16 { hash = (hash &<< 5) &- hash &+ Int32(unit) }
        return String(sanitized.prefix(200)) + "-" + String(abs(Int64(hash)), radix: 36)
    }

    /// The folder holding the transcripts of conversations started in `cwd`.
    public func projectFolder(for cwd: String) -> String {
        configDirectory + "/projects/" + Self.projectFolderName(for: cwd)
    }

    /// The transcript of conversation `sessionID` started in `cwd`.
    public func transcriptPath(cwd: String, sessionID: String) -> String {
        projectFolder(for: cwd) + "/" + sessionID + ".jsonl"
    }

    /// Whether any conversation was recorded in `cwd`: without one, `claude --continue` exits at once
    /// with "No conversation found to continue".
    public func hasConversation(cwd: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: projectFolder(for: cwd))) ?? []
        return files.contains { $0.hasSuffix(".jsonl") }
    }
}
