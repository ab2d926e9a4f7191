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
            HostsCommand.self, ImportCommand.self, VersionCommand.self, HookCommand.self, TUICommand.self,
            ServerCommand.self, ReconnectCommand.self, UsageCommand.self,
            // Session lifecycle (docs/lifecycle.md).
            RunCommand.self, RenameCommand.self, MergeCommand.self, ArchiveCommand.self, RestoreCommand.self,
        ],
        defaultSubcommand: TUICommand.self
    )

    public init() {}
}

/// The entry point the `csm` executable calls.
public enum CSMMain {
    /// Parses `CommandLine.arguments`, runs the command and exits with its status. Logs go to standard
    /// error at the level in `CSM_LOG_LEVEL` (trace, debug, info, notice, warning, error; default warning).
    public static func run() async {
        // The hook runs on every tool call of every session: no logging set-up, no command tree.
        if let hook = HookCommand.fastArguments(Array(CommandLine.arguments.dropFirst())) {
            HookCommand.receive(workspace: hook.workspace, session: hook.session, stateDir: hook.stateDir)
            return
        }
        let level = ProcessInfo.processInfo.environment["CSM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        await CSMCommand.main(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    }

    /// Global options written before the subcommand (`csm -f x.yaml plan`, as with git or terraform)
    /// moved after it, where ArgumentParser expects them.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        let withValue: Set<String> = ["-f", "--file", "--tmux-socket", "--state-dir"]
        let flags: Set<String> = ["--no-color"]
        var hoisted: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if withValue.contains(argument), index + 1 < arguments.count {
                hoisted += [argument, arguments[index + 1]]
                index += 2
            } else if (withValue.contains(name) && argument.contains("=")) || flags.contains(argument) {
                hoisted.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !hoisted.isEmpty, index < arguments.count else { return arguments }
        return [arguments[index]] + hoisted + arguments[(index + 1)...]
    }
}
