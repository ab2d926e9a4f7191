import CSMModel
import Foundation

/// Where a worktree's `SetupStamp` is kept: `csm-setup.json` in the worktree's own git directory
/// (`.git/worktrees/<name>/`), next to csm's marker, so it is never an untracked file, goes away with the
/// worktree and is read by the same observation that reads the marker.
extension SetupStamp {
    static let fileName = "csm-setup.json"

    /// The stamp of the worktree checked out at `worktreePath`; nil when none was written or it is unreadable
    /// (which the engine treats as "setup has not run").
    public static func read(worktreePath: String) -> SetupStamp? {
        guard let directory = WorktreeMarker.linkedGitDirectory(of: worktreePath),
            let data = try? Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(fileName))
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(SetupStamp.self, from: data)
    }

    /// Writes this stamp for the worktree at `worktreePath` (atomically).
    public func write(worktreePath: String) throws {
        guard let directory = WorktreeMarker.linkedGitDirectory(of: worktreePath) else {
            throw GitError.libgit2(
                operation: "record setup result", path: worktreePath, code: -1,
                message: "\(worktreePath) is not a linked worktree (no .git file pointing to its git directory)")
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(
            to: URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName), options: .atomic)
    }
}
