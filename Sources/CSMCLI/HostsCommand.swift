import ArgumentParser
import CSMDrivers
import CSMEngine
import CSMModel
import Foundation

/// `csm hosts`: the declared hosts, each SSH host checked over its shared connection (reachable or why
/// not, latency of one round trip, and how its agents' hooks reach the server).
struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts", abstract: "List the hosts declared in csm.yaml, with reachability and latency.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the hosts as JSON.")
    var json = false

    /// One host as printed.
    struct Row: Encodable {
        var name: String
        var ssh: String?
        var port: Int?
        var worktreeBase: String
        var sessions: Int
        var reachable: Bool
        /// Seconds of one ssh round trip (connection set-up included when none was open).
        var latency: Double?
        var error: String?
        /// How hooks of agents on the host reach csm server.
        var hooks: String?
        var home: String?
    }

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let workspace = try context.loadWorkspace()
            let hosts = workspace.hosts.values.sorted { ($0.isLocal ? 0 : 1, $0.name) < ($1.isLocal ? 0 : 1, $1.name) }
            let remote = context.makeRemoteHosts()
            await remote.transport.configure(hosts.filter { !$0.isLocal })
            let sessions = workspace.resolvedSessions()
            var rows: [Row] = []
            await withTaskGroup(of: Row.self) { group in
                for host in hosts {
                    group.addTask {
                        var row = Row(name: host.name, ssh: host.ssh, port: host.port,
                                      worktreeBase: workspace.worktreeBase(forHost: host.name),
                                      sessions: sessions.count { $0.host == host.name }, reachable: true)
                        guard !host.isLocal else { return row }
                        let clock = ContinuousClock()
                        let start = clock.now
                        do {
                            let facts = try await remote.facts(host.name)
                            let elapsed = start.duration(to: clock.now)
                            row.latency = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                            row.hooks = facts.hookRelay
                            row.home = facts.home
                        } catch {
                            row.reachable = false
                            row.error = "\(error)"
                        }
                        return row
                    }
                }
                for await row in group { rows.append(row) }
            }
            rows.sort { ($0.ssh == nil ? 0 : 1, $0.name) < ($1.ssh == nil ? 0 : 1, $1.name) }
            if json {
                context.output.write(try JSONOutput.encode(rows))
                return
            }
            let table = rows.map { row -> [String] in
                let state = row.ssh == nil ? "local" : (row.reachable ? "reachable" : "unreachable")
                return [row.name, row.ssh ?? "(this machine)", row.port.map(String.init) ?? "-", row.worktreeBase,
                        String(row.sessions), state, row.latency.map { String(format: "%.0f ms", $0 * 1000) } ?? "-",
                        row.hooks ?? "-"]
            }
            context.output.write(TextTable.render(
                header: ["NAME", "SSH", "PORT", "WORKTREE BASE", "SESSIONS", "STATE", "LATENCY", "HOOKS"], rows: table))
            for row in rows where !row.reachable { context.output.line("\(row.name): \(row.error ?? "unreachable")") }
        }
    }
}
