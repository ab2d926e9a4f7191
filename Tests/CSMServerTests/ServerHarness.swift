import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMServer
import CSMTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting

/// A server over a `CSMWorld` (temporary repo, csm.yaml, state dir, private tmux server, fake agent).
struct ServerHarness {
    let world: CSMWorld
    let dependencies: ServerDependencies
    let options: ServerOptions

    var token: String { options.credentials.token }
    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }
    var json: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    init(world: CSMWorld, listen: String = "127.0.0.1:3000", store: EventStore? = nil) throws {
        self.world = world
        let layout = StateLayout(root: world.stateDir.path)
        let engine = Engine(
            tmux: world.tmux, git: LibGit2Driver(), launch: AgentLaunch(layout: layout, csmExecutable: "/bin/true"))
        var dependencies = ServerDependencies.standard(
            configPath: world.configFile.path, loader: ConfigLoader(), layout: layout, engine: engine,
            messenger: world.tmux, workspace: "e2e", reconcilerSettings: ReconcilerSettings(tick: .milliseconds(50)))
        if let store {
            dependencies.events = store
            dependencies.reconciler = Reconciler(
                engine: engine, clock: ContinuousClock(),
                loadWorkspace: { try ConfigLoader().load(file: world.configFile.path) }, events: store)
        }
        self.dependencies = dependencies
        let credentials = try ServerCredentials.loadOrCreate(path: layout.tokenFile)
        options = ServerOptions(listen: ListenAddress(listen)!, credentials: credentials, workspace: "e2e")
    }

    func application() -> some ApplicationProtocol { buildApplication(dependencies, options: options) }

    /// Runs `body` against the router in memory (no socket).
    func test<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await application().test(.router) { client in try await body(client) }
    }
}

/// A world with csm.yaml holding `sessions` (YAML lines under `sessions:`), and a harness over it.
func withServer<T>(
    sessions: String = "", extra: String = "", listen: String = "127.0.0.1:3000",
    _ body: (ServerHarness) async throws -> T
) async throws -> T {
    try await withCSMWorld { world in
        try world.writeConfig(world.config(sessions: sessions) + extra)
        return try await body(try ServerHarness(world: world, listen: listen))
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// `error.code` of an error body.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
}

extension String {
    var buffer: ByteBuffer { ByteBuffer(string: self) }
}
