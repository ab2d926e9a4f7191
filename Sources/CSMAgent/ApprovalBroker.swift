import Foundation

/// A tool request no rule decided, waiting for a person (API, TUI, dashboard).
public struct PendingApproval: Sendable, Equatable {
    /// The id a decision names (`POST /api/sessions/:name/approve-tool` `{"requestId", …}`).
    public var requestID: String
    /// The csm session.
    public var session: String
    public var request: ToolRequest
    /// Claude Code's id of the tool call, when the hook gave one.
    public var toolUseID: String?
    public var receivedAt: Date

    public init(requestID: String, session: String, request: ToolRequest, toolUseID: String?, receivedAt: Date) {
        self.requestID = requestID
        self.session = session
        self.request = request
        self.toolUseID = toolUseID
        self.receivedAt = receivedAt
    }
}

/// How a pending approval ended.
public enum ApprovalAnswer: Sendable, Equatable {
    /// A person decided; `message` goes to the model with a denial.
    case decided(ToolDecision, message: String?)
    /// Nobody decided within the timeout: the hook answers `ask` and Claude Code shows its own prompt.
    case timedOut
    /// The hook went away (Claude Code gave up on it, or the agent stopped).
    case cancelled
    /// The server is shutting down: the hook answers `ask` at once and Claude Code shows its own prompt.
    case serverStopping
}

/// A decision that cannot be applied.
public enum ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such request (HTTP 404).
    case unknownRequest(requestID: String)
    /// Already decided, timed out or cancelled (HTTP 409).
    case alreadyAnswered(requestID: String, answer: ApprovalAnswer)

    public var description: String {
        switch self {
        case let .unknownRequest(id): return "no pending tool approval with request id '\(id)'"
        case let .alreadyAnswered(id, answer): return "tool approval '\(id)' was already answered (\(answer))"
        }
    }
}

/// Holds pending approvals of every session and hands each decision to the hook waiting for it.
///
/// The server opens an approval when no rule decides a `PreToolUse`, publishes it, and has the hook's
/// request `wait` for it; a person's decision arrives through `decide`. Several approvals per session may
/// be open at once. Answered requests are remembered (the last `memory` of them) so a late or repeated
/// decision is told apart from an unknown id.
public actor ApprovalBroker {
    private var open: [String: PendingApproval] = [:]
    private var answers: [String: ApprovalAnswer] = [:]
    private var answerOrder: [String] = []
    private var waiters: [String: CheckedContinuation<ApprovalAnswer, Never>] = [:]
    private var isStopping = false
    private let memory: Int
    private let makeID: @Sendable () -> String
    private let now: @Sendable () -> Date

    public init(
        memory: Int = 1000, makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.memory = max(1, memory)
        self.makeID = makeID
        self.now = now
    }

    /// Opens an approval for `request` in `session`.
    public func open(session: String, request: ToolRequest, toolUseID: String?) -> PendingApproval {
        let approval = PendingApproval(
            requestID: makeID(), session: session, request: request, toolUseID: toolUseID, receivedAt: now())
        open[approval.requestID] = approval
        return approval
    }

    /// The open approvals, oldest first; of one session when `session` is given.
    public func pending(session: String? = nil) -> [PendingApproval] {
        open.values.filter { session == nil || $0.session == session }.sorted {
            ($0.receivedAt, $0.requestID) < ($1.receivedAt, $1.requestID)
        }
    }

    /// Waits until `requestID` is decided, `timeout` passes on `clock`, or the waiting task is cancelled.
    public func wait<C: Clock>(for requestID: String, timeout: Duration, clock: C) async -> ApprovalAnswer
    where C.Duration == Duration {
        if let answer = answers[requestID] { return answer }
        if isStopping {
            finish(requestID, with: .serverStopping)
            return .serverStopping
        }
        guard open[requestID] != nil else { return .cancelled }
        let timer = Task { [weak self] in
            do { try await clock.sleep(for: timeout) } catch { return }
            await self?.finish(requestID, with: .timedOut)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let answer = answers[requestID] {
                    continuation.resume(returning: answer)
                } else {
                    waiters[requestID] = continuation
                }
            }
        } onCancel: {
            Task { await self.finish(requestID, with: .cancelled) }
        }
    }

    /// Records a person's decision and wakes the waiting hook; returns the approval it answered.
    @discardableResult
    public func decide(_ requestID: String, _ decision: ToolDecision, message: String? = nil) throws(ApprovalError)
        -> PendingApproval
    {
        if let answer = answers[requestID] { throw .alreadyAnswered(requestID: requestID, answer: answer) }
        guard let approval = open[requestID] else { throw .unknownRequest(requestID: requestID) }
        finish(requestID, with: .decided(decision, message: message))
        return approval
    }

    /// Ends every open approval of `session` (its agent stopped).
    public func cancelAll(session: String) {
        for approval in pending(session: session) { finish(approval.requestID, with: .cancelled) }
    }

    /// Answers every open approval with `serverStopping`, and every later one at once (server shutdown):
    /// no hook keeps the server's shutdown waiting for a person.
    public func stopAll() {
        isStopping = true
        for approval in pending() { finish(approval.requestID, with: .serverStopping) }
    }

    private func finish(_ requestID: String, with answer: ApprovalAnswer) {
        guard open.removeValue(forKey: requestID) != nil else { return }
        answers[requestID] = answer
        answerOrder.append(requestID)
        if answerOrder.count > memory { answers[answerOrder.removeFirst()] = nil }
        waiters.removeValue(forKey: requestID)?.resume(returning: answer)
    }
}
