import CSMConfig
import CSMDrivers
import CSMEngine
import CSMIntegrations
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
        let launch = AgentLaunch(
            layout: stateLayout, csmExecutable: Self.executablePath(), environment: environment,
            issueLookup: issueLookup())
        return Engine(tmux: tmux, git: LibGit2Driver(), launch: launch)
    }

    /// Reads a linked issue for CLAUDE.md with the `integrations:` settings of csm.yaml as it is when the
    /// session is prepared (`csm server` runs for long; the file may change meanwhile).
    func issueLookup() -> IssueContextLookup {
        let location = try? locateConfig()
        let loader = self.loader
        let home = self.home
        let hub = IntegrationHub(environment: environment)
        return { identifier in
            let workspace: Workspace?
            switch location {
            case let .legacy(path)?: workspace = try? LegacyConfig.load(file: path, homeDirectory: home)
            case let .explicit(path)?, let .project(path)?, let .global(path)?: workspace = try? loader.load(file: path)
            default: workspace = nil
            }
            guard let settings = workspace?.integrations, settings.hasLinear else { return nil }
            return await hub.issueContext(settings, identifier: identifier)
        }
    }

    /// Where the configuration is, following `-f`, then `./csm.yaml` and parents, then the global file,
    /// then the original tool's config.json.
    func locateConfig() throws -> ConfigLocator.Location {
        try ConfigLocator.locate(explicitPath: options.file, currentDirectory: currentDirectory, environment: environment)
    }

    var loader: ConfigLoader { ConfigLoader(environment: environment, homeDirectory: home) }

    /// Loads the workspace, or explains that there is none.
    func loadWorkspace() throws -> Workspace {
        let location = try locateConfig()
        switch location {
        case let .legacy(path):
            return try LegacyConfig.load(file: path, homeDirectory: home)
        case let .notFound(globalPath):
            throw CLIError.noConfig(globalPath: globalPath)
        case .explicit, .project, .global:
            return try loader.load(file: displayPath(location.path ?? ""))
        }
    }

    /// The csm.yaml that `create` and `kill` edit: the located file, or a new global file when none
    /// exists. The original tool's config.json is never edited; its users are pointed at `csm import`.
    func editableDocument() throws -> ConfigDocument {
        switch try locateConfig() {
        case let .explicit(path), let .project(path), let .global(path):
            return try ConfigDocument.load(path: displayPath(path), loader: loader)
        case let .legacy(path):
            throw CLIError.refused("the configuration is the original tool's \(path), which csm does not edit; "
                + "run 'csm import > csm.yaml' and use that file.")
        case let .notFound(globalPath):
            try FileManager.default.createDirectory(atPath: (globalPath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let starter = "# csm workspace, created by 'csm create'. Every key is documented in docs/config.md.\n"
                + "version: 1\nworkspace: default\n"
            try writeAtomically(starter, to: globalPath)
            output.line("Created \(globalPath).")
            return try ConfigDocument.load(path: globalPath, loader: loader)
        }
    }

    /// `path` relative to the current folder when it lies inside it, as compilers print file names.
    func displayPath(_ path: String) -> String {
        let prefix = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
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
