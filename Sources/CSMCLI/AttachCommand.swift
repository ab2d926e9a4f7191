import ArgumentParser
import CSMDrivers
import CSMModel
import Foundation

/// `csm attach NAME` (alias `a`): hands the terminal to the session's tmux session.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach this terminal to a session (switch-client when already inside the same tmux server).",
        aliases: ["a"]
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var name: String

    @Flag(help: "Open the session's terminal window instead of the agent's.")
    var terminal = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            guard CSMName.isValid(name) else { throw CLIError.invalidName(name, what: "session") }
            if let workspace = try? context.loadWorkspace(), let host = Self.remoteHost(of: name, in: workspace) {
                try await attachRemote(context, host: host)
            }
            let tmux = context.tmux
            let tmuxName = CSMName.tmuxSessionName(for: name)
            guard try await tmux.listSessions().contains(where: { $0.tmuxName == tmuxName }) else {
                throw CLIError.refused("no tmux session \(tmuxName) is running; run 'csm apply' (or 'csm list' to see what exists).")
            }
            let inside = Self.isInsideSameServer(tmuxEnv: context.environment["TMUX"], socketName: context.tmuxSocket)
            // Attaching to another server from inside tmux needs TMUX unset, as tmux itself demands.
            if !inside { unsetenv("TMUX") }
            let argv = ["tmux"] + tmux.attachArguments(tmuxName: tmuxName, window: terminal ? "terminal" : "claude", insideTmux: inside)
            try Self.exec(argv)
        }
    }

    /// The SSH host a session runs on (declared there), or nil for the local machine.
    static func remoteHost(of name: String, in workspace: Workspace) -> HostSpec? {
        guard let session = workspace.resolvedSession(named: name),
            let host = workspace.hosts[session.host], !host.isLocal
        else { return nil }
        return host
    }

    /// `ssh -t HOST tmux [-L SOCKET] attach-session -t =csm-NAME:WINDOW` over the shared connection.
    func attachRemote(_ context: CommandContext, host spec: HostSpec) async throws -> Never {
        let remote = context.makeRemoteHosts()
        await remote.transport.configure([spec])
        guard let host = SSHHost(spec) else { throw CLIError.refused("host '\(spec.name)' has no ssh address") }
        let tmuxName = CSMName.tmuxSessionName(for: name)
        let sessions = try await remote.tmux(spec.name).listSessions()
        guard sessions.contains(where: { $0.tmuxName == tmuxName }) else {
            throw CLIError.refused("no tmux session \(tmuxName) is running on host '\(spec.name)'; run 'csm apply'.")
        }
        let tmuxArgv = ["tmux"] + TmuxCLI(socketName: context.tmuxSocket).attachArguments(
            tmuxName: tmuxName, window: terminal ? "terminal" : "claude", insideTmux: false)
        let argv = ["ssh", "-t"] + remote.transport.commonArguments(for: host) + [host.destination,
                   ShellQuote.command(tmuxArgv)]
        try Self.exec(argv)
    }

    /// Whether `$TMUX` points at the server csm uses (its socket file is named after the `-L` name).
    static func isInsideSameServer(tmuxEnv: String?, socketName: String?) -> Bool {
        guard let tmuxEnv, let socketPath = tmuxEnv.split(separator: ",").first else { return false }
        return socketPath.hasSuffix("/" + (socketName ?? "default"))
    }

    /// Replaces this process with `argv`, so tmux owns the terminal and its exit status is csm's.
    static func exec(_ argv: [String]) throws -> Never {
        let cArgs = argv.map { strdup($0) } + [nil]
        execvp(argv[0], cArgs)
        throw CLIError.refused("could not run \(argv[0]): \(String(cString: strerror(errno)))")
    }
}
