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

    public init(
        environment: TUIEnvironment, hostCheckInterval: Double = 30, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.hostCheckInterval = hostCheckInterval
        self.now = now
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
                    emit(await observe())
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

    /// Cuts the current wait short.
    public func refresh() { waker.wake() }

    /// One observation, as an event (a failure is an event too).
    public func observe() async -> DataEvent {
        do {
            let workspace = try environment.loadWorkspace()
            let (plan, actual) = try await environment.engine.plan(workspace, counting: .all)
            var snapshot = WorkspaceSnapshot.make(workspace: workspace, actual: actual, plan: plan, observedAt: now())
            for index in snapshot.sessions.indices where snapshot.sessions[index].row.status != .unmanaged {
                let log = environment.stateLayout.hookLog(
                    workspace: workspace.name, session: snapshot.sessions[index].name)
                snapshot.sessions[index].lastMessage = HookLog.lastMessage(path: log)
            }
            return .snapshot(snapshot)
        } catch {
            return .failed(String(describing: error))
        }
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
