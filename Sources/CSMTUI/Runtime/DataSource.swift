import CSMDrivers
import CSMEngine
import CSMModel
import Dispatch
import Foundation
import Synchronization

/// Where the dashboard's data comes from. Two kinds are planned: direct observation (`PollingDataSource`,
/// now) and the server's event stream (when `csm server` runs for the workspace). Both speak `DataEvent`,
/// so the reducer and views do not know which one feeds them.
public protocol TUIDataSource: Sendable {
    /// Delivers events through `emit` until the calling task is cancelled.
    func run(_ emit: @escaping @Sendable (DataEvent) -> Void) async
    /// Asks for fresh data now rather than at the next interval.
    func refresh()
}

/// Observes the workspace through the engine every few seconds (and on `refresh()`): the declared
/// workspace, one observation, the plan and the `csm list` rows, sent as one snapshot.
public final class PollingDataSource: TUIDataSource {
    private let environment: TUIEnvironment
    private let waker = Waker()
    private let now: @Sendable () -> Date
    /// Seconds between ssh probes of the remote hosts.
    private let hostCheckInterval: Double
    /// The changes column's stats of local worktrees; nil when the git driver cannot compute them.
    private let stats: DiffStatsCache?
    /// The worktrees of the last observation whose stats `refreshStats` brings up to date.
    private let statsRequests = Mutex<[DiffStatsCache.Request]>([])
    /// Set by `refresh()`: the next `refreshStats` recomputes every worktree's stats.
    private let forceStats = Mutex(false)
    /// Turns and cost from the transcripts, when no server reports them.
    private let transcripts = TranscriptUsage()

    public init(
        environment: TUIEnvironment, hostCheckInterval: Double = 30, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.hostCheckInterval = hostCheckInterval
        self.now = now
        stats = environment.diffStats.map { DiffStatsCache(reader: $0, now: now) }
    }

    /// Sends the mode, then a snapshot per interval (or per `refresh()`) until cancelled.
    public func run(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        let seconds = environment.pollInterval
        emit(
            .connection(
                "observing every \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s · no server"
            ))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                while !Task.isCancelled {
                    let event = await observe()
                    emit(event)
                    if case let .snapshot(snapshot) = event, let updated = await refreshStats(snapshot) {
                        emit(.snapshot(updated))
                    }
                    await waker.wait(seconds: seconds)
                }
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    for (host, check) in await checkHosts() { emit(.hostChecked(host: host, check)) }
                    try? await Task.sleep(for: .seconds(hostCheckInterval))
                }
            }
        }
    }

    /// Probes every remote host of the workspace at once.
    public func checkHosts() async -> [(String, HostCheck)] {
        guard let workspace = try? environment.loadWorkspace() else { return [] }
        let probe = HostProbe(runner: environment.processRunner)
        let now = self.now
        return await withTaskGroup(of: (String, HostCheck).self) { group in
            for host in workspace.hosts.values where !host.isLocal {
                group.addTask { (host.name, await probe.check(host, now: now)) }
            }
            var results: [(String, HostCheck)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
    }

    /// Cuts the current wait short; the stats are recomputed too.
    public func refresh() {
        forceStats.withLock { $0 = true }
        waker.wake()
    }

    /// One observation, as an event (a failure is an event too). Each local worktree's changes carry the
    /// diff stats known so far (`refreshStats` updates them after the snapshot is out); with `transcripts`,
    /// each local session's turns and cost come from its transcript (without a server, which reports them
    /// otherwise).
    public func observe(transcripts readTranscripts: Bool = true) async -> DataEvent {
        do {
            let workspace = try environment.loadWorkspace()
            let (plan, actual) = try await environment.engine.plan(workspace, counting: .all)
            var snapshot = WorkspaceSnapshot.make(workspace: workspace, actual: actual, plan: plan, observedAt: now())
            var logSizes: [String: String] = [:]
            for index in snapshot.sessions.indices where snapshot.sessions[index].row.status != .unmanaged {
                let name = snapshot.sessions[index].name
                let log = environment.stateLayout.hookLog(workspace: workspace.name, session: name)
                snapshot.sessions[index].lastMessage = HookLog.lastMessage(path: log)
                logSizes[name] = Self.fileSize(log)
            }
            if let stats {
                statsRequests.withLock {
                    $0 = Self.statsRequests(workspace: workspace, actual: actual, activity: logSizes)
                }
                snapshot = Self.applying(await stats.cached(), to: snapshot)
            }
            if readTranscripts {
                let agents = await transcripts.agents(of: workspace)
                for index in snapshot.sessions.indices where snapshot.sessions[index].row.status != .unmanaged {
                    snapshot.sessions[index].agent = agents[snapshot.sessions[index].name]
                }
            }
            return .snapshot(snapshot)
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Recomputes the stats of the last observation's worktrees that may have changed (one worktree at a
    /// time, after the snapshot is shown) and returns `snapshot` with them when any changed.
    public func refreshStats(_ snapshot: WorkspaceSnapshot) async -> WorkspaceSnapshot? {
        guard let stats else { return nil }
        let requests = statsRequests.withLock { $0 }
        let force = forceStats.withLock { force in
            defer { force = false }
            return force
        }
        if force { await stats.invalidate() }
        guard await stats.refresh(requests) else { return nil }
        return Self.applying(await stats.cached(), to: snapshot)
    }

    /// The local csm worktrees of the workspace, each with the base its session branches from (the
    /// declared one; the repository's HEAD for sessions no longer declared) and as activity its observed
    /// counts and its hook log's size, which grows with every tool call of the agent.
    static func statsRequests(workspace: Workspace, actual: ActualState, activity: [String: String])
        -> [DiffStatsCache.Request]
    {
        var desired: [String: DesiredSession] = [:]
        for session in workspace.resolvedSessions() { desired[session.name] = session }
        return actual.worktrees.compactMap { worktree in
            guard worktree.host == HostSpec.localName, let marker = worktree.marker,
                marker.workspace == workspace.name
            else { return nil }
            let spec = desired[marker.session].flatMap { $0.host == HostSpec.localName ? $0 : nil }
            // The observation's own counts change with the first edit of a file or a new file, at no cost.
            let counts = "\(worktree.uncommittedCount)/\(worktree.untrackedCount)/\(worktree.uniqueCommitCount)"
            return DiffStatsCache.Request(
                worktreePath: worktree.path, repoPath: spec?.repoPath ?? marker.repoPath, base: spec?.base,
                activity: counts + " " + (activity[marker.session] ?? "-"))
        }
    }

    /// The snapshot with each session's stats from `stats` (by worktree path); others keep none.
    static func applying(_ stats: [String: DiffStats], to snapshot: WorkspaceSnapshot) -> WorkspaceSnapshot {
        var snapshot = snapshot
        for index in snapshot.sessions.indices {
            let item = snapshot.sessions[index]
            snapshot.sessions[index].diffStats =
                item.row.status == .unmanaged || item.row.host != HostSpec.localName
                ? nil : item.row.worktree.flatMap { stats[$0] }
        }
        return snapshot
    }

    static func fileSize(_ path: String) -> String? {
        var info = stat()
        return stat(path, &info) == 0 ? String(info.st_size) : nil
    }
}

/// A sleep that `wake()` cuts short, and task cancellation too. No thread is blocked while waiting.
final class Waker: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var generation = 0
        var woken = false
    }

    private let state = Mutex(State())

    func wait(seconds: Double) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let generation = state.withLock { state -> Int? in
                    if state.woken || Task.isCancelled {
                        state.woken = false
                        return nil
                    }
                    state.generation += 1
                    state.continuation = continuation
                    return state.generation
                }
                guard let generation else { return continuation.resume() }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in resume(generation: generation)
                }
            }
        } onCancel: {
            wake()
        }
    }

    /// Ends the current wait, or the next one at once when none is running.
    func wake() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let continuation = state.continuation else {
                state.woken = true
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume()
    }

    private func resume(generation: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return continuation
        }
        continuation?.resume()
    }
}
