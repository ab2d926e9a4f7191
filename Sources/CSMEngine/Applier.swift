import CSMDrivers
import CSMModel
import Foundation
import Logging

/// What happened to one action during an apply.
public enum ActionOutcome: Sendable, Equatable {
    case succeeded
    case failed(String)
    /// Not started because an earlier action failed, or refused by the plan (`blocked`).
    case skipped(String)
}

extension ActionOutcome {
    /// The failure message of an action stopped because csm is stopping (its programs were ended); what
    /// it was doing is redone next time.
    public static let interrupted = "interrupted: csm is stopping; the next apply or pass does it again"
}

/// A progress report, one when an action starts and one when it ends.
public enum ApplyEvent: Sendable, Equatable {
    case started(PlannedAction)
    case finished(PlannedAction, ActionOutcome, seconds: Double)
}

/// The result of an apply.
public struct ApplyReport: Sendable, Equatable {
    public var results: [(action: PlannedAction, outcome: ActionOutcome)]

    public static func == (lhs: ApplyReport, rhs: ApplyReport) -> Bool {
        lhs.results.map(\.action) == rhs.results.map(\.action) && lhs.results.map(\.outcome) == rhs.results.map(\.outcome)
    }

    public var failures: [(action: PlannedAction, message: String)] {
        results.compactMap { if case let .failed(message) = $0.outcome { ($0.action, message) } else { nil } }
    }

    public var succeeded: [PlannedAction] { results.filter { $0.outcome == .succeeded }.map(\.action) }
    public var blocked: [PlannedAction] { results.map(\.action).filter { $0.kind == .blocked } }
    public var isComplete: Bool { results.allSatisfy { $0.outcome == .succeeded } }
}

/// Failures of an apply step, naming the session and the step.
public enum ApplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Work appeared in a worktree after the plan was made; the destroy was stopped.
    case workAppeared(session: String, path: String, work: String)
    case step(session: String, step: String, underlying: String)

    public var description: String {
        switch self {
        case let .workAppeared(session, path, work):
            return "session \(session): \(path) now holds work that exists nowhere else (\(work)); nothing was removed. "
                + "Run 'csm plan' again, or use --force to archive the work first."
        case let .step(session, step, underlying):
            return "session \(session): \(step) failed: \(underlying)"
        }
    }
}

/// Executes plans through the drivers with bounded parallelism. Stops starting new actions after a
/// failure; actions already running finish. Idempotent with the planner: apply, then plan → no changes.
public struct Applier: Sendable {
    public var tmux: any TmuxDriver
    public var git: any GitDriver
    public var launch: AgentLaunch
    /// How many actions run at once.
    public var parallelism: Int
    /// Source of new agent conversation ids (injected so tests are deterministic).
    public var makeSessionID: @Sendable () -> String
    public var now: @Sendable () -> Date
    /// Where setup progress goes (the server streams it as events); nil: only the setup log.
    public var setupProgress: SetupProgressSink?
    /// SSH hosts: actions on them run through that host's drivers (Applier+Remote.swift).
    public var remote: RemoteHosts?
    /// Set on the copy that performs an action on an SSH host: that host's name.
    var remoteHost: String?
    private let repoLock = KeyedLock()
    /// Sessions started at about the same time share one tmux invocation.
    private let tmuxBatch: TmuxCreationBatcher
    private let logger = Logger(label: "csm.engine")

    public init(
        tmux: any TmuxDriver, git: any GitDriver, launch: AgentLaunch, parallelism: Int = 4,
        makeSessionID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        now: @escaping @Sendable () -> Date = { Date() }, remote: RemoteHosts? = nil
    ) {
        self.remote = remote
        self.tmux = tmux
        self.git = git
        self.launch = launch
        self.parallelism = max(1, parallelism)
        tmuxBatch = TmuxCreationBatcher(tmux: tmux)
        self.makeSessionID = makeSessionID
        self.now = now
    }

    /// Applies `plan`, reporting each action's start and end to `progress` (called concurrently).
    public func apply(_ plan: Plan, progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async -> ApplyReport {
        let runnable = plan.actions.enumerated().filter { $0.element.kind != .blocked }
        var outcomes: [Int: ActionOutcome] = [:]
        for (index, action) in plan.actions.enumerated() where action.kind == .blocked {
            outcomes[index] = .skipped(action.reason)
        }
        await withTaskGroup(of: (Int, ActionOutcome).self) { group in
            var pending = runnable[...]
            var failed = false
            func startNext() {
                guard !failed, !Task.isCancelled, let (index, action) = pending.popFirst() else { return }
                group.addTask {
                    progress(.started(action))
                    let clock = ContinuousClock()
                    let start = clock.now
                    let outcome: ActionOutcome
                    do {
                        try await perform(action, workspace: plan.workspace)
                        outcome = .succeeded
                    } catch is CancellationError {
                        outcome = .failed(ActionOutcome.interrupted)
                    } catch {
                        outcome = .failed("\(error)")
                    }
                    let elapsed = start.duration(to: clock.now)
                    progress(.finished(action, outcome, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
                    return (index, outcome)
                }
            }
            for _ in 0..<parallelism { startNext() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if case .failed = outcome { failed = true }
                startNext()
            }
            // Cancelled (csm is stopping): nothing new starts; what runs stops its programs (SpawnProcessRunner).
            let reason =
                Task.isCancelled ? "not started because csm is stopping" : "not started because an earlier action failed"
            for (index, _) in pending { outcomes[index] = .skipped(reason) }
        }
        return ApplyReport(results: plan.actions.enumerated().map { ($0.element, outcomes[$0.offset] ?? .skipped("not run")) })
    }

    /// Performs one action.
    func perform(_ action: PlannedAction, workspace: String) async throws {
        if let routed = await routed(for: action) { return try await routed.perform(action, workspace: workspace) }
        logger.info("applying", metadata: ["session": "\(action.session)", "action": "\(action.kind.rawValue)"])
        switch action.kind {
        case .create:
            guard let session = action.desired else { return }
            let sessionID = makeSessionID()
            try await addWorktree(for: session, sessionID: sessionID)
            try await prepareWorktree(session, isNew: true)
            // Interrupted (csm is stopping) after the worktree is ready: the next pass starts the agent.
            try Task.checkCancellation()
            try await startTmux(session, mode: .new(sessionID: sessionID))
        case .start:
            guard let session = action.desired else { return }
            if !action.restoresWindows.isEmpty {
                try await restoreWindows(action.restoresWindows, of: session, fallbackSessionID: markedSessionID(action))
                return
            }
            try await prepareWorktree(session, isNew: false)
            try await startTmux(session, mode: .resume(fallbackSessionID: markedSessionID(action)))
        case .restart:
            guard let session = action.desired else { return }
            try await step(action.session, "kill tmux session") { try await tmux.killSession(named: session.tmuxName) }
            try await prepareWorktree(session, isNew: false)
            try await startTmux(session, mode: .resume(fallbackSessionID: markedSessionID(action)))
        case .repair:
            guard let session = action.desired else { return }
            try await step(action.session, "kill tmux session") { try await tmux.killSession(named: session.tmuxName) }
            let sessionID = makeSessionID()
            try await addWorktree(for: session, sessionID: sessionID)
            try await prepareWorktree(session, isNew: true)
            try await startTmux(session, mode: .resume(fallbackSessionID: sessionID))
        case .destroy:
            try await destroy(action, workspace: workspace)
        case .blocked:
            return
        }
    }

    /// The agent conversation id recorded in the worktree's marker (a fresh one when there is none).
    private func markedSessionID(_ action: PlannedAction) -> String {
        action.worktree?.marker?.agentSessionID ?? makeSessionID()
    }

    private func addWorktree(for session: DesiredSession, sessionID: String) async throws {
        let marker = WorktreeMarker(workspace: session.workspace, session: session.name, repoPath: session.repoPath,
                                    branch: session.branch, agentSessionID: sessionID, createdAt: now())
        let request = WorktreeRequest(repoPath: session.repoPath, path: session.worktreePath, branch: session.branch,
                                      base: session.base, marker: marker)
        try await step(session.name, "create worktree") {
            try await repoLock.run(session.repoPath) { try await git.addWorktree(request) }
        }
    }

    func startTmux(_ session: DesiredSession, mode: LaunchMode) async throws {
        let request = try await step(session.name, "write launch files") { try await launchRequest(session, mode: mode) }
        // Local creations share tmux invocations; an SSH host's tmux runs each over the shared connection.
        if remoteHost != nil {
            try await step(session.name, "start tmux session") { try await tmux.createSession(request) }
        } else {
            try await step(session.name, "start tmux session") { try await tmuxBatch.create(request) }
        }
    }

    private func destroy(_ action: PlannedAction, workspace: String) async throws {
        let name = action.session
        if action.killsTmux {
            try await step(name, "kill tmux session") { try await tmux.killSession(named: CSMName.tmuxSessionName(for: name)) }
        }
        if let planned = action.worktree, let marker = planned.marker {
            // The agent may have written files between plan and apply: look again now that it is stopped.
            let observer = Observer(tmux: tmux, git: git)
            let current = try await step(name, "inspect worktree") { try await observer.observeWorktree(at: planned.path, host: planned.host) }
            if let current {
                if let work = current.workDescription {
                    guard action.archivesWork else { throw ApplyError.workAppeared(session: name, path: current.path, work: work) }
                    let ref = try await step(name, "archive work") {
                        try await repoLock.run(marker.repoPath) { try await git.archiveWork(worktreePath: current.path, session: name, at: now()) }
                    }
                    logger.notice("archived work", metadata: ["session": "\(name)", "ref": "\(ref)"])
                }
                let branch = action.deletesBranch ? current.branch : nil
                try await step(name, "remove worktree") {
                    try await repoLock.run(marker.repoPath) {
                        try await git.removeWorktree(worktreePath: current.path, repoPath: marker.repoPath, deleteBranch: branch)
                    }
                }
            }
        }
        launch.removeFiles(workspace: workspace, session: name)
        if remoteHost != nil { await removeRemoteFiles(workspace: workspace, session: name) }
    }

    /// Runs one step, wrapping its error with the session and step name.
    func step<T>(_ session: String, _ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ApplyError {
            throw error
        } catch let error as PreparationError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw ApplyError.step(session: session, step: name, underlying: "\(error)")
        }
    }
}
