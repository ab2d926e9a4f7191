import CSMAgent
import CSMConfig
import CSMDrivers
import CSMEngine
import CSMIntegrations
import Foundation

/// Everything the server's routes and services work through; `csm server` builds the real set, tests
/// build one over a temporary folder and a private tmux server.
public struct ServerDependencies: Sendable {
    /// The csm.yaml the server reads, watches and edits.
    public var configPath: String
    public var loader: ConfigLoader
    public var layout: StateLayout
    public var engine: Engine
    /// Types prompts into a session's agent pane; nil uses the engine's tmux driver.
    public var messenger: (any TmuxDriver)?
    public var events: EventStore
    public var reconciler: Reconciler<ContinuousClock>
    /// Reads git status and diff of local worktrees for `GET /api/sessions/:name/changes`.
    public var changes: any WorktreeChangesReader = LibGit2Driver()
    /// Tool requests no rule decided, waiting for a person (`POST …/approve-tool`).
    public var approvals = ApprovalBroker()
    /// Each session's agent status and transcript, from its hooks.
    public var agents = AgentMonitor()
    /// Linear and Claude usage clients for the current `integrations:` settings.
    public var integrations = IntegrationHub()
    /// Bounds the server's shutdown and names what it still waits for (see `ServerRunner`).
    public var shutdown = ShutdownWatchdog()

    public init(
        configPath: String, loader: ConfigLoader, layout: StateLayout, engine: Engine, messenger: (any TmuxDriver)?,
        events: EventStore, reconciler: Reconciler<ContinuousClock>
    ) {
        self.configPath = configPath
        self.loader = loader
        self.layout = layout
        self.engine = engine
        self.messenger = messenger
        self.events = events
        self.reconciler = reconciler
    }

    /// The usual set for a workspace: the reconciler watches `configPath`, takes the apply lock around
    /// each apply and stores its events under the state dir.
    public static func standard(
        configPath: String, loader: ConfigLoader, layout: StateLayout, engine: Engine, messenger: (any TmuxDriver)?,
        workspace: String, eventSettings: EventStoreSettings = EventStoreSettings(),
        reconcilerSettings: ReconcilerSettings = ReconcilerSettings()
    ) -> ServerDependencies {
        let events = EventStore(directory: layout.eventsDirectory(workspace: workspace), settings: eventSettings)
        let reconciler = Reconciler(
            engine: engine, settings: reconcilerSettings, clock: ContinuousClock(),
            loadWorkspace: { try ConfigDocument.load(path: configPath, loader: loader).workspace },
            configPath: configPath, events: events, applyLockPath: { layout.applyLockFile(workspace: $0.name) })
        return ServerDependencies(
            configPath: configPath, loader: loader, layout: layout, engine: engine, messenger: messenger,
            events: events, reconciler: reconciler)
    }
}
