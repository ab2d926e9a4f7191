import CSMDrivers
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C, SIGTERM or SIGHUP on a one-shot command (`csm apply`, `csm create`, …) also stop the programs
/// it runs.
///
/// `SpawnProcessRunner` starts each program in its own process group (so `csm server` can stop a setup
/// and everything it started), which also keeps a terminal's Ctrl-C from reaching them. Here the signal
/// is passed on to every running program's group, then csm ends as the signal's default would have
/// ended it. `csm server`, the TUI and `csm hook` handle their own signals and do not install this.
enum InterruptForwarding {
    /// The subcommands that must not get it.
    static let ownHandling: Set<String> = ["server", "tui", "hook"]

    /// Whether `arguments` (after the program name, global options hoisted) run a one-shot command.
    static func applies(to arguments: [String]) -> Bool {
        // No subcommand (or only options): the TUI, csm's default.
        guard let first = arguments.first, !first.hasPrefix("-") else { return false }
        return !ownHandling.contains(first)
    }

    /// Kept alive for the life of the process; written once by `install()` on the main thread before the
    /// command (and any other task) starts, never read.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the forwarding; called once, before the command runs, from the main thread.
    static func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                RunningChildren.signalAll(SIGTERM)
                // The default action, as if csm had not caught it (the shell sees "killed by SIGINT").
                signal(number, SIG_DFL)
                kill(getpid(), number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
