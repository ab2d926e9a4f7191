import CSMDrivers
import CSMModel
import Foundation
import Logging

/// Keeps one reverse forward per SSH host open while `csm server` runs, so the hooks of agents on that
/// host reach the server's hook endpoint: `ssh -O forward -R 0:127.0.0.1:<server port>` on the host's
/// master connection, and the port the host allocated written to `workspaces/<ws>/server.json` under
/// the host's csm directory (where the hook relay and `csm hook` look for it).
///
/// Every `checkInterval` it checks each host's master connection; a new master (the old one died, the
/// host rebooted) gets the forward again. A host that fails is retried with exponential backoff
/// (`initialBackoff` doubling up to `maxBackoff`), without holding back the other hosts.
public actor HookForwarder {
    public struct Status: Sendable, Equatable {
        /// The port on the host that leads to the server, when the forward is up.
        public var remotePort: Int?
        /// The master connection's pid the forward belongs to.
        public var masterPID: String?
        public var lastError: String?
        public var failures: Int
    }

    let remote: RemoteHosts
    let workspace: @Sendable () async -> Workspace?
    let checkInterval: Duration
    let initialBackoff: Duration
    let maxBackoff: Duration
    private var localPort: Int?
    private var statuses: [String: Status] = [:]
    private var retryAt: [String: ContinuousClock.Instant] = [:]
    private var loop: Task<Void, Never>?
    private let logger = Logger(label: "csm.ssh")

    public init(
        remote: RemoteHosts, workspace: @escaping @Sendable () async -> Workspace?,
        checkInterval: Duration = .seconds(5),
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60)
    ) {
        self.remote = remote
        self.workspace = workspace
        self.checkInterval = checkInterval
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The forwards' state per host (for `csm hosts` style reports and tests).
    public func status() -> [String: Status] { statuses }

    /// Starts keeping the forwards to `localPort` (the server's bound port).
    public func start(localPort: Int) {
        self.localPort = localPort
        guard loop == nil else { return }
        loop = Task { [weak self] in
            while !Task.isCancelled {
                await self?.checkAll()
                guard let interval = await self?.checkInterval else { return }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Stops the loop and cancels the forwards (the master connections stay for other csm processes).
    public func stop() async {
        loop?.cancel()
        loop = nil
        guard let localPort else { return }
        for (host, status) in statuses {
            guard let port = status.remotePort, let spec = try? await remote.transport.host(named: host) else {
                continue
            }
            _ = try? await SpawnProcessRunner().run(
                "ssh",
                remote.transport.commonArguments(for: spec)
                    + ["-O", "cancel", "-R", "\(port):127.0.0.1:\(localPort)", spec.destination])
        }
    }

    /// One round over every SSH host of the workspace, in parallel.
    public func checkAll() async {
        guard let localPort, let workspace = await workspace() else { return }
        let hosts = workspace.hosts.values.filter { !$0.isLocal }.map(\.name).sorted()
        await remote.transport.configure(workspace.hosts.values.filter { !$0.isLocal })
        let now = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for host in hosts where (retryAt[host].map { now >= $0 } ?? true) {
                group.addTask { await self.check(host, workspace: workspace.name, localPort: localPort) }
            }
        }
    }

    private func check(_ host: String, workspace: String, localPort: Int) async {
        do {
            let master = try await masterPID(host)
            if let status = statuses[host], status.remotePort != nil, status.masterPID == master, master != nil {
                return
            }
            let port = try await remote.transport.addReverseForward(host, localPort: localPort)
            let facts = try await remote.facts(host)
            let path = Paths.join(AgentLaunch.remoteRoot(home: facts.home), "workspaces", workspace, "server.json")
            try await AgentLaunch.writeRemoteFiles(
                [(path, "600", #"{"host":"127.0.0.1","port":\#(port)}"# + "\n")], runner: remote.runner(host))
            statuses[host] = Status(remotePort: port, masterPID: try await masterPID(host), lastError: nil, failures: 0)
            retryAt[host] = nil
            logger.notice(
                "hook forward open",
                metadata: [
                    "host": "\(host)", "port": "\(port)", "relay": "\(facts.hookRelay)",
                ])
        } catch {
            let failures = (statuses[host]?.failures ?? 0) + 1
            statuses[host] = Status(remotePort: nil, masterPID: nil, lastError: "\(error)", failures: failures)
            let delay = min(maxBackoff, initialBackoff * (1 << min(failures - 1, 16)))
            retryAt[host] = ContinuousClock.now + delay
            logger.warning(
                "hook forward failed", metadata: ["host": "\(host)", "error": "\(error)", "retryIn": "\(delay)"])
        }
    }

    /// The pid of the host's master connection (`ssh -O check` says "Master running (pid=N)"), nil when none.
    private func masterPID(_ host: String) async throws -> String? {
        let spec = try await remote.transport.host(named: host)
        let result = try await SpawnProcessRunner().run(
            "ssh", remote.transport.commonArguments(for: spec) + ["-O", "check", spec.destination])
        guard result.succeeded, let range = result.stderr.range(of: "pid=") else { return nil }
        return String(result.stderr[range.upperBound...].prefix { $0.isNumber })
    }
}
