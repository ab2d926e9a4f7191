import CSMDrivers
import CSMModel
import Foundation

/// Checks that a remote host answers over ssh (`ssh -o BatchMode=yes … true`) and how long that takes.
/// Never asks for a password or a host key: a host that needs either counts as unreachable, with ssh's reason.
public struct HostProbe: Sendable {
    let runner: any ProcessRunner
    /// Seconds ssh may take to connect.
    let connectTimeout: Int

    public init(runner: any ProcessRunner, connectTimeout: Int = 5) {
        self.runner = runner
        self.connectTimeout = connectTimeout
    }

    /// The ssh command line that probes `host`.
    func arguments(_ host: HostSpec) -> [String] {
        var arguments = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=\(connectTimeout)"]
        if let port = host.port { arguments += ["-p", String(port)] }
        if let identity = host.identityFile { arguments += ["-i", identity] }
        return arguments + [host.ssh ?? host.name, "true"]
    }

    /// Probes `host` once; local hosts are not probed.
    public func check(_ host: HostSpec, now: @Sendable () -> Date = { Date() }) async -> HostCheck {
        guard !host.isLocal else { return HostCheck(isReachable: true, latency: 0, message: nil, checkedAt: now()) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await runner.run("ssh", arguments(host))
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            guard result.succeeded else {
                let reason = result.stderrTail.isEmpty ? "ssh exited with status \(result.status)" : result.stderrTail
                return HostCheck(isReachable: false, latency: nil, message: reason, checkedAt: now())
            }
            return HostCheck(isReachable: true, latency: seconds, message: nil, checkedAt: now())
        } catch {
            return HostCheck(isReachable: false, latency: nil, message: String(describing: error), checkedAt: now())
        }
    }
}

/// The outcome of one host probe.
public struct HostCheck: Sendable, Equatable {
    /// Whether `ssh … true` succeeded.
    public var isReachable: Bool
    /// Seconds the round trip took (connection included), when reachable.
    public var latency: Double?
    /// Why it is not reachable (ssh's last stderr lines).
    public var message: String?
    /// When the probe finished.
    public var checkedAt: Date

    public init(isReachable: Bool, latency: Double?, message: String?, checkedAt: Date) {
        self.isReachable = isReachable
        self.latency = latency
        self.message = message
        self.checkedAt = checkedAt
    }
}
