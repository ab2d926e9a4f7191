import CSMEngine
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// The router with every route and middleware, and the table of what was registered.
public func buildRouter(_ dependencies: ServerDependencies, options: ServerOptions) -> (
    Router<ServerContext>, RouteTable
) {
    let router = Router(context: ServerContext.self)
    let table = RouteTable()
    // Middleware first: it applies only to routes added after it (and always to the not-found answer).
    router.add(middleware: ErrorMiddleware(routes: table))
    router.add(middleware: GuardMiddleware(listen: options.listen, credentials: options.credentials, routes: table))
    let registrar = RouteRegistrar(router: router, table: table)
    let service = WorkspaceService(dependencies)
    SystemController(dependencies: dependencies, options: options).register(registrar)
    DashboardController(options: options).register(registrar)
    TokenController(options: options, listen: options.listen).register(registrar)
    SessionsController(service: service, dependencies: dependencies).register(registrar)
    EventsController(service: service, dependencies: dependencies).register(registrar)
    ConfigController(service: service).register(registrar)
    ReconcileController(dependencies: dependencies, service: service).register(registrar)
    InventoryController(service: service).register(registrar)
    LifecycleController(service: service, dependencies: dependencies).register(registrar)
    HooksController(service: service, dependencies: dependencies).register(registrar)
    LinearController(service: service, dependencies: dependencies).register(registrar)
    UsageController(service: service, dependencies: dependencies).register(registrar)
    return (router, table)
}

/// The HTTP + WebSocket application (without the reconciler; see `ServerRunner`). `onRunning` gets the
/// bound address (the real port when `options.listen.port` is 0).
public func buildApplication(
    _ dependencies: ServerDependencies, options: ServerOptions, logger: Logger = Logger(label: "csm.server"),
    onRunning: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(dependencies, options: options)
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: router),
        configuration: ApplicationConfiguration(
            address: .hostname(options.listen.host, port: options.listen.port), serverName: "csm"),
        onServerRunning: { channel in
            await onRunning(
                ListenAddress(host: options.listen.host, port: channel.localAddress?.port ?? options.listen.port))
        },
        logger: logger)
}

/// Runs the reconciler loop as a service; graceful shutdown cancels it between passes.
struct ReconcilerService: Service {
    let reconciler: Reconciler<ContinuousClock>

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await reconciler.run()
        }
    }
}

/// Ends every live stream when shutdown begins (so the HTTP server is not kept waiting by open SSE and
/// WebSocket connections), then flushes and closes the event files.
struct StreamsService: Service {
    let events: EventStore
    var agents: AgentMonitor?

    func run() async throws {
        try? await gracefulShutdown()
        await agents?.stopAll()
        events.publisher.finishAll()
        await events.close()
    }
}

/// `csm server`: the application, the reconciler and the stream closer in one service group that stops
/// on SIGINT or SIGTERM.
public enum ServerRunner {
    public static func run(
        _ dependencies: ServerDependencies, options: ServerOptions, logger: Logger = Logger(label: "csm.server"),
        onRunning: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
    ) async throws {
        try await dependencies.events.open()
        let running = buildApplication(dependencies, options: options, logger: logger, onRunning: onRunning)
        // Shutdown runs in reverse order: streams end first, then the reconciler, then the HTTP server.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: running),
                    .init(service: ReconcilerService(reconciler: dependencies.reconciler)),
                    .init(service: StreamsService(events: dependencies.events, agents: dependencies.agents)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
