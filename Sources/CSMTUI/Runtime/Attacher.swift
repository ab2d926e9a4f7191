import CSMDrivers
import CSMModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `tmux attach` in the foreground of this terminal and waits for it to end (the user detaches).
enum Attacher {
    /// The attach command line for a session's window.
    static func arguments(_ environment: TUIEnvironment, session: String, window: AttachWindow) -> [String] {
        ["tmux"]
            + environment.tmux.attachArguments(
                tmuxName: CSMName.tmuxSessionName(for: session), window: window.rawValue,
                insideTmux: environment.isInsideSessionServer)
    }

    /// For a session declared on an SSH host: `ssh -t HOST tmux attach-session -t =csm-NAME:WINDOW` over the
    /// host's shared connection; nil for a session of this machine.
    static func remoteArguments(_ environment: TUIEnvironment, session: String, window: AttachWindow) async -> [String]? {
        guard let remote = environment.engine.observer.remote, let workspace = try? environment.loadWorkspace(),
            let desired = workspace.resolvedSession(named: session),
            let spec = workspace.hosts[desired.host], let host = SSHHost(spec)
        else { return nil }
        await remote.transport.configure([spec])
        let tmux = ["tmux"]
            + environment.tmux.attachArguments(
                tmuxName: CSMName.tmuxSessionName(for: session), window: window.rawValue, insideTmux: false)
        return ["ssh", "-t"] + remote.transport.commonArguments(for: host) + [host.destination, ShellQuote.command(tmux)]
    }

    /// Spawns `argv` with this process's terminal and waits on a separate thread for it to exit. Signals csm
    /// ignores are reset to their defaults in the child; `TMUX` is removed when `unsetTMUX` (tmux refuses
    /// to nest otherwise). Returns the exit status, or a message when it could not start.
    static func run(_ argv: [String], unsetTMUX: Bool) async -> Result<Int32, AttachFailure> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: spawnAndWait(argv, unsetTMUX: unsetTMUX))
            }
            thread.start()
        }
    }

    struct AttachFailure: Error, Sendable { let message: String }

    private static func spawnAndWait(_ argv: [String], unsetTMUX: Bool) -> Result<Int32, AttachFailure> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in SignalWatcher.signals { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let environment = ProcessInfo.processInfo.environment.filter { !(unsetTMUX && $0.key == "TMUX") }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawnp(&pid, argv[0], nil, &attributes, cArguments, cEnvironment)
        guard code == 0 else {
            return .failure(AttachFailure(message: "could not run \(argv[0]): \(String(cString: strerror(code)))"))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR {
                return .failure(AttachFailure(message: "waiting for tmux failed: \(String(cString: strerror(errno)))"))
            }
        }
        let exited = status & 0x7F == 0
        return .success(exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
    }
}
