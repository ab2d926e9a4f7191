import ArgumentParser
import Foundation

/// Options every subcommand takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("Path of csm.yaml (default: ./csm.yaml or a parent's, then the global file).", valueName: "path"))
    public var file: String?

    @Option(name: .customLong("tmux-socket"), help: ArgumentHelp("tmux server socket name, passed as 'tmux -L NAME' (env CSM_TMUX_SOCKET).", valueName: "name"))
    public var tmuxSocket: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Folder for csm's generated files and logs (env CSM_STATE_DIR; default $XDG_STATE_HOME/csm).", valueName: "dir"))
    public var stateDir: String?

    @Flag(name: .customLong("no-color"), help: "Print without colours (also when NO_COLOR is set).")
    public var noColor = false

    public init() {}
}
