import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import Foundation

/// The composition root of the command line: reads options and environment once and builds the real
/// drivers, the engine and the workspace.
struct CommandContext {
    let options: GlobalOptions
    let environment: [String: String]
    let currentDirectory: String
    let home: String
    let output: Output

    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.options = options
        self.environment = environment
        currentDirectory = FileManager.default.currentDirectoryPath
        home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        output = Output(color: Output.wantsColor(noColorFlag: options.noColor, environment: environment))
    }

    /// `--tmux-socket`, else `CSM_TMUX_SOCKET`, else the user's default server.
    var tmuxSocket: String? {
        options.tmuxSocket ?? environment["CSM_TMUX_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `--state-dir`, else `CSM_STATE_DIR`, else `$XDG_STATE_HOME/csm`.
    var stateLayout: StateLayout {
        let explicit = options.stateDir ?? environment["CSM_STATE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let root = explicit.map { absolutePath($0) } ?? StateLayout.defaultRoot(environment: environment, home: home)
        return StateLayout(root: root)
    }

    var tmux: TmuxCLI { TmuxCLI(socketName: tmuxSocket) }

    func makeEngine() -> Engine {
        Engine(tmux: tmux, git: LibGit2Driver(), launch: AgentLaunch(layout: stateLayout, csmExecutable: Self.executablePath()))
    }

    /// Where the configuration is, following `-f`, then `./csm.yaml` and parents, then the global file.
    func locateConfig() throws -> ConfigLocation {
        try ConfigLocator.locate(explicitPath: options.file.map { absolutePath($0) }, currentDirectory: currentDirectory,
                                 environment: environment, homeDirectory: home)
    }

    /// Loads the workspace, or explains that there is none.
    func loadWorkspace() throws -> Workspace {
        switch try locateConfig() {
        case let .yaml(path):
            return try ConfigLoader(environment: environment, homeDirectory: home).load(file: path)
        case let .legacy(path):
            return try LegacyConfig.load(file: path, homeDirectory: home)
        case let .none(globalPath):
            throw CLIError.noConfig(globalPath: globalPath)
        }
    }

    func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" { return home }
        if path.hasPrefix("~/") { return Paths.join(home, String(path.dropFirst(2))) }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)).standardizedFileURL.path
    }

    /// The absolute path of this csm binary, which the generated hooks call.
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// Errors of the command line itself.
enum CLIError: Error, CustomStringConvertible {
    case noConfig(globalPath: String)
    case unknownSession(String, known: [String])
    case sessionExists(String)
    case invalidName(String, what: String)
    case repoNeeded(known: [String])
    case refused(String)
    case notOwned(String)

    var description: String {
        switch self {
        case let .noConfig(globalPath):
            return "no csm.yaml found in this folder or its parents, and no global file at \(globalPath). "
                + "Create one (see workspaces.example.yaml), pass -f PATH, or run 'csm create NAME --repo PATH'."
        case let .unknownSession(name, known):
            return "no session named '\(name)' in csm.yaml" + (known.isEmpty ? "." : "; declared: \(known.joined(separator: ", ")).")
        case let .sessionExists(name):
            return "a session named '\(name)' is already declared in csm.yaml; choose another name or run 'csm apply'."
        case let .invalidName(name, what):
            return "'\(name)' is not a valid \(what) name: use \(CSMName.ruleDescription)."
        case let .repoNeeded(known):
            return known.isEmpty
                ? "no repo is declared; pass --repo PATH (a git repository)."
                : "several repos are declared (\(known.joined(separator: ", "))); pass --repo NAME or run csm inside one of them."
        case let .refused(message):
            return message
        case let .notOwned(name):
            return "'\(name)' is neither declared in csm.yaml nor owned by this workspace; csm leaves it alone."
        }
    }
}
