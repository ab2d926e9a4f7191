#if canImport(Glibc)
    import Glibc
#endif

/// Puts the terminal back even when csm crashes: a Swift trap (SIGILL or SIGTRAP on Linux), SIGABRT, SIGSEGV,
/// SIGBUS and SIGFPE skip every `defer`. The handler calls only async-signal-safe functions (`write`,
/// `tcsetattr`, `sigaction`) on plain values (no reference counting), puts back the handler that was there
/// before (the Swift runtime's backtracer, or the default) and returns, so the fault happens again and is
/// reported and fatal exactly as it would be without csm (the signal is raised again for the same reason).
enum CrashGuard {
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    // Safety of the `nonisolated(unsafe)` state below: it is written only by `arm` (before the handlers are
    // installed) and `disarm` (after they are removed), both called from the UI loop; in between, only the
    // handler reads it. `previous` is allocated once and never freed, so the handler never sees a dangling pointer.
    nonisolated(unsafe) static var isArmed = false
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var settings = termios()
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 6)

    /// The slot of `number` in `previous` (a switch, so the handler touches no array).
    static func slot(_ number: Int32) -> Int? {
        switch number {
        case SIGILL: 0
        case SIGTRAP: 1
        case SIGABRT: 2
        case SIGSEGV: 3
        case SIGBUS: 4
        case SIGFPE: 5
        default: nil
        }
    }

    /// Installs the handlers; `settings` are restored on `fd` if csm crashes before `disarm()`.
    static func arm(fd: Int32, settings: termios) {
        guard !isArmed else { return }
        self.fd = fd
        self.settings = settings
        for number in signals {
            guard let slot = slot(number) else { continue }
            _ = sigaction(number, nil, previous + slot)
        }
        isArmed = true
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = crashHandler
            sigemptyset(&action.sa_mask)
            _ = sigaction(number, &action, nil)
        }
    }

    /// Puts the previous handlers back (after a normal restore).
    static func disarm() {
        guard isArmed else { return }
        for number in signals {
            guard let slot = slot(number) else { continue }
            _ = sigaction(number, previous + slot, nil)
        }
        isArmed = false
    }
}

/// Leaves the alternate screen, shows the cursor, restores the settings and the previous handler, returns.
private func crashHandler(_ number: Int32) {
    guard CrashGuard.isArmed else { return }
    let reset: StaticString = "\u{1B}[0m\u{1B}[?2004l\u{1B}[?25h\u{1B}[?1049l"
    _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
    _ = tcsetattr(CrashGuard.fd, TCSANOW, &CrashGuard.settings)
    if let slot = CrashGuard.slot(number) {
        _ = sigaction(number, CrashGuard.previous + slot, nil)
    } else {
        signal(number, SIG_DFL)
    }
    // Pending until this handler returns, then delivered to the previous handler: also a signal sent with
    // kill(1), which would not happen again by itself, ends the process as before.
    raise(number)
}
