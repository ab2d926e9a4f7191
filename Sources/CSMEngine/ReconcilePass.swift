import CSMModel
import Foundation

/// What one reconciler pass did to one planned action.
public struct ReconcileActionResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Equatable, Codable {
        case succeeded, failed
        /// Refused by the plan (`blocked`) or not run.
        case skipped
        /// Not tried in this pass: the session is backing off after failures.
        case deferred
    }

    public var session: String
    public var action: ActionKind
    public var outcome: Outcome
    /// The failure, the block reason, or when the next try is due.
    public var message: String?

    public init(session: String, action: ActionKind, outcome: Outcome, message: String? = nil) {
        self.session = session
        self.action = action
        self.outcome = outcome
        self.message = message
    }
}

/// One reconciler pass: why it ran, the plan it made and what became of each action. Published as the
/// `reconcile.pass` event and served by `GET /api/plan`.
public struct ReconcilePass: Sendable, Equatable, Codable {
    /// Counts passes since the reconciler started, from 1.
    public var number: Int
    /// `start`, `interval`, `config changed`, `api`.
    public var reason: String
    public var startedAt: Date
    public var durationSeconds: Double
    /// The plan; nil when the pass failed before planning (see `error`).
    public var plan: Plan?
    public var results: [ReconcileActionResult]
    /// Why the pass could not plan or apply at all (invalid csm.yaml, lock held, observation failed).
    public var error: String?

    public init(
        number: Int, reason: String, startedAt: Date, durationSeconds: Double = 0, plan: Plan? = nil,
        results: [ReconcileActionResult] = [], error: String? = nil
    ) {
        self.number = number
        self.reason = reason
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.plan = plan
        self.results = results
        self.error = error
    }

    /// Whether the pass planned nothing and failed nothing.
    public var isClean: Bool { error == nil && (plan?.actions.isEmpty ?? false) }
}

/// A session whose actions keep failing: shown in the API, retried with exponential backoff.
public struct SessionFailure: Sendable, Equatable, Codable {
    public var session: String
    public var action: ActionKind
    public var message: String
    /// Failures in a row.
    public var count: Int
    public var lastFailedAt: Date
    /// When the reconciler tries again.
    public var retryAt: Date

    public init(session: String, action: ActionKind, message: String, count: Int, lastFailedAt: Date, retryAt: Date) {
        self.session = session
        self.action = action
        self.message = message
        self.count = count
        self.lastFailedAt = lastFailedAt
        self.retryAt = retryAt
    }
}

/// How the reconciler paces itself. The pass interval and pruning come from csm.yaml
/// (`server.reconcile`) on every pass; these are the fixed parts.
public struct ReconcilerSettings: Sendable, Equatable {
    /// How often the loop wakes to look for a changed csm.yaml or a due pass.
    public var tick: Duration
    /// The delay after a session's first failure; it doubles with each failure in a row…
    public var backoffBase: Duration
    /// …up to this.
    public var backoffCap: Duration
    /// How long a pass waits for `csm apply` (or another writer) to release the apply lock.
    public var lockTimeout: Duration
    /// Actions applied at once.
    public var parallelism: Int

    public init(
        tick: Duration = .milliseconds(250), backoffBase: Duration = .seconds(5), backoffCap: Duration = .seconds(300),
        lockTimeout: Duration = .seconds(30), parallelism: Int = 4
    ) {
        self.tick = tick
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.lockTimeout = lockTimeout
        self.parallelism = max(1, parallelism)
    }

    /// The wait after `failures` failures in a row: base × 2^(failures−1), capped.
    public func backoff(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let delay = backoffBase * (1 << exponent)
        return min(delay, backoffCap)
    }
}
