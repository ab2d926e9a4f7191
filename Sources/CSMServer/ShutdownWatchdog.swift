import CSMDrivers
import Foundation
import HTTPTypes
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Knows what a stopping `csm server` still waits for, and ends the process when a graceful shutdown
/// takes longer than `timeout`: it logs at error level the services, requests and programs still
/// running, kills those programs' process groups and exits with status 70 (`exitStatus`) — a stuck
/// shutdown becomes a visible failure instead of a process that holds `server.lock` forever.
///
/// The timer runs on a thread of its own, so it fires even when every task of the cooperative pool waits.
public final class ShutdownWatchdog: Sendable {
    /// The exit status of a shutdown that did not finish in time (`EX_SOFTWARE`).
    public static let exitStatus: Int32 = 70

    private struct State {
        var armedAt: Date?
        var reason = ""
        var isDisarmed = false
        var services: [String] = []
        var requests: [UInt64: (head: HTTPRequest, since: ContinuousClock.Instant)] = [:]
        var nextRequest: UInt64 = 0
        var steps: [String] = []
    }

    /// How long a graceful shutdown may take before the process exits anyway.
    public let timeout: Duration
    private let state = Mutex(State())
    private let disarmed = DispatchSemaphore(value: 0)
    private let expire: @Sendable (String) -> Void
    private let logger = Logger(label: "csm.server")

    /// - Parameter onExpiry: what happens when the time is up, given the report; by default the report
    ///   is logged, running programs are killed and the process exits with `exitStatus`.
    public init(timeout: Duration = .seconds(10), onExpiry: (@Sendable (String) -> Void)? = nil) {
        self.timeout = timeout
        let logger = Logger(label: "csm.server")
        self.expire =
            onExpiry ?? { report in
                logger.error("\(report)")
                RunningChildren.signalAll(SIGKILL)
                _exit(Self.exitStatus)
            }
    }

    /// Starts the clock (idempotent): called when the shutdown begins.
    public func arm(reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.armedAt == nil else { return false }
            state.armedAt = Date()
            state.reason = reason
            return true
        }
        guard first else { return }
        logger.notice("shutting down", metadata: ["reason": "\(reason)", "timeout": "\(timeout)"])
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            guard disarmed.wait(timeout: .now() + seconds) == .timedOut else { return }
            expire(report())
        }
        thread.name = "csm-shutdown-watchdog"
        thread.start()
    }

    /// The shutdown finished: the clock stops.
    public func disarm() {
        let wasArmed = state.withLock { state -> Bool in
            guard !state.isDisarmed else { return false }
            state.isDisarmed = true
            return state.armedAt != nil
        }
        if wasArmed { disarmed.signal() }
    }

    /// Whether the shutdown has begun.
    public var isShuttingDown: Bool { state.withLock { $0.armedAt != nil } }

    /// Notes a step of the shutdown (logged at debug level, and named in the report).
    public func step(_ text: String) {
        state.withLock { $0.steps.append(text) }
        logger.debug("shutdown: \(text)")
    }

    /// Runs `body` as service `name`, listed as still running until it returns.
    func tracking<T>(service name: String, _ body: () async throws -> T) async rethrows -> T {
        state.withLock { $0.services.append(name) }
        defer {
            state.withLock { state in state.services.removeAll { $0 == name } }
            if isShuttingDown { step("\(name) stopped") }
        }
        return try await body()
    }

    /// Runs `body` as one HTTP request, listed while it runs (its head is kept, formatted only for a report).
    func tracking<T>(request head: HTTPRequest, _ body: () async throws -> T) async rethrows -> T {
        let id = state.withLock { state -> UInt64 in
            state.nextRequest &+= 1
            state.requests[state.nextRequest] = (head, .now)
            return state.nextRequest
        }
        defer { _ = state.withLock { $0.requests.removeValue(forKey: id) } }
        return try await body()
    }

    /// What is still running, in words: the error logged when the time is up.
    public func report() -> String {
        let now = Date()
        let (reason, services, requests, steps) = state.withLock { state in
            (state.reason, state.services, state.requests.values.sorted { $0.since < $1.since }, state.steps)
        }
        let children = RunningChildren.entries
        func age(_ date: Date) -> String { String(format: "%.1fs", now.timeIntervalSince(date)) }
        var lines = [
            "csm server did not stop within \(timeout) of \(reason.isEmpty ? "the shutdown request" : reason); "
                + "exiting with status \(Self.exitStatus). Still running:"
        ]
        lines.append("  services: " + (services.isEmpty ? "none" : services.joined(separator: ", ")))
        let requestList = requests.map { request in
            let waited = request.since.duration(to: .now)
            let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            return "\(request.head.method) \(request.head.path ?? "") (for \(String(format: "%.1fs", seconds)))"
        }
        lines.append("  requests: " + (requestList.isEmpty ? "none" : requestList.joined(separator: ", ")))
        lines.append(
            "  programs: "
                + (children.isEmpty
                    ? "none"
                    : children.map { "pid \($0.pid) '\($0.argv.joined(separator: " "))' (for \(age($0.startedAt)))" }
                        .joined(separator: ", ")))
        if !steps.isEmpty { lines.append("  done so far: " + steps.joined(separator: "; ")) }
        return lines.joined(separator: "\n")
    }
}
