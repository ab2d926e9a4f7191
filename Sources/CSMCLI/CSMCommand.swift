import ArgumentParser
import Foundation
import Logging

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

/// The entry point the `csm` executable calls.
public enum CSMMain {
    /// Parses `CommandLine.arguments`, runs the command and exits with its status. Logs go to standard
    /// error at the level in `CSM_LOG_LEVEL` (trace, debug, info, notice, warning, error; default warning).
    public static func run() async {
        let level = ProcessInfo.processInfo.environment["CSM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        await CSMCommand.main()
    }
}
