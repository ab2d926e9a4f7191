import CSMModel
import Foundation

/// The record of a worktree creation in progress: `<parent>/.<folder>.csm-creating`, beside the folder
/// being created, written before `git_worktree_add` and removed once the marker is in place.
///
/// A creation killed in between (SIGKILL, power loss) leaves a registered, perhaps half-checked-out
/// folder without a marker, which would otherwise look like someone else's folder forever. With this
/// record csm knows the folder is its own unfinished work: observation skips it and the next create
/// removes it and starts again. Nothing of the user's can be in it: the session never started.
enum PendingWorktree {
    static let suffix = ".csm-creating"

    /// The record's path for the worktree folder `path`.
    static func recordPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(suffix)").path
    }

    /// Writes the record (the marker csm is about to write) for `path`.
    static func begin(path: String, marker: WorktreeMarker) throws {
        try marker.storedData().write(to: URL(fileURLWithPath: recordPath(for: path)), options: .atomic)
    }

    /// Removes the record: the creation finished or was rolled back.
    static func end(path: String) {
        unlink(recordPath(for: path))
    }

    /// Whether `path` is the folder of a creation that never finished: a record naming this session's
    /// folder exists and the folder has no marker.
    static func isInterrupted(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: recordPath(for: path)),
            let pending = WorktreeMarker.decodeStored(data),
            pending.session == URL(fileURLWithPath: path).lastPathComponent
        else { return false }
        return WorktreeMarker.read(worktreePath: path) == nil
    }
}
