import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the terminal could not be taken over.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal.
    case notATerminal
    /// A termios call failed.
    case termios(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the terminal UI needs a terminal on standard input and output; run 'csm list' instead."
        case let .termios(call, code):
            return
                "could not set up the terminal (\(call): \(String(cString: strerror(code)))); run 'csm list' instead."
        }
    }
}

/// A terminal size in character cells.
public struct TerminalSize: Sendable, Equatable, Hashable {
    /// Width in cells.
    public var columns: Int
    /// Height in cells.
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// The controlling terminal: raw mode, alternate screen and hidden cursor, entered by `enter()` and all
/// undone by `restore()`, which is idempotent and safe to call from a signal path or a `defer`.
public final class TerminalDevice: Sendable {
    /// The settings found at start, restored on the way out. Guarded by the mutex; nil when not in raw mode.
    private let saved = Mutex<termios?>(nil)
    private let input: Int32
    private let output: Int32

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input
        self.output = output
    }

    /// Whether both ends are terminals.
    public var isTerminal: Bool { isatty(input) == 1 && isatty(output) == 1 }

    /// The current size, 80×24 when the terminal does not say.
    public var size: TerminalSize {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return TerminalSize(columns: Int(ws.ws_col), rows: Int(ws.ws_row))
        }
        return TerminalSize(columns: 80, rows: 24)
    }

    /// Raw mode (no echo, no line editing, no signals from keys, no output processing), then the
    /// alternate screen, a hidden cursor and bracketed paste.
    public func enter() throws(TerminalError) {
        guard isTerminal else { throw .notATerminal }
        var original = termios()
        guard tcgetattr(input, &original) == 0 else { throw .termios(call: "tcgetattr", errno: errno) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        saved.withLock { $0 = original }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
            saved.withLock { $0 = nil }
            throw .termios(call: "tcsetattr", errno: errno)
        }
        CrashGuard.arm(fd: input, settings: original)
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[?2004h\u{1B}[2J")
    }

    /// Leaves the alternate screen, shows the cursor and puts the saved settings back. Does nothing when
    /// the terminal is not in raw mode.
    public func restore() {
        guard
            var original = saved.withLock({ value -> termios? in
                defer { value = nil }
                return value
            })
        else { return }
        write("\u{1B}[0m\u{1B}[?2004l\u{1B}[?25h\u{1B}[?1049l")
        _ = tcsetattr(input, TCSAFLUSH, &original)
        CrashGuard.disarm()
    }

    /// Writes all of `text` to the terminal, retrying short writes.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(output, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += written
        }
    }
}
