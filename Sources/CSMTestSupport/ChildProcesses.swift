import CSMDrivers
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a long-running program (a daemon kept in the foreground, such as `sshd -D`) with `posix_spawn`:
/// standard input and output on /dev/null, standard error appended to `stderrPath`, no signal blocked.
/// The caller stops it by pid and reaps it with `waitpid`.
///
/// Not Foundation's `Process`: on Linux it notices a child's end through a socket the child inherits,
/// and then calls a *blocking* `waitpid` on its one manager thread. A program that closes the descriptors
/// it inherited (sshd does, at start) makes that thread wait until the program exits, and meanwhile no
/// other `Process` of the test run is seen to end: `isRunning` stays true, `waitUntilExit()` never
/// returns, and the stop helpers of every other test hang with it.
public func spawnDaemon(_ executable: String, _ arguments: [String], stderrPath: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(SpawnSignals.reset(&attributes)))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard status == 0 else {
        throw ToolFailure(
            command: ([executable] + arguments).joined(separator: " "), status: -1,
            stderr: String(cString: strerror(status)))
    }
    return pid
}

/// How a child process of the test ended, read without reaping it (`waitid` with `WNOWAIT`), so it works
/// whether or not Foundation's `Process` has noticed yet; nil while it runs. Once Foundation has reaped
/// it the status is no longer readable here: `status` is then -1 and `Process.terminationStatus` has it.
public func childExit(_ pid: pid_t) -> (signalled: Bool, status: Int32)? {
    var info = siginfo_t()
    guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
        // Already reaped (by Foundation): `kill` fails once the pid is gone.
        return kill(pid, 0) == 0 ? nil : (false, -1)
    }
    // si_pid is 0 when the child has not ended yet.
    let childPID = info._sifields._sigchld.si_pid
    guard childPID == pid else { return nil }
    let code = info._sifields._sigchld.si_status
    return (info.si_code != CLD_EXITED, code)
}
