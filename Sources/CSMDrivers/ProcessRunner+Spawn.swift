import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs programs with `posix_spawn` and close-on-exec pipes.
///
/// Foundation's `Process` leaves its pipe descriptors inheritable, so a program that daemonises (the
/// tmux server started by the first `new-session`) keeps the write ends open forever and a reader
/// waiting for end-of-file hangs; concurrent spawns also leak each other's pipes. Here the child closes
/// every descriptor above 2 before `exec`, and our own pipe ends are close-on-exec.
public struct SpawnProcessRunner: ProcessRunner {
    /// How long a cancelled run lets its program finish on its own before `SIGTERM` reaches its process
    /// group, and how long after that `SIGKILL` follows.
    public var cancellation: ProcessCancellation
    /// Whether each program runs in a process group of its own, so a cancellation stops everything it
    /// started (a setup's commands). Off, programs stay in csm's group: a terminal's Ctrl-C reaches them
    /// and they may prompt on the terminal (git asking for a password in a setup run by `csm apply`).
    public var isolatesProcessGroup: Bool

    /// - Parameter isolatesProcessGroup: nil takes `RunningChildren.isolatesProcessGroups` (on in `csm server`).
    public init(cancellation: ProcessCancellation = ProcessCancellation(), isolatesProcessGroup: Bool? = nil) {
        self.cancellation = cancellation
        self.isolatesProcessGroup = isolatesProcessGroup ?? RunningChildren.isolatesProcessGroups
    }

    /// Runs the program; when the calling task is cancelled, the program (and everything it started in
    /// its process group) is given `cancellation.grace` to finish, then terminated, and the run throws
    /// `CancellationError`. A cancelled task never starts a program.
    public func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?) async throws -> ProcessResult {
        let child = SpawnedChild(argv: [executable] + arguments, ownsProcessGroup: isolatesProcessGroup)
        let cancellation = self.cancellation
        return try await withTaskCancellationHandler {
            // The blocking work runs on a GCD thread: the cooperative pool has one thread per core here.
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result {
                        try Self.runBlocking(executable, arguments, input: input, environment: environment, child: child)
                    })
                }
            }
        } onCancel: {
            child.cancel(cancellation)
        }
    }

    /// Runs a program and waits for it on the calling thread (never call this from the cooperative pool).
    public static func runBlocking(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
        try runBlocking(
            executable, arguments, input: input, environment: environment,
            child: SpawnedChild(argv: [executable] + arguments, ownsProcessGroup: false))
    }

    static func runBlocking(
        _ executable: String, _ arguments: [String], input: String?, environment: [String: String]?, child: SpawnedChild
    ) throws -> ProcessResult {
        let argv = [executable] + arguments
        if child.isCancelled { throw CancellationError() }
        let stdinPipe = try makePipe(argv)
        let stdoutPipe = try makePipe(argv)
        let stderrPipe = try makePipe(argv)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        // Close everything else in the child, including descriptors other code in this process left
        // inheritable (Foundation's pipes): a daemonising child would otherwise hold them open.
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        // The calling thread (a GCD or Swift runtime thread) blocks most signals, and a spawned program
        // inherits that mask: the tmux server and every agent it starts would then never see SIGHUP or
        // SIGTERM, so `kill-session` and `kill-server` would leave them running. Start with no signal
        // blocked and every signal at its default action.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group when asked, so a cancelled run can stop the program and whatever it started
        // (a setup script's commands) with one signal, without signalling csm itself.
        var flags = SpawnSignals.reset(&attributes)
        if child.ownsProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var pid: pid_t = 0
        let spawnStatus = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
            : posix_spawnp(&pid, executable, &actions, &attributes, cArgv, cEnv)
        close(stdinPipe.read)
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard spawnStatus == 0 else {
            close(stdinPipe.write)
            close(stdoutPipe.read)
            close(stderrPipe.read)
            throw ProcessError(argv: argv, status: nil, stderrTail: String(cString: strerror(spawnStatus)))
        }
        child.started(pid)

        // stdin and stderr on helper threads, stdout here, so no pipe can fill up and block the child.
        let group = DispatchGroup()
        let inputData = Data((input ?? "").utf8)
        let writeFD = stdinPipe.write
        DispatchQueue.global().async(group: group) {
            inputData.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(writeFD, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeFD)
        }
        let errBox = DataBox()
        let errFD = stderrPipe.read
        DispatchQueue.global().async(group: group) { errBox.data = readAll(errFD) }
        let outData = readAll(stdoutPipe.read)
        group.wait()
        let status = wait(pid, child: child)
        // Stopped by a cancellation: its output is not an answer to anything.
        if child.wasTerminated { throw CancellationError() }
        return ProcessResult(status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), declared only under `_GNU_SOURCE`,
    /// which Swift's Glibc module does not set; looked up once at run time instead.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func makePipe(_ argv: [String]) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw ProcessError(argv: argv, status: nil, stderrTail: "pipe: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec keeps our ends out of programs other threads spawn meanwhile.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private static func readAll(_ fd: Int32) -> Data {
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
            } else if n == 0 || errno != EINTR {
                return data
            }
        }
    }

    private static func wait(_ pid: pid_t, child: SpawnedChild) -> Int32 {
        // Wait without reaping first: until the child is marked finished, its pid (and process group id)
        // cannot be reused, so a late cancellation never signals a stranger.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        child.finished()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros that do not import into Swift.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// The stderr bytes, written by one helper thread and read only after `DispatchGroup.wait()`, which
/// orders the write before the read; that is why the unchecked conformance is safe.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// The signal state every program csm spawns starts with.
public enum SpawnSignals {
    /// Sets `attributes` to start a program with no signal blocked and every signal at its default
    /// action, and returns the `posix_spawnattr_setflags` flags that make that apply (OR in more).
    public static func reset(_ attributes: inout posix_spawnattr_t) -> Int32 {
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        return Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    }
}
