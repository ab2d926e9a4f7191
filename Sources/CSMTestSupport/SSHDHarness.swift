import CSMDrivers
import CSMModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One real `sshd` on 127.0.0.1 that a test uses as an SSH host (FIELD-NOTES "sshd on loopback").
///
/// Throwaway host and user keys live in the instance's temp folder; logins get `HOME=<folder>/home`, so
/// files csm writes "on the host" stay in the test's folder, the test's `PATH`, and a `TMUX_TMPDIR` of
/// its own, so each "host" has its own tmux servers although they all run on this machine.
public struct SSHDInstance: Sendable {
    public var name: String
    public var port: Int
    public var directory: String
    public var pid: Int32
    /// The login's home on this "host".
    public var home: String
    public var userKey: String
    public var knownHosts: String
    public var user: String

    /// The `hosts.NAME` entry of this instance.
    public var hostSpec: HostSpec {
        HostSpec(name: name, ssh: "\(user)@127.0.0.1", port: port, identityFile: userKey)
    }

    /// Client options for the throwaway host key.
    public var clientOptions: [String] {
        ["StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "LogLevel=ERROR"]
    }

    /// The csm.yaml lines declaring this host (under `hosts:`).
    public var yaml: String {
        "  \(name):\n    ssh: \(user)@127.0.0.1\n    port: \(port)\n    identityFile: \(userKey)\n"
    }
}

/// Starts one sshd per name, runs `body`, and stops every sshd by its pid (and removes the folders)
/// also when `body` throws.
public func withSSHHosts<T>(_ names: [String], _ body: ([SSHDInstance]) async throws -> T) async throws -> T {
    var started: [SSHDInstance] = []
    defer {
        for instance in started {
            stopSSHD(instance)
            killTmuxServers(of: instance)
            try? FileManager.default.removeItem(atPath: instance.directory)
        }
    }
    for name in names { started.append(try startSSHD(name: name)) }
    return try await body(started)
}

/// Stops an instance early (a test of a host going down); `withSSHHosts` then has nothing left to stop.
/// Its per-connection children (which keep serving an open ssh master) are stopped first, so the
/// "host" is really gone.
public func stopSSHD(_ instance: SSHDInstance) {
    guard kill(instance.pid, 0) == 0 else { return }
    for child in childProcesses(of: instance.pid) { kill(child, SIGTERM) }
    kill(instance.pid, SIGTERM)
    var status: Int32 = 0
    waitpid(instance.pid, &status, 0)
}

/// The pids whose parent is `pid` (from /proc/<pid>/stat).
func childProcesses(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> Int32? in
        guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
    }
}

/// Kills every tmux server the instance's logins started (their sockets are in its own TMUX_TMPDIR).
func killTmuxServers(of instance: SSHDInstance) {
    let folder = "\(instance.directory)/tmux/tmux-\(getuid())"
    for socket in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
        _ = try? runTool("tmux", ["-S", folder + "/" + socket, "kill-server"])
    }
}

func startSSHD(name: String) throws -> SSHDInstance {
    let directory = try makeTemporaryDirectory(prefix: "csm-sshd").path
    let home = directory + "/home"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try? FileManager.default.createDirectory(
        atPath: "/run/sshd", withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o755])
    _ = try runTool("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/host_key"])
    _ = try runTool("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/user_key"])
    try FileManager.default.copyItem(atPath: directory + "/user_key.pub", toPath: directory + "/authorized_keys")
    let port = try freeLoopbackPort()
    let environment = ProcessInfo.processInfo.environment
    var setEnv = ["HOME=\(home)", "PATH=\(environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")"]
    try FileManager.default.createDirectory(atPath: directory + "/tmux", withIntermediateDirectories: true)
    setEnv.append("TMUX_TMPDIR=\(directory)/tmux")
    let config = """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(directory)/host_key
        PidFile \(directory)/sshd.pid
        AuthorizedKeysFile \(directory)/authorized_keys
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        AllowTcpForwarding yes
        MaxSessions 50
        MaxStartups 50
        SetEnv \(setEnv.joined(separator: " "))

        """
    try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
    // posix_spawn, not Foundation's Process: sshd closes the descriptors it inherits, which stalls
    // Foundation's tracking of every other child of the test run (see `spawnDaemon`).
    let pid = try spawnDaemon(
        "/usr/sbin/sshd", ["-D", "-e", "-f", directory + "/sshd_config"], stderrPath: directory + "/sshd.log")
    // Ready when the port accepts a connection (sshd binds before it forks anything).
    var ready = false
    for _ in 0..<200 {
        if canConnect(port: port) { ready = true; break }
        usleep(25_000)
    }
    guard ready else {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let log = (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
        throw ToolFailure(command: "sshd -D -e -f \(directory)/sshd_config", status: -1, stderr: log)
    }
    let user = String(cString: getpwuid(getuid()).pointee.pw_name)
    return SSHDInstance(
        name: name, port: port, directory: directory, pid: pid, home: home,
        userKey: directory + "/user_key", knownHosts: directory + "/known_hosts", user: user)
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(fd, pointer, length) == 0 else { return -1 }
            return getsockname(fd, pointer, &length)
        }
    }
    guard bound == 0 else { throw ToolFailure(command: "bind 127.0.0.1:0", status: errno, stderr: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port)).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    } == 0
}
