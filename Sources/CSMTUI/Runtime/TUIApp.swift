import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The dashboard's loop: takes over the terminal, feeds keys, signals, data and effect results through the
/// reducer, performs the effects and redraws what changed. Everything it changed on the terminal is put
/// back on every way out: `q`, Ctrl-C, SIGINT/SIGTERM/SIGHUP, a thrown error.
public struct TUIApp {
    private enum LoopEvent: Sendable {
        case tui(TUIEvent)
        case signal(Int32)
    }

    /// What the TUI needs from the rest of csm.
    public let environment: TUIEnvironment
    /// Where snapshots and events come from.
    public let dataSource: any TUIDataSource
    /// Performs kill, favorite, apply, create and event loading.
    public let runner: any EffectRunner
    /// The terminal taken over while running.
    public let terminal: TerminalDevice

    public init(
        environment: TUIEnvironment, dataSource: any TUIDataSource, runner: any EffectRunner,
        terminal: TerminalDevice = TerminalDevice()
    ) {
        self.environment = environment
        self.dataSource = dataSource
        self.runner = runner
        self.terminal = terminal
    }

    /// Runs until the user quits or a terminating signal arrives; returns the exit status (0, or 128 + signal).
    public func run() async throws(TerminalError) -> Int32 {
        let (stream, continuation) = AsyncStream<LoopEvent>.makeStream()
        let signals = SignalWatcher { continuation.yield(.signal($0)) }
        defer { signals.cancel() }
        try terminal.enter()
        defer { terminal.restore() }
        let input = InputReader { keys in for key in keys { continuation.yield(.tui(.key(key))) } }
        defer { input.stop() }
        let source = dataSource
        let data = Task { await source.run { continuation.yield(.tui(.data($0))) } }
        defer { data.cancel() }

        var state = TUIState(size: terminal.size, configPath: environment.editablePath)
        var diff = FrameDiff()
        terminal.write(diff.update(to: Screen.render(state)))
        for await event in stream {
            var effects: [TUIEffect] = []
            switch event {
            case .signal(SIGWINCH):
                diff.invalidate()
                effects = Reducer.reduce(&state, .resize(terminal.size))
            case let .signal(number):
                return 128 + number
            case let .tui(event):
                effects = Reducer.reduce(&state, event)
            }
            for effect in effects {
                switch effect {
                case .quit:
                    return 0
                case .refresh:
                    dataSource.refresh()
                case let .attach(session, window):
                    let result = await attach(session: session, window: window, input: input)
                    diff.invalidate()
                    _ = Reducer.reduce(&state, .resize(terminal.size))
                    continuation.yield(.tui(.effect(result)))
                default:
                    let runner = self.runner
                    Task { await runner.perform(effect) { continuation.yield(.tui($0)) } }
                }
            }
            let bytes = diff.update(to: Screen.render(state))
            if !bytes.isEmpty { terminal.write(bytes) }
        }
        return 0
    }

    /// Hands the terminal to `tmux attach` and takes it back when tmux returns. Inside the same tmux server
    /// the client is switched instead, and the dashboard stays where it is.
    private func attach(session: String, window: AttachWindow, input: InputReader) async -> EffectResult {
        let remoteArgv = await Attacher.remoteArguments(environment, session: session, window: window)
        let argv = remoteArgv ?? Attacher.arguments(environment, session: session, window: window)
        if remoteArgv == nil, environment.isInsideSessionServer {
            if case let .failure(failure) = await Attacher.run(argv, unsetTMUX: false) {
                return .attachReturned(session: session, error: failure.message)
            }
            return .attachReturned(session: session, error: nil)
        }
        input.pause()
        terminal.restore()
        terminal.write("\u{1B}[2J\u{1B}[H")
        let result = await Attacher.run(argv, unsetTMUX: true)
        do {
            try terminal.enter()
        } catch {
            input.resume()
            return .attachReturned(session: session, error: error.description)
        }
        input.resume()
        switch result {
        case let .failure(failure): return .attachReturned(session: session, error: failure.message)
        case let .success(status) where status != 0:
            return .attachReturned(session: session, error: "tmux attach ended with status \(status).")
        case .success: return .attachReturned(session: session, error: nil)
        }
    }
}
