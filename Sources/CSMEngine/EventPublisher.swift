import CSMModel
import Foundation
import Synchronization

/// Fans stored events out to live subscribers (SSE and WebSocket clients, tests).
///
/// A class around a `Mutex` rather than an actor: `EventStore` publishes synchronously inside its own
/// isolation, so subscribers see events in exactly the order their ids were given, which an `await`
/// hop to another actor would not guarantee.
public final class EventPublisher: Sendable {
    /// Which events a subscriber wants.
    public enum Filter: Sendable, Equatable {
        /// Every channel (the global stream).
        case all
        /// One session's channel, or the `reconcile` channel for nil.
        case channel(String?)

        func matches(_ event: EventRecord) -> Bool {
            switch self {
            case .all: true
            case .channel(let session): event.session == session
            }
        }
    }

    /// Live events a subscriber has not read yet, at most; past that its stream ends, and the client
    /// resumes from the last id it saw (replayed from disk) instead of csm holding memory for it.
    public static let bufferLimit = 4096

    private struct Subscriber {
        var filter: Filter
        var continuation: AsyncStream<EventRecord>.Continuation
    }

    private struct State {
        var subscribers: [UUID: Subscriber] = [:]
        var isFinished = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A stream of the events published from now on that pass `filter`. It ends when the subscriber
    /// falls `bufferLimit` events behind or when `finishAll()` is called.
    public func subscribe(_ filter: Filter) -> AsyncStream<EventRecord> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EventRecord.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        let id = UUID()
        let added = state.withLock { state -> Bool in
            guard !state.isFinished else { return false }
            state.subscribers[id] = Subscriber(filter: filter, continuation: continuation)
            return true
        }
        if !added { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers `event` to every matching subscriber.
    ///
    /// The continuations are yielded to outside the lock: a yield resumes the reading task (taking its
    /// status lock) while a cancelled reader's termination handler, run under that same task lock, takes
    /// this lock to unsubscribe; yielding under the lock deadlocked the two (seen as a server that stopped
    /// accepting connections after an SSE client went away). Order is kept: `EventStore` publishes one event
    /// at a time.
    public func publish(_ event: EventRecord) {
        let matching = state.withLock { state in
            state.subscribers.filter { $0.value.filter.matches(event) }.map { ($0.key, $0.value.continuation) }
        }
        var overflowing: [UUID] = []
        for (id, continuation) in matching {
            if case .dropped = continuation.yield(event) {
                overflowing.append(id)
                continuation.finish()
            }
        }
        if !overflowing.isEmpty {
            state.withLock { state in for id in overflowing { state.subscribers[id] = nil } }
        }
    }

    /// The number of live subscribers.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every stream and refuses new subscribers (server shutdown).
    public func finishAll() {
        let all = state.withLock { state -> [Subscriber] in
            state.isFinished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }
}
