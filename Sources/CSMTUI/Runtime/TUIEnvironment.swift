import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import Foundation

/// What the TUI needs from the rest of csm. The command line's composition root builds it from its
/// options; nothing in the TUI reads the environment or locates files on its own.
public struct TUIEnvironment: Sendable {
    /// The engine (observer, planner, applier) over the real drivers.
    public var engine: Engine
    /// Validates csm.yaml when it is read and before an edit is written.
    public var loader: ConfigLoader
    /// Loads the workspace as declared now (called on every observation, so edits made elsewhere show).
    public var loadWorkspace: @Sendable () throws -> Workspace
    /// The csm.yaml that create, kill and favorite edit; nil when the configuration is not editable
    /// (the original tool's config.json), and those keys then say so.
    public var editablePath: String?
    /// Where hook logs and generated files live.
    public var stateLayout: StateLayout
    /// The tmux the sessions run on, for the attach command line.
    public var tmux: TmuxCLI
    /// Whether this terminal is itself a client of that tmux server (then attach is a `switch-client`).
    public var isInsideSessionServer: Bool
    /// Seconds between observations when no server pushes changes.
    public var pollInterval: Double
    /// Runs the read-only `git` commands of the preview.
    public var processRunner: any ProcessRunner
    /// Computes the changes column's `N files +ins −del` of local worktrees; nil shows the observed counts.
    public var diffStats: (any DiffStatsReader)?

    public init(
        engine: Engine, loader: ConfigLoader, loadWorkspace: @escaping @Sendable () throws -> Workspace,
        editablePath: String?,
        stateLayout: StateLayout, tmux: TmuxCLI, isInsideSessionServer: Bool, pollInterval: Double = 5,
        processRunner: any ProcessRunner = SpawnProcessRunner(), diffStats: (any DiffStatsReader)? = nil
    ) {
        self.engine = engine
        self.loader = loader
        self.loadWorkspace = loadWorkspace
        self.editablePath = editablePath
        self.stateLayout = stateLayout
        self.tmux = tmux
        self.isInsideSessionServer = isInsideSessionServer
        self.pollInterval = pollInterval
        self.processRunner = processRunner
        // The engine's git driver computes them when it can (LibGit2Driver); in-memory twins cannot.
        self.diffStats = diffStats ?? (engine.observer.git as? any DiffStatsReader)
    }
}

/// Errors of the TUI's own actions (the engine's and config module's errors pass through with their text).
public enum TUIError: Error, Sendable, Equatable, CustomStringConvertible {
    case notEditable
    case sessionExists(String)
    case unknownSession(String)
    case planChanged(destroys: [String])
    case previewUnavailable(String)
    /// A feature that only a running `csm server` provides.
    case needsServer(String)

    public var description: String {
        switch self {
        case .notEditable:
            return
                "the configuration is the original tool's config.json, which csm does not edit; run 'csm import > csm.yaml'."
        case let .sessionExists(name):
            return "a session named '\(name)' is already declared in csm.yaml."
        case let .unknownSession(name):
            return "'\(name)' is neither declared in csm.yaml nor owned by this workspace; csm leaves it alone."
        case let .planChanged(destroys):
            return
                "the plan changed since you confirmed: it now destroys \(destroys.joined(separator: ", ")). Review it with P and press A again."
        case let .previewUnavailable(message):
            return message
        case let .needsServer(feature):
            return
                "\(feature) need a running 'csm server' for this workspace; start one and the dashboard connects to it."
        }
    }
}
