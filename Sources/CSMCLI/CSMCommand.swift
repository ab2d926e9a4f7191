import ArgumentParser

/// The root `csm` command.
public struct CSMCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "csm",
        abstract: "Manage Claude Code sessions declaratively from csm.yaml.",
        discussion: """
            A session is a git worktree on its own branch plus a detached tmux session running Claude Code in it.
            'csm plan' shows how reality differs from csm.yaml; 'csm apply' makes it so.
            """,
        version: "csm \(CSMVersion.current)",
        subcommands: [
            PlanCommand.self, ApplyCommand.self, CreateCommand.self, KillCommand.self, ListCommand.self, AttachCommand.self,
            HostsCommand.self, ImportCommand.self, VersionCommand.self, HookCommand.self,
        ]
    )

    public init() {}
}
