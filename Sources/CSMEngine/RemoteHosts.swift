import CSMDrivers
import CSMModel
import Foundation
import Logging

/// The SSH side of the engine: builds the drivers of a remote host (tmux and git over the shared
/// connection) and observes every remote host in ONE ssh round trip each, all hosts in parallel.
public struct RemoteHosts: Sendable {
    public let transport: SSHTransport
    /// The `-L` socket name of the tmux server on the hosts (the same `--tmux-socket` as locally).
    public var tmuxSocket: String?
    /// How long one host's observation may take before that host counts as unreachable.
    public var observationTimeout: Duration
    let cache = RemoteFactsCache()
    private let logger = Logger(label: "csm.ssh")

    public init(transport: SSHTransport, tmuxSocket: String?, observationTimeout: Duration = .seconds(30)) {
        self.transport = transport
        self.tmuxSocket = tmuxSocket
        self.observationTimeout = observationTimeout
    }

    public func runner(_ host: String, timeout: Duration? = nil) -> SSHProcessRunner {
        SSHProcessRunner(transport: transport, host: host, timeout: timeout)
    }

    public func tmux(_ host: String) -> TmuxCLI { TmuxCLI(socketName: tmuxSocket, host: host, runner: runner(host)) }

    public func git(_ host: String) -> RemoteGitCLI { RemoteGitCLI(runner: runner(host), tmuxSocket: tmuxSocket) }

    /// Whether `host` is a declared SSH host (known from the last `configure`/observation).
    public func isRemote(_ host: String) async -> Bool {
        guard host != HostSpec.localName else { return false }
        return await transport.isRemote(host)
    }

    /// The facts of the last observation of `host`, or a fresh one.
    public func facts(_ host: String, workspace: String? = nil) async throws -> RemoteHostFacts {
        if let known = await cache.facts[host] { return known }
        let result = try await runner(host, timeout: observationTimeout).runScript(
            RemoteObservation.script,
            arguments: RemoteObservation.arguments(tmuxSocket: tmuxSocket, folders: [], repositories: []))
        guard result.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: host, what: "observing the host", status: result.status,
                stderr: result.stderrTail)
        }
        let facts = try RemoteObservation.parse(result.stdout, host: host)
        await cache.store(facts, for: host)
        return facts
    }

    /// One host's facts, or why it cannot be observed. One ssh call: tmux sessions, every worktree folder
    /// of the workspace on that host and every declared repository.
    public func observe(host: String, workspace: Workspace) async -> Result<RemoteHostFacts, any Error> {
        let folder = Paths.join(workspace.worktreeBase(forHost: host), workspace.name)
        let repositories = workspace.repos.values.filter { ($0.host ?? workspace.defaults.host) == host }.map(\.path)
            .sorted()
        do {
            let result = try await runner(host, timeout: observationTimeout).runScript(
                RemoteObservation.script,
                arguments: RemoteObservation.arguments(
                    tmuxSocket: tmuxSocket, folders: [folder], repositories: repositories))
            guard result.succeeded else {
                throw SSHError.remoteCommandFailed(
                    host: host, what: "the observation script", status: result.status,
                    stderr: result.stderrTail)
            }
            let facts = try RemoteObservation.parse(result.stdout, host: host)
            await cache.store(facts, for: host)
            return .success(facts)
        } catch {
            await cache.forget(host)
            logger.notice("host unreachable", metadata: ["host": "\(host)", "error": "\(error)"])
            return .failure(error)
        }
    }

    /// Every SSH host of `workspace`, in parallel: the sessions and worktrees found, and the hosts that
    /// could not be observed with the reason (the planner leaves their sessions alone).
    public func observeAll(_ workspace: Workspace) async -> (
        sessions: [ObservedTmuxSession], worktrees: [ObservedWorktree], unreachable: [String: String]
    ) {
        let remote = workspace.hosts.values.filter { !$0.isLocal }.sorted { $0.name < $1.name }
        await transport.configure(remote)
        var sessions: [ObservedTmuxSession] = []
        var worktrees: [ObservedWorktree] = []
        var unreachable: [String: String] = [:]
        await withTaskGroup(of: (String, Result<RemoteHostFacts, any Error>).self) { group in
            for host in remote {
                group.addTask { (host.name, await observe(host: host.name, workspace: workspace)) }
            }
            for await (name, result) in group {
                switch result {
                case let .success(facts):
                    sessions += facts.tmuxSessions
                    worktrees += facts.worktrees
                    if !facts.hasTmux || !facts.hasGit {
                        unreachable[name] =
                            "host '\(name)' has no "
                            + [facts.hasTmux ? nil : "tmux", facts.hasGit ? nil : "git"]
                            .compactMap { $0 }.joined(separator: " or ") + " on its PATH; install it there"
                    }
                case let .failure(error):
                    unreachable[name] = "\(error)"
                }
            }
        }
        return (sessions.sorted { $0.tmuxName < $1.tmuxName }, worktrees.sorted { $0.path < $1.path }, unreachable)
    }
}

/// The last facts observed per host (home folder, csm or curl on the host), so an apply right after a
/// plan does not ask again.
actor RemoteFactsCache {
    var facts: [String: RemoteHostFacts] = [:]
    func store(_ value: RemoteHostFacts, for host: String) { facts[host] = value }
    func forget(_ host: String) { facts[host] = nil }
}
