import CSMDrivers
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
    router.add(middleware: InFlightMiddleware(watchdog: dependencies.shutdown))
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

/// Runs the reconciler loop as a service; graceful shutdown cancels it, and with it a pass in flight
/// (its programs are stopped by `SpawnProcessRunner` after a short grace).
struct ReconcilerService: Service, CustomStringConvertible {
    let reconciler: Reconciler<ContinuousClock>
    let watchdog: ShutdownWatchdog
    // ServiceLifecycle logs services by their description: a name, never the values they hold.
    var description: String { "reconciler" }

    func run() async throws {
        await watchdog.tracking(service: "reconciler") {
            await cancelWhenGracefulShutdown {
                await reconciler.run()
            }
        }
    }
}

/// The HTTP + WebSocket application, listed in the watchdog while it runs.
struct HTTPService<App: ApplicationProtocol>: Service, CustomStringConvertible {
    let application: App
    let watchdog: ShutdownWatchdog
    var description: String { "http server" }

    func run() async throws {
        try await watchdog.tracking(service: "http server") { try await application.run() }
    }
}

/// The first service told to stop (the group stops them in reverse order): starts the watchdog's clock,
/// answers every pending tool approval (`ask`: the hook returns and Claude Code asks in its own
/// prompt), stops the transcript tailers and ends every live SSE and WebSocket stream, so the HTTP
/// server has no request left that waits for something that will not come.
struct ShutdownStarter: Service, CustomStringConvertible {
    /// Holds the environment (secrets included) through its engine: never described in a log.
    let dependencies: ServerDependencies
    var description: String { "shutdown starter" }

    func run() async throws {
        try? await gracefulShutdown()
        let watchdog = dependencies.shutdown
        watchdog.arm(reason: "the shutdown signal")
        let pending = await dependencies.approvals.pending().count
        await dependencies.approvals.stopAll()
        watchdog.step("answered \(pending) pending approval(s) with 'ask'")
        await dependencies.agents.stopAll()
        // Programs run by requests and by the pass (a setup, a tmux or git command) get a second to end
        // on their own, then are stopped; what they were doing is redone by the next pass or request.
        let programs = RunningChildren.entries.count
        RunningChildren.cancelAll()
        watchdog.step("asked \(programs) running program(s) to stop")
        let streams = dependencies.events.publisher.subscriberCount
        dependencies.events.publisher.finishAll()
        watchdog.step("ended \(streams) live stream(s)")
    }
}

/// `csm server`: the application, the reconciler and the shutdown starter in one service group that
/// stops on SIGINT or SIGTERM; then the event files are flushed and closed.
///
/// Shutdown is bounded: past half of `dependencies.shutdown.timeout` the group cancels every service
/// (handlers and passes stop their programs), and past the whole timeout the watchdog logs what is
/// still running and exits with status 70.
public enum ServerRunner {
    public static func run(
        _ dependencies: ServerDependencies, options: ServerOptions, logger: Logger = Logger(label: "csm.server"),
        onRunning: @escaping @Sendable (ListenAddress) async -> Void = { _ in }
    ) async throws {
        try await dependencies.events.open()
        let watchdog = dependencies.shutdown
        let running = buildApplication(dependencies, options: options, logger: logger, onRunning: onRunning)
        // Shutdown runs in reverse order: the starter first, then the reconciler, then the HTTP server.
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: HTTPService(application: running, watchdog: watchdog)),
                .init(service: ReconcilerService(reconciler: dependencies.reconciler, watchdog: watchdog)),
                .init(service: ShutdownStarter(dependencies: dependencies)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = max(.milliseconds(500), watchdog.timeout / 2)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            // A service failed (or the shutdown had to cancel): the events stored so far still get closed.
            await dependencies.events.close()
            watchdog.step("event files closed")
            throw error
        }
        // Last, once nothing appends any more: whatever the reconciler and the hooks stored while stopping.
        await dependencies.events.close()
        watchdog.step("event files closed")
    }
}
