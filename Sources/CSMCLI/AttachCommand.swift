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
