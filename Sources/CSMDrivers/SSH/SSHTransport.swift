import CSMModel
import Foundation
import Logging

/// How csm reaches one SSH host: the `hosts.NAME` entry of csm.yaml, as the OpenSSH client needs it.
public struct SSHHost: Sendable, Equatable, Hashable {
    /// The host's name in csm.yaml (`remote1`), used in messages and metadata.
    public var name: String
    /// `user@host` or an ssh config alias.
    public var destination: String
    public var port: Int?
    public var identityFile: String?

    public init(name: String, destination: String, port: Int? = nil, identityFile: String? = nil) {
        self.name = name
        self.destination = destination
        self.port = port
        self.identityFile = identityFile
    }

    /// The SSH host of a remote `HostSpec`; nil for `local`.
    public init?(_ spec: HostSpec) {
        guard let ssh = spec.ssh else { return nil }
        self.init(name: spec.name, destination: ssh, port: spec.port, identityFile: spec.identityFile)
    }

    /// What identifies the connection (one ControlMaster socket per distinct value).
    var connectionKey: String { "\(destination)|\(port.map(String.init) ?? "")|\(identityFile ?? "")" }
}

/// Settings of the OpenSSH client that every call shares.
public struct SSHOptions: Sendable, Equatable {
    /// Seconds ssh may take to connect (`ConnectTimeout`); a host slower than that is unreachable.
    public var connectTimeout: Int
    /// Seconds the shared master connection stays open after its last use (`ControlPersist`).
    public var controlPersist: Int
    /// How many ssh calls run at once against one host; more wait their turn (other hosts are not held up).
    public var maxConcurrentCallsPerHost: Int
    /// The longest a call may take unless the caller says otherwise; then ssh is killed.
    public var defaultTimeout: Duration
    /// Extra `-o` options (tests pass `StrictHostKeyChecking=no` and a private `UserKnownHostsFile`).
    public var extraOptions: [String]

    public init(
        connectTimeout: Int = 10, controlPersist: Int = 600, maxConcurrentCallsPerHost: Int = 4,
        defaultTimeout: Duration = .seconds(120), extraOptions: [String] = []
    ) {
        self.connectTimeout = connectTimeout
        self.controlPersist = controlPersist
        self.maxConcurrentCallsPerHost = max(1, maxConcurrentCallsPerHost)
        self.defaultTimeout = defaultTimeout
        self.extraOptions = extraOptions
    }
}

/// Failures of calls over ssh.
public enum SSHError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ssh could not connect or authenticate (exit status 255); `stderr` holds ssh's reason.
    case connectionFailed(host: String, destination: String, stderr: String)
    /// The call took longer than its timeout and was killed.
    case timedOut(host: String, seconds: Int, command: String)
    /// The host is not declared, or is `local`.
    case unknownHost(String)
    /// The remote side answered something csm cannot read (truncated or foreign output).
    case unreadableOutput(host: String, what: String, detail: String)
    /// A remote command failed; `stderr` is the tail of what it printed.
    case remoteCommandFailed(host: String, what: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case let .connectionFailed(host, destination, stderr):
            var hint = "check that 'ssh \(destination)' works without a password prompt"
            if stderr.contains("Permission denied") || stderr.contains("publickey") {
                hint =
                    "csm uses BatchMode=yes and never prompts: load the key into ssh-agent or set "
                    + "'identityFile' for host '\(host)' in csm.yaml"
            } else if stderr.contains("Host key verification failed") {
                hint = "the host key is unknown or changed: run 'ssh \(destination)' once to accept it"
            }
            let reason = stderr.isEmpty ? "ssh exited with status 255" : stderr
            return "ssh: cannot reach host '\(host)' (\(destination)): \(reason); \(hint)"
        case let .timedOut(host, seconds, command):
            return "ssh: host '\(host)' did not finish '\(command)' within \(seconds) s; the call was stopped"
        case let .unknownHost(name):
            return "ssh: '\(name)' is not an SSH host declared under 'hosts:' in csm.yaml"
        case let .unreadableOutput(host, what, detail):
            return "ssh: host '\(host)' answered \(what) with output csm cannot read (\(detail)); nothing was changed"
        case let .remoteCommandFailed(host, what, status, stderr):
            return "ssh: \(what) on host '\(host)' failed with status \(status)" + (stderr.isEmpty ? "" : ": \(stderr)")
        }
    }
}

/// The OpenSSH client, multiplexed: every call to a host goes through ONE master connection per host
/// (`ControlMaster=auto`, `ControlPersist`), shared by every csm process that uses the same state
/// directory. `BatchMode=yes` everywhere, so a missing key fails at once instead of prompting.
///
/// The master is started on its own, detached from csm's pipes (`-N -f`, stdio on /dev/null, log to a
/// file): a master born from an ordinary call would keep that call's output pipes open for its whole
/// life and the call would never end. Calls use `ControlMaster=no`, so a master that went away makes
/// them connect directly instead of hanging. Each call runs under coreutils `timeout`, and each host
/// has its own concurrency limit, so a slow host never holds back the others.
public actor SSHTransport {
    public nonisolated let options: SSHOptions
    /// Where the control sockets live (short enough for the 108-byte socket path limit).
    public nonisolated let controlDirectory: String
    private var hosts: [String: SSHHost] = [:]
    private var running: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var calls: [String: Int] = [:]
    private var masterTasks: [String: Task<Void, any Error>] = [:]
    private let runner: any ProcessRunner
    private let logger = Logger(label: "csm.ssh")

    /// `stateDirectory` is csm's state dir; sockets go to `<state>/ssh`, or `/tmp/csm-<uid>` when that
    /// path is too long for a socket name.
    public init(
        stateDirectory: String, options: SSHOptions = SSHOptions(), runner: any ProcessRunner = SpawnProcessRunner()
    ) {
        self.options = options
        self.runner = runner
        controlDirectory = Self.controlDirectory(stateDirectory: stateDirectory)
    }

    /// Longest control directory path that leaves room for `/<16 hex>` and ssh's temporary
    /// `.XXXXXXXXXXXXXXXX` suffix inside the 108-byte `sun_path`.
    static let maxControlDirectoryLength = 107 - 17 - 17 - 1

    static func controlDirectory(stateDirectory: String) -> String {
        let preferred = Paths.join(stateDirectory, "ssh")
        if preferred.utf8.count <= maxControlDirectoryLength { return preferred }
        return "/tmp/csm-\(getuid())"
    }

    /// Declares the hosts calls may name (from the workspace's `hosts:`); called on every observation so
    /// an edited csm.yaml takes effect.
    public func configure(_ specs: [HostSpec]) {
        for spec in specs { if let host = SSHHost(spec) { hosts[spec.name] = host } }
    }

    /// Whether `name` is a declared SSH host.
    public func isRemote(_ name: String) -> Bool { hosts[name] != nil }

    /// The declared SSH host `name`.
    public func host(named name: String) throws -> SSHHost {
        guard let host = hosts[name] else { throw SSHError.unknownHost(name) }
        return host
    }

    /// How many remote commands csm ran on `host` (`run` calls; master checks are local); tests count
    /// round trips with it.
    public func commandCount(host: String) -> Int { calls[host, default: 0] }

    /// The control socket of `host`: a hash of the connection, so the path stays short.
    public nonisolated func controlPath(for host: SSHHost) -> String {
        Paths.join(controlDirectory, Self.hash(host.connectionKey))
    }

    /// The options every ssh invocation for `host` carries (before the destination).
    public nonisolated func commonArguments(for host: SSHHost) -> [String] {
        var args = [
            "-o", "BatchMode=yes", "-o", "ConnectTimeout=\(options.connectTimeout)",
            "-o", "ControlPath=\(controlPath(for: host))", "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=3",
        ]
        for option in options.extraOptions { args += ["-o", option] }
        if let port = host.port { args += ["-p", String(port)] }
        if let identity = host.identityFile { args += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        return args
    }

    /// Runs `command` (one shell command line, already quoted with `ShellQuote`) on `hostName` through the
    /// shared connection, with `input` on its stdin. Throws `SSHError.connectionFailed` when ssh itself
    /// fails and `SSHError.timedOut` past `timeout`; a remote command's own failure is in the result.
    public func run(
        _ hostName: String, _ command: String, input: String? = nil, timeout: Duration? = nil
    ) async throws -> ProcessResult {
        let host = try host(named: hostName)
        await acquire(hostName)
        defer { release(hostName) }
        try await ensureMaster(host)
        let seconds = Self.seconds(timeout ?? options.defaultTimeout)
        let ssh = ["ssh"] + commonArguments(for: host) + ["-o", "ControlMaster=no", host.destination, command]
        // A mux client hands its stdio to the master, which keeps it until the remote command ends, even
        // when the client is killed at the timeout: output goes to files, so only the client is waited for.
        let capture = Paths.join(controlDirectory, "call-\(UUID().uuidString.prefix(12))")
        defer {
            try? FileManager.default.removeItem(atPath: capture + ".out")
            try? FileManager.default.removeItem(atPath: capture + ".err")
        }
        let script =
            "exec " + ShellQuote.command(ssh) + " >" + ShellQuote.quote(capture + ".out") + " 2>"
            + ShellQuote.quote(capture + ".err")
        calls[hostName, default: 0] += 1
        let wrapper = try await runner.run(
            "timeout", ["-k", "5", String(seconds), "/bin/sh", "-c", script], input: input,
            environment: nil)
        let result = ProcessResult(
            status: wrapper.status,
            stdout: Self.contents(capture + ".out"), stderr: Self.contents(capture + ".err") + wrapper.stderr)
        if result.status == 124 || result.status == 137 {
            throw SSHError.timedOut(host: hostName, seconds: seconds, command: String(command.prefix(80)))
        }
        if result.status == 255 {
            throw SSHError.connectionFailed(
                host: hostName, destination: host.destination, stderr: Self.sshReason(result.stderr))
        }
        return result
    }

    /// Starts the master connection of `host` unless one answers `-O check`; concurrent callers share
    /// one attempt.
    func ensureMaster(_ host: SSHHost) async throws {
        if let task = masterTasks[host.name] { return try await task.value }
        let task = Task { try await self.startMasterIfNeeded(host) }
        masterTasks[host.name] = task
        defer { masterTasks[host.name] = nil }
        try await task.value
    }

    private func startMasterIfNeeded(_ host: SSHHost) async throws {
        let path = controlPath(for: host)
        if FileManager.default.fileExists(atPath: path) {
            let check = try await runner.run("ssh", commonArguments(for: host) + ["-O", "check", host.destination])
            if check.succeeded { return }
            try? FileManager.default.removeItem(atPath: path)
        }
        try FileManager.default.createDirectory(
            atPath: controlDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let log = path + ".log"
        try? FileManager.default.removeItem(atPath: log)
        let argv =
            ["ssh"] + commonArguments(for: host) + [
                "-o", "ControlMaster=auto", "-o", "ControlPersist=\(options.controlPersist)", "-N", "-f", "-E", log,
                host.destination,
            ]
        // stdio on /dev/null: the backgrounded master must not hold our pipes (see the type's comment).
        let script = ShellQuote.command(argv) + " </dev/null >/dev/null 2>&1"
        let seconds = options.connectTimeout + 5
        let result = try await runner.run(
            "timeout", ["-k", "2", String(seconds), "/bin/sh", "-c", script], input: nil, environment: nil)
        guard result.succeeded else {
            let reason = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            logger.info("ssh master failed", metadata: ["host": "\(host.name)", "error": "\(reason)"])
            if result.status == 124 || result.status == 137, reason.isEmpty {
                throw SSHError.connectionFailed(
                    host: host.name, destination: host.destination,
                    stderr: "no answer within \(seconds) s")
            }
            throw SSHError.connectionFailed(
                host: host.name, destination: host.destination, stderr: Self.sshReason(reason))
        }
        logger.debug("ssh master started", metadata: ["host": "\(host.name)"])
    }

    /// Whether the master connection of `hostName` is up (`ssh -O check`).
    public func isConnected(_ hostName: String) async -> Bool {
        guard let host = hosts[hostName] else { return false }
        let result = try? await runner.run("ssh", commonArguments(for: host) + ["-O", "check", host.destination])
        return result?.succeeded ?? false
    }

    /// Asks the master of `hostName` to forward a port on the host to `localPort` on 127.0.0.1 here
    /// (`ssh -O forward -R 0:127.0.0.1:PORT`) and returns the port the host allocated.
    public func addReverseForward(_ hostName: String, localPort: Int) async throws -> Int {
        let host = try host(named: hostName)
        try await ensureMaster(host)
        let result = try await runner.run(
            "ssh", commonArguments(for: host) + ["-O", "forward", "-R", "0:127.0.0.1:\(localPort)", host.destination])
        guard result.succeeded, let port = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SSHError.remoteCommandFailed(
                host: hostName, what: "opening the reverse forward to port \(localPort)", status: result.status,
                stderr: result.stderrTail)
        }
        return port
    }

    /// Closes the master connection of `hostName` (`ssh -O exit`); nothing when none runs.
    public func disconnect(_ hostName: String) async {
        guard let host = hosts[hostName] else { return }
        _ = try? await runner.run("ssh", commonArguments(for: host) + ["-O", "exit", host.destination])
    }

    /// Closes every master this transport knows.
    public func disconnectAll() async {
        for name in hosts.keys.sorted() { await disconnect(name) }
    }

    // MARK: per-host limit

    private func acquire(_ host: String) async {
        if running[host, default: 0] < options.maxConcurrentCallsPerHost {
            running[host, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[host, default: []].append($0) }
    }

    private func release(_ host: String) {
        if var queue = waiting[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[host] = queue
            next.resume()  // the slot passes to the waiter
        } else {
            running[host, default: 1] -= 1
        }
    }

    // MARK: helpers

    static func contents(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func seconds(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds) + (duration.components.attoseconds > 0 ? 1 : 0))
    }

    /// ssh's own complaint: its last lines, without the warnings about adding host keys.
    static func sshReason(_ stderr: String) -> String {
        stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Warning: Permanently added") }
            .suffix(3).joined(separator: "; ")
    }

    /// FNV-1a, 64 bits, hex: short, stable socket names.
    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
