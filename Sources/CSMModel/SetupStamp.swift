import Foundation

/// The record of a worktree's last setup run, kept in the worktree's git directory next to csm's marker
/// (`csm-setup.json`), so it survives restarts, disappears with the worktree and is read by observation
/// like every other fact; the planner decides from it, nothing trusts a separate state file.
public struct SetupStamp: Sendable, Equatable, Codable {
    /// `DesiredSession.setupHash` of the commands that ran.
    public var hash: String
    /// The exit status of the setup script (0: success).
    public var exitStatus: Int32
    public var finishedAt: Date
    /// The last lines of the setup log, shown by `plan`, `list` and the API when the setup failed.
    public var logTail: String
    /// The full log under the state directory.
    public var logPath: String

    public init(hash: String, exitStatus: Int32, finishedAt: Date, logTail: String, logPath: String) {
        self.hash = hash
        self.exitStatus = exitStatus
        self.finishedAt = finishedAt
        self.logTail = logTail
        self.logPath = logPath
    }

    public var succeeded: Bool { exitStatus == 0 }

    /// The number of log lines a stamp keeps.
    public static let tailLines = 15
}

extension ObservedWorktree {
    /// The failed setup of `session`'s current setup text, if that is what this worktree last recorded.
    public func failedSetup(for session: DesiredSession) -> SetupStamp? {
        guard let stamp = setup, let hash = session.setupHash, stamp.hash == hash, !stamp.succeeded else { return nil }
        return stamp
    }
}
