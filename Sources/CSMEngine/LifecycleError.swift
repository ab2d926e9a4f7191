/// Why a lifecycle operation (run, merge, archive, restore, rename) was refused or failed. Every refusal
/// happens before anything changed, unless the message says otherwise.
public enum LifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownSession(String, declared: [String])
    case sessionExists(String)
    case invalidName(String)
    case unknownScript(session: String, script: String, available: [String])
    case notRunning(session: String)
    case windowMissing(session: String, window: String)
    case noWorktree(session: String)
    case dirtyWorktree(session: String, path: String, work: String)
    case pushFailed(session: String, base: String, status: Int32?, stderr: String)
    case notArchived(String, archived: [String])
    case repoGone(session: String, repo: String)
    case damagedArchive(path: String, underlying: String)
    case applyFailed(session: String, messages: [String])
    case renameFailed(from: String, to: String, step: String, underlying: String)
    case invalidPath(String)
    /// The operation works on this machine's sessions only, and the session runs on an SSH host.
    case remoteSession(session: String, host: String)
    /// A rename would move the session's default branch onto a branch that already exists.
    case branchExists(session: String, branch: String)
    /// A restore needs a branch that another worktree has checked out (git allows one).
    case branchInUse(session: String, branch: String, path: String)

    public var description: String {
        switch self {
        case let .unknownSession(name, declared):
            return "no session named '\(name)' in csm.yaml"
                + (declared.isEmpty ? "." : "; declared: \(declared.joined(separator: ", ")).")
        case let .sessionExists(name):
            return
                "a session named '\(name)' is already declared (or its tmux session csm-\(name) exists); choose another name."
        case let .invalidName(name):
            return "'\(name)' is not a valid session name: use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'."
        case let .unknownScript(session, script, available):
            return "session '\(session)' has no script '\(script)'"
                + (available.isEmpty
                    ? "; declare one under the repo's 'scripts:' in csm.yaml."
                    : "; declared: \(available.joined(separator: ", ")).")
        case let .notRunning(session):
            return "session '\(session)' is not running; run 'csm apply' first."
        case let .remoteSession(session, host):
            return "session '\(session)' runs on SSH host '\(host)'; run, merge, diff, archive, restore and rename work "
                + "on sessions of this machine only. Attach with 'csm attach \(session)' and use git there."
        case let .windowMissing(session, window):
            return "session '\(session)' has no '\(window)' window; run 'csm apply' to restore it."
        case let .noWorktree(session):
            return "session '\(session)' has no worktree owned by this workspace; run 'csm apply' first."
        case let .dirtyWorktree(session, path, work):
            return "session '\(session)': \(path) has \(work); commit (or remove) it first. Nothing was changed."
        case let .pushFailed(session, base, status, stderr):
            return "session '\(session)': the merge into '\(base)' is done locally, but 'git push' failed"
                + (status.map { " with status \($0)" } ?? "")
                + ": \(stderr). Push it yourself once the remote is reachable."
        case let .notArchived(name, archived):
            return "no archived session named '\(name)'"
                + (archived.isEmpty ? "." : "; archived: \(archived.joined(separator: ", ")).")
        case let .repoGone(session, repo):
            return
                "session '\(session)' used repo '\(repo)', which is no longer declared in csm.yaml; declare it again first."
        case let .damagedArchive(path, underlying):
            return "the archive file \(path) cannot be read (\(underlying)); fix or move it away."
        case let .applyFailed(session, messages):
            return "session '\(session)': " + messages.joined(separator: "; ")
        case let .invalidPath(path):
            return
                "'\(path)' is not a file path inside the worktree: give it relative to the worktree, without '..' or '.git'."
        case let .branchExists(session, branch):
            return "renaming session '\(session)' would rename its branch to '\(branch)', which already exists; "
                + "choose another name, or delete or rename that branch first. Nothing was changed."
        case let .branchInUse(session, branch, path):
            return "session '\(session)' needs branch '\(branch)', which the worktree at \(path) has checked out; "
                + "remove or switch that worktree first. Nothing was changed."
        case let .renameFailed(from, to, step, underlying):
            return "renaming session '\(from)' to '\(to)' failed while trying to \(step): \(underlying). "
                + "Every step already made was rolled back; csm.yaml, the branch, the worktree and the session are as before."
        }
    }
}
