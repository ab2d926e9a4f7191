import ArgumentParser
import CSMModel

/// `csm hosts`: the declared hosts.
struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hosts", abstract: "List the hosts declared in csm.yaml.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the hosts as JSON.")
    var json = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let workspace = try context.loadWorkspace()
            let hosts = workspace.hosts.values.sorted { ($0.isLocal ? 0 : 1, $0.name) < ($1.isLocal ? 0 : 1, $1.name) }
            if json {
                context.output.write(try JSONOutput.encode(hosts))
                return
            }
            let rows = hosts.map { host in
                [host.name, host.ssh ?? "(this machine)", host.port.map(String.init) ?? "-", workspace.worktreeBase(forHost: host.name),
                 String(workspace.resolvedSessions().count { $0.host == host.name })]
            }
            context.output.write(TextTable.render(header: ["NAME", "SSH", "PORT", "WORKTREE BASE", "SESSIONS"], rows: rows))
        }
    }
}
