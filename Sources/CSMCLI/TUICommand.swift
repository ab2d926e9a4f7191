import ArgumentParser
import CSMConfig
import CSMModel
import CSMTUI
import Foundation

/// `csm tui` (and `csm` alone): the full-screen dashboard on a terminal, `csm list` output otherwise.
struct TUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal dashboard (what 'csm' alone does on a terminal); prints 'csm list' otherwise."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            var list = try ListCommand.parse([])
            list.global = global
            try await list.run()
            return
        }
        let context = CommandContext(global)
        try await context.guarded {
            let location = try context.locateConfig()
            let editablePath: String?
            let load: @Sendable () throws -> Workspace
            let (loader, home) = (context.loader, context.home)
            switch location {
            case let .explicit(path), let .project(path), let .global(path):
                editablePath = context.absolutePath(path)
                load = { try loader.load(file: path) }
            case let .legacy(path):
                editablePath = nil
                load = { try LegacyConfig.load(file: path, homeDirectory: home) }
            case let .notFound(globalPath):
                throw CLIError.noConfig(globalPath: globalPath)
            }
            _ = try load()  // a broken csm.yaml is reported here, in compiler format, not inside the UI
            let environment = TUIEnvironment(
                engine: context.makeEngine(), loader: loader, loadWorkspace: load,
                editablePath: editablePath, stateLayout: context.stateLayout, tmux: context.tmux,
                isInsideSessionServer: AttachCommand.isInsideSameServer(
                    tmuxEnv: context.environment["TMUX"], socketName: context.tmuxSocket))
            let link = ServerLink()
            let app = TUIApp(
                environment: environment, dataSource: LiveDataSource(environment: environment, link: link),
                runner: WorkspaceEffectRunner(environment: environment, link: link))
            let status = try await app.run()
            if status != 0 { throw ExitCode(status) }
        }
    }
}
