import CSMModel
import Foundation

/// Where Claude Code keeps a folder's conversations, so a moved worktree can continue its conversation.
///
/// Claude Code stores transcripts under `<config dir>/projects/<folder>/`, where `<config dir>` is
/// `$CLAUDE_CONFIG_DIR` or `~/.claude` and `<folder>` is the working directory with every character
/// other than A-Z, a-z and 0-9 replaced by `-`. `--continue` looks only in the folder of the current
/// working directory.
enum ClaudeTranscripts {
    /// The projects folder of `workingDirectory` for an agent started with `environment`.
    static func projectFolder(forWorkingDirectory workingDirectory: String, environment: [String: String]) -> String? {
        let configDirectory: String
        if let explicit = environment["CLAUDE_CONFIG_DIR"], !explicit.isEmpty {
            configDirectory = explicit
        } else if let home = environment["HOME"], !home.isEmpty {
            configDirectory = Paths.join(home, ".claude")
        } else {
            return nil
        }
        let key = String(
            workingDirectory.unicodeScalars.map { scalar in
                (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) ? Character(scalar) : "-"
            })
        return Paths.join(configDirectory, "projects", key)
    }

    /// Copies the conversations of `oldPath` to `newPath`'s folder when there are some and the new folder
    /// does not exist yet; returns whether it copied. The old folder is left as it was (nothing is lost
    /// if the rename is undone).
    @discardableResult
    static func carryOver(from oldPath: String, to newPath: String, environment: [String: String]) -> Bool {
        guard let source = projectFolder(forWorkingDirectory: oldPath, environment: environment),
            let target = projectFolder(forWorkingDirectory: newPath, environment: environment),
            FileManager.default.fileExists(atPath: source), !FileManager.default.fileExists(atPath: target)
        else { return false }
        return (try? FileManager.default.copyItem(atPath: source, toPath: target)) != nil
    }
}
