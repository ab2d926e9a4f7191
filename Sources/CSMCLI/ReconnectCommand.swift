import ArgumentParser
import CSMEngine
import CSMModel

/// `csm reconnect NAME`: restarts the session's agent in its tmux session, continuing its conversation.
struct ReconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconnect",
        abstract: "Restart a session's agent in its tmux session with --continue (the worktree and terminal stay)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var name: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            guard CSMName.isValid(name) else { throw CLIError.invalidName(name, what: "session") }
            let workspace = try context.loadWorkspace()
            try await context.makeEngine().reconnect(workspace, session: name)
            context.output.line("Reconnected \(name): the agent continues its conversation.")
        }
    }
}
