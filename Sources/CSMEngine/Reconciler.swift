import CSMModel
import CSMPlanner
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The drift-correcting loop of `csm server`: a pass every `server.reconcile.interval` and within a
/// tick of any change to csm.yaml. Each pass observes, plans and applies the non-destructive actions;
/// destroys happen only with `server.reconcile.prune: true` and are still blocked when work would be
/// lost (the planner's rule). Every action runs on its own, so one failing session does not hold the
/// others back; a failing session is retried with exponential backoff and listed in `failures`.
///
/// Time comes from the injected clock `C` (tests drive a manual clock; passes never sleep).
public actor Reconciler<C: Clock> where C.Duration == Duration {
    public let engine: Engine
    public let settings: ReconcilerSettings
    private let clock: C
    private let loadWorkspace: @Sendable () throws -> Workspace
    /// The workspace of the last csm.yaml that loaded, used while the file is invalid or missing.
    private var lastGoodWorkspace: Workspace?
    private let configPath: String?
    private let events: EventStore?
    private let applyLockPath: (@Sendable (Workspace) -> String)?
    private let now: @Sendable () -> Date
    private let logger = Logger(label: "csm.reconciler")
    private let passLock = KeyedLock()

    private var passCount = 0
    private var backoff: [String: (failure: SessionFailure, retryAt: C.Instant)] = [:]
    /// The last pass; nil before the first.
    public private(set) var latest: ReconcilePass?
    /// The interval of the last loaded workspace.
    private var interval: Duration = .seconds(15)

    /// - Parameters:
    ///   - loadWorkspace: reads and validates csm.yaml; called at the start of every pass.
    ///   - configPath: the file watched for changes (nil: no watching).
    ///   - events: where `reconcile.pass` and per-session `session.action` events go.
    ///   - applyLockPath: the lock taken around each apply, so `csm apply` and a pass never overlap.
    public init(
        engine: Engine, settings: ReconcilerSettings = ReconcilerSettings(), clock: C,
        loadWorkspace: @escaping @Sendable () throws -> Workspace, configPath: String? = nil, events: EventStore? = nil,
        applyLockPath: (@Sendable (Workspace) -> String)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var engine = engine
        if let events, engine.applier.setupProgress == nil {
            // Setup output of the sessions this loop prepares is streamed like every other session event.
            engine.applier.setupProgress = { progress in _ = try? await events.append(progress.event) }
        }
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.loadWorkspace = loadWorkspace
        self.configPath = configPath
        self.events = events
        self.applyLockPath = applyLockPath
        self.now = now
    }

    /// Sessions backing off after failures, by name.
    public var failures: [String: SessionFailure] { backoff.mapValues(\.failure) }

    /// Runs passes until the task is cancelled: one at once, then whenever the interval has passed or
    /// csm.yaml changed (checked every `settings.tick`).
    public func run() async {
        var lastPass: C.Instant?
        var stamp = Self.fileStamp(configPath)
        while !Task.isCancelled {
            let current = Self.fileStamp(configPath)
            let changed = current != stamp
            let due = lastPass.map { $0.duration(to: clock.now) >= interval } ?? true
            if changed || due {
                stamp = current
                _ = await pass(reason: lastPass == nil ? "start" : changed ? "config changed" : "interval")
                lastPass = clock.now
            }
            do {
                try await clock.sleep(for: settings.tick)
            } catch {
                break
            }
        }
        logger.debug("reconciler stopped")
    }

    /// Runs one pass now (after any pass already running) and returns it.
    @discardableResult
    public func pass(reason: String) async -> ReconcilePass {
        let result = try? await passLock.run("pass") { await self.performPass(reason: reason) }
        return result
            ?? ReconcilePass(number: passCount, reason: reason, startedAt: now(), error: "the pass was cancelled")
    }

    private func performPass(reason: String) async -> ReconcilePass {
        passCount += 1
        let start = clock.now
        var record = ReconcilePass(number: passCount, reason: reason, startedAt: now())
        do {
            // csm.yaml made invalid or deleted while the server runs: report it, and keep the sessions of
            // the last csm.yaml that loaded running, never pruning on its word alone.
            let workspace: Workspace
            let prune: Bool
            do {
                workspace = try loadWorkspace()
                prune = workspace.server.prune
                lastGoodWorkspace = workspace
            } catch {
                guard let lastGoodWorkspace else { throw error }
                record.error = "\(error)\n(keeping the last valid csm.yaml; nothing is pruned until it loads again)"
                logger.warning("csm.yaml does not load; keeping the last valid one", metadata: ["error": "\(error)"])
                workspace = lastGoodWorkspace
                prune = false
            }
            interval = .milliseconds(Int64(max(0.05, workspace.server.reconcileInterval) * 1000))
            let options = PlanOptions(force: false, deleteBranch: false, prune: prune)
            var lock: WorkspaceLock?
            if let applyLockPath {
                lock = try await WorkspaceLock.acquire(path: applyLockPath(workspace), timeout: settings.lockTimeout)
            }
            defer { lock?.release() }
            let (plan, _) = try await engine.plan(workspace, options: options)
            record.plan = plan
            record.results = await apply(plan)
        } catch {
            record.error = "\(error)"
            logger.warning("reconcile pass failed", metadata: ["error": "\(error)"])
        }
        let elapsed = start.duration(to: clock.now)
        record.durationSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        latest = record
        await publish(record)
        return record
    }

    /// Applies each runnable action on its own, skipping sessions that are backing off.
    private func apply(_ plan: Plan) async -> [ReconcileActionResult] {
        var results: [ReconcileActionResult] = []
        var runnable: [PlannedAction] = []
        let instant = clock.now
        for action in plan.actions {
            if action.kind == .blocked {
                results.append(
                    ReconcileActionResult(
                        session: action.session, action: action.refused ?? .blocked,
                        outcome: .skipped, message: action.reason))
            } else if let waiting = backoff[action.session], waiting.retryAt > instant {
                results.append(
                    ReconcileActionResult(
                        session: action.session, action: action.kind, outcome: .deferred,
                        message: "retrying after \(waiting.failure.count) failure(s) at "
                            + ISO8601DateFormatter().string(from: waiting.failure.retryAt)))
            } else {
                runnable.append(action)
            }
        }
        let applier = engine.applier
        let workspace = plan.workspace
        let parallelism = settings.parallelism
        let outcomes = await withTaskGroup(of: (PlannedAction, ActionOutcome).self) { group in
            var pending = runnable[...]
            var collected: [(PlannedAction, ActionOutcome)] = []
            func startNext() {
                guard let action = pending.popFirst() else { return }
                group.addTask {
                    let report = await applier.apply(Plan(workspace: workspace, actions: [action]))
                    return (action, report.results.first?.outcome ?? .skipped("not run"))
                }
            }
            for _ in 0..<parallelism { startNext() }
            for await outcome in group {
                collected.append(outcome)
                startNext()
            }
            return collected
        }
        for (action, outcome) in outcomes.sorted(by: { $0.0.session < $1.0.session }) {
            switch outcome {
            case .succeeded:
                backoff[action.session] = nil
                results.append(ReconcileActionResult(session: action.session, action: action.kind, outcome: .succeeded))
            case .failed(let message) where Task.isCancelled || message == ActionOutcome.interrupted:
                // Interrupted by a shutdown, not failed: no backoff, the next start tries again.
                results.append(
                    ReconcileActionResult(
                        session: action.session, action: action.kind, outcome: .skipped,
                        message: Task.isCancelled ? ActionOutcome.interrupted : message))
            case .failed(let message):
                recordFailure(action, message: message)
                results.append(
                    ReconcileActionResult(
                        session: action.session, action: action.kind, outcome: .failed,
                        message: message))
            case .skipped(let message):
                results.append(
                    ReconcileActionResult(
                        session: action.session, action: action.kind, outcome: .skipped,
                        message: message))
            }
        }
        // A session that no longer needs anything has recovered (fixed by hand, or undeclared).
        let planned = Set(plan.actions.map(\.session))
        for name in backoff.keys where !planned.contains(name) { backoff[name] = nil }
        return results.sorted { $0.session < $1.session }
    }

    private func recordFailure(_ action: PlannedAction, message: String) {
        let count = (backoff[action.session]?.failure.count ?? 0) + 1
        let delay = settings.backoff(afterFailures: count)
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let failedAt = now()
        let failure = SessionFailure(
            session: action.session, action: action.kind, message: message, count: count,
            lastFailedAt: failedAt, retryAt: failedAt.addingTimeInterval(seconds))
        backoff[action.session] = (failure, clock.now.advanced(by: delay))
        logger.warning(
            "session action failed; backing off",
            metadata: [
                "session": "\(action.session)", "action": "\(action.kind.rawValue)",
                "failures": "\(count)", "error": "\(message)",
            ])
    }

    private func publish(_ record: ReconcilePass) async {
        guard let events else { return }
        do {
            try await events.append(
                NewEvent(session: nil, type: "reconcile.pass", data: try JSONValue.encoding(record)))
            // Something that existed went away or changed behind csm's back (a killed tmux server, a
            // deleted worktree): say so on the session's own channel, before the action that corrects it.
            for action in record.plan?.actions ?? [] where [.start, .restart, .repair].contains(action.kind) {
                try await events.append(
                    NewEvent(
                        session: action.session, type: "session.drift",
                        data: .object([
                            "action": .string(action.kind.rawValue), "reason": .string(action.reason),
                            "pass": .number(Double(record.number)),
                        ])))
            }
            for result in record.results where result.outcome != .deferred {
                var data: [String: JSONValue] = [
                    "action": .string(result.action.rawValue), "outcome": .string(result.outcome.rawValue),
                    "pass": .number(Double(record.number)),
                ]
                if let message = result.message { data["message"] = .string(message) }
                try await events.append(NewEvent(session: result.session, type: "session.action", data: .object(data)))
            }
        } catch {
            logger.error("could not store reconcile events", metadata: ["error": "\(error)"])
        }
    }

    /// Identity of a file's current content as `stat` sees it: inode, size, modification time.
    static func fileStamp(_ path: String?) -> [Int] {
        guard let path else { return [] }
        var info = stat()
        guard stat(path, &info) == 0 else { return [-1] }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }
}
