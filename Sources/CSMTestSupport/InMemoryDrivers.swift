import CSMDrivers
import CSMModel
import Foundation

/// A tmux server in memory, for engine tests. Records every call.
public actor InMemoryTmux: TmuxDriver {
    public private(set) var sessions: [String: ObservedTmuxSession] = [:]
    public private(set) var requests: [TmuxSessionRequest] = []
    public private(set) var calls: [String] = []
    /// Session names whose creation fails.
    public var failingCreates: Set<String> = []
    /// How long each create takes, to observe parallelism.
    public var createDelay: Duration = .zero
    public private(set) var maxConcurrentCreates = 0
    private var runningCreates = 0

    public init() {}

    public func add(_ session: ObservedTmuxSession) { sessions[session.tmuxName] = session }
    public func setFailingCreates(_ names: Set<String>) { failingCreates = names }

    /// Makes creating `tmuxName` fail (true) or work again (false).
    public func setFailing(_ tmuxName: String, _ failing: Bool) {
        if failing { failingCreates.insert(tmuxName) } else { failingCreates.remove(tmuxName) }
    }

    /// Every tmux session name created so far, in order.
    public var created: [String] { requests.map(\.name) }
    public func setCreateDelay(_ delay: Duration) { createDelay = delay }

    public func listSessions() async throws -> [ObservedTmuxSession] {
        calls.append("list")
        return sessions.values.sorted { $0.tmuxName < $1.tmuxName }
    }

    public func createSession(_ request: TmuxSessionRequest) async throws {
        calls.append("create \(request.name)")
        runningCreates += 1
        maxConcurrentCreates = max(maxConcurrentCreates, runningCreates)
        defer { runningCreates -= 1 }
        if createDelay > .zero { try await Task.sleep(for: createDelay) }
        if failingCreates.contains(request.name) {
            throw TmuxError.commandFailed(argv: ["tmux", "new-session"], status: 1, stderr: "simulated failure")
        }
        guard sessions[request.name] == nil else { throw TmuxError.sessionExists(name: request.name) }
        requests.append(request)
        sessions[request.name] = ObservedTmuxSession(
            tmuxName: request.name, workspace: request.options["@csm-workspace"], session: request.options["@csm-session"],
            specHash: request.options["@csm-spec"], windowCount: request.windows.count)
    }

    public func killSession(named tmuxName: String) async throws {
        calls.append("kill \(tmuxName)")
        sessions[tmuxName] = nil
    }

    /// Pasted texts by `session:window`, oldest first.
    public private(set) var pastes: [(target: String, text: String)] = []

    public func paste(_ text: String, session tmuxName: String, window: String) async throws {
        calls.append("paste \(tmuxName):\(window)")
        guard sessions[tmuxName] != nil else { throw TmuxError.noSuchSession(name: tmuxName) }
        pastes.append(("\(tmuxName):\(window)", text))
    }

    /// What `capturePane` returns, by `session:window`.
    public var paneTexts: [String: String] = [:]
    public func setPaneText(_ text: String, session: String, window: String) { paneTexts["\(session):\(window)"] = text }

    public func capturePane(session tmuxName: String, window: String) async throws -> String {
        calls.append("capture \(tmuxName):\(window)")
        guard sessions[tmuxName] != nil else { throw TmuxError.noSuchSession(name: tmuxName) }
        return paneTexts["\(tmuxName):\(window)"] ?? ""
    }

    /// Respawned windows by `session:window`, with their commands, oldest first.
    public private(set) var respawns: [(target: String, command: [String])] = []

    public func respawnWindow(session tmuxName: String, window: String, command: [String]) async throws {
        calls.append("respawn \(tmuxName):\(window)")
        guard sessions[tmuxName] != nil else { throw TmuxError.noSuchSession(name: tmuxName) }
        respawns.append(("\(tmuxName):\(window)", command))
    }
}

/// Git worktrees in memory, for engine tests. Records every call.
public actor InMemoryGit: GitDriver {
    public private(set) var worktrees: [String: ObservedWorktree] = [:]
    public private(set) var archives: [String] = []
    public private(set) var removedBranches: [String] = []
    public private(set) var calls: [String] = []
    /// Work that "appears" in a worktree when it is next observed (an agent writing after the plan).
    public var pendingWork: [String: Int] = [:]

    public init() {}

    public func add(_ worktree: ObservedWorktree) { worktrees[worktree.path] = worktree }
    public func addWorkOnNextObserve(path: String, untracked: Int) { pendingWork[path] = untracked }

    public func observeWorktrees(in folder: String, host: String) async throws -> [ObservedWorktree] {
        calls.append("observe \(folder)")
        for (path, count) in pendingWork where worktrees[path] != nil {
            worktrees[path]?.untrackedCount += count
        }
        pendingWork = [:]
        return worktrees.values.filter { $0.path.hasPrefix(folder + "/") }.sorted { $0.path < $1.path }
    }

    public func addWorktree(_ request: WorktreeRequest) async throws {
        calls.append("add \(request.path)")
        guard worktrees[request.path] == nil else { throw GitError.pathOccupied(path: request.path) }
        worktrees[request.path] = ObservedWorktree(path: request.path, marker: request.marker, branch: request.branch)
    }

    public func archiveWork(worktreePath: String, session: String, at date: Date) async throws -> String {
        calls.append("archive \(worktreePath)")
        let ref = "refs/csm/archive/\(session)/\(Int(date.timeIntervalSince1970))"
        archives.append(ref)
        if var worktree = worktrees[worktreePath] {
            // Archived commits are reachable from the archive ref.
            worktree.uniqueCommitCount = 0
            worktrees[worktreePath] = worktree
        }
        return ref
    }

    public func removeWorktree(worktreePath: String, repoPath: String, deleteBranch: String?) async throws {
        calls.append("remove \(worktreePath)")
        worktrees[worktreePath] = nil
        if let deleteBranch { removedBranches.append(deleteBranch) }
    }
}
