import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a cancelled `SpawnProcessRunner.run` does to its program: wait `grace` for it to end on its own
/// (a tmux or git command finishes in milliseconds and is better not cut in half), then `SIGTERM` its
/// process group, then `SIGKILL` after `killAfter` more.
public struct ProcessCancellation: Sendable, Equatable {
    public var grace: Duration
    public var killAfter: Duration

    public init(grace: Duration = .seconds(1), killAfter: Duration = .seconds(2)) {
        self.grace = grace
        self.killAfter = killAfter
    }
}

/// One program started by `SpawnProcessRunner`: its pid once spawned, whether its run was cancelled and
/// whether csm signalled it. Listed in `RunningChildren` from spawn to reaping.
final class SpawnedChild: Sendable {
    private struct State {
        var pid: pid_t?
        var isCancelled = false
        var isFinished = false
        var wasTerminated = false
        var cancellation: ProcessCancellation?
    }

    let argv: [String]
    /// Started as the leader of a process group of its own (signals then reach the whole group).
    let ownsProcessGroup: Bool
    let startedAt = Date()
    private let state = Mutex(State())

    init(argv: [String], ownsProcessGroup: Bool) {
        self.argv = argv
        self.ownsProcessGroup = ownsProcessGroup
    }

    var isCancelled: Bool { state.withLock { $0.isCancelled } }
    var wasTerminated: Bool { state.withLock { $0.wasTerminated } }

    /// The program runs as `pid` (the leader of its own process group).
    func started(_ pid: pid_t) {
        let pending = state.withLock { state -> ProcessCancellation? in
            state.pid = pid
            return state.isCancelled ? state.cancellation : nil
        }
        RunningChildren.add(self, pid: pid)
        if let pending { scheduleTermination(pending) }
    }

    /// The program exited (not yet reaped): nothing may signal its pid any more.
    func finished() {
        let pid = state.withLock { state -> pid_t? in
            state.isFinished = true
            return state.pid
        }
        if let pid { RunningChildren.remove(pid: pid) }
    }

    /// The run was cancelled: stop the program after the grace period unless it ends first.
    func cancel(_ cancellation: ProcessCancellation) {
        let running = state.withLock { state -> Bool in
            guard !state.isCancelled else { return false }
            state.isCancelled = true
            state.cancellation = cancellation
            return state.pid != nil && !state.isFinished
        }
        if running { scheduleTermination(cancellation) }
    }

    private func scheduleTermination(_ cancellation: ProcessCancellation) {
        let queue = DispatchQueue.global()
        queue.asyncAfter(deadline: .now() + cancellation.grace.timeInterval) {
            guard self.signal(SIGTERM) else { return }
            queue.asyncAfter(deadline: .now() + cancellation.killAfter.timeInterval) { _ = self.signal(SIGKILL) }
        }
    }

    /// Signals the program's process group while it has not exited; false once it has.
    @discardableResult
    func signal(_ number: Int32) -> Bool {
        state.withLock { state in
            guard let pid = state.pid, !state.isFinished else { return false }
            state.wasTerminated = true
            // The group first (what a setup script started), the leader as well in case it left the group.
            if ownsProcessGroup { _ = kill(-pid, number) }
            _ = kill(pid, number)
            return true
        }
    }
}

/// The programs `SpawnProcessRunner` has started in this process and not yet reaped.
///
/// A process-wide table, like the process's children themselves are process-wide: `csm server` names
/// them when a shutdown does not finish in time, and stops them before it exits.
public enum RunningChildren {
    /// One running program.
    public struct Entry: Sendable, Equatable {
        public var pid: Int32
        public var argv: [String]
        public var startedAt: Date
    }

    private static let table = Mutex<[pid_t: SpawnedChild]>([:])
    private static let isolation = Atomic(false)

    /// Whether `SpawnProcessRunner`s made from now on start programs in process groups of their own.
    /// `csm server` turns it on as it starts (it stops programs on shutdown and has no terminal to share);
    /// one-shot commands leave it off, so Ctrl-C and terminal prompts reach their programs as usual.
    public static var isolatesProcessGroups: Bool {
        get { isolation.load(ordering: .relaxed) }
        set { isolation.store(newValue, ordering: .relaxed) }
    }

    static func add(_ child: SpawnedChild, pid: pid_t) { table.withLock { $0[pid] = child } }
    static func remove(pid: pid_t) { _ = table.withLock { $0.removeValue(forKey: pid) } }

    /// The programs running now, oldest first.
    public static var entries: [Entry] {
        table.withLock { table in
            table.map { Entry(pid: $0.key, argv: $0.value.argv, startedAt: $0.value.startedAt) }
        }.sorted { $0.startedAt < $1.startedAt }
    }

    /// Cancels every running program's run as if its task had been cancelled: each gets the grace period,
    /// then `SIGTERM`, then `SIGKILL`, and its run throws `CancellationError` (a shutting-down server
    /// stops the programs of requests it cannot cancel).
    public static func cancelAll(_ cancellation: ProcessCancellation = ProcessCancellation()) {
        for child in table.withLock({ Array($0.values) }) { child.cancel(cancellation) }
    }

    /// Sends `signal` to every running program's process group (last resort before csm exits).
    public static func signalAll(_ signal: Int32) {
        for child in table.withLock({ Array($0.values) }) { child.signal(signal) }
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`, for GCD deadlines.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
