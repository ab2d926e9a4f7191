import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGWINCH, SIGINT, SIGTERM and SIGHUP into callbacks on a dispatch queue, so the UI can redraw
/// on a resize and restore the terminal before it exits on the others. The default actions of the
/// terminating signals are replaced while the watcher lives and put back by `cancel()`.
public final class SignalWatcher {
    /// The signals watched.
    public static let signals: [Int32] = [SIGWINCH, SIGINT, SIGTERM, SIGHUP]

    private let sources: [any DispatchSourceSignal]

    /// Starts watching; `handler` receives the signal number.
    public init(handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "csm.tui.signals")
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops watching and restores the default signal actions.
    public func cancel() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
