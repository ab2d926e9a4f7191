import ArgumentParser
import CSMDrivers
import CSMEngine
import CSMIntegrations
import CSMServer
import Foundation

/// `csm server`: the HTTP API, live streams and the reconciler loop for one workspace.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Serve the API and keep sessions matching csm.yaml (drift correction).",
        discussion: """
            Listens on server.listen from csm.yaml (default 127.0.0.1:3000). Prints a dashboard URL with a one-time \
            login code; API clients send 'Authorization: Bearer <token>' with the token from <state-dir>/token. \
            Stops cleanly on Ctrl-C or SIGTERM (exit status 0); a shutdown still not done after \
            --shutdown-timeout seconds logs what it waited for and exits with status 70. See docs/server.md.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address to listen on, overriding server.listen.", valueName: "host:port"))
    var listen: String?

    @Option(
        name: .customLong("events-max-size"),
        help: ArgumentHelp("Rotate a session's event file past this many bytes.", valueName: "bytes"))
    var eventsMaxSize: Int = 4 << 20

    @Option(
        name: .customLong("events-keep"),
        help: ArgumentHelp("Event files kept per session, the current one included (at least 2).", valueName: "n"))
    var eventsKeep: Int = 5

    @Option(
        name: .customLong("shutdown-timeout"),
        help: ArgumentHelp(
            "Seconds a graceful shutdown may take before csm server logs what is still running and exits with status 70.",
            valueName: "seconds"))
    var shutdownTimeout: Double = 10

    func validate() throws {
        guard shutdownTimeout > 0, shutdownTimeout.isFinite else {
            throw ValidationError("--shutdown-timeout must be a positive number of seconds, not \(shutdownTimeout).")
        }
    }

    func run() async throws {
        // Before any runner exists: the server stops its programs (and what they started) on shutdown.
        RunningChildren.isolatesProcessGroups = true
        let context = CommandContext(global)
        try await context.guarded {
            let document = try context.editableDocument()
            let workspace = document.workspace
            guard let address = ListenAddress(listen ?? workspace.server.listen) else {
                throw CLIError.refused(
                    "'\(listen ?? workspace.server.listen)' is not an address to listen on; write HOST:PORT, e.g. 127.0.0.1:3000."
                )
            }
            let layout = context.stateLayout
            let serverLock = try await WorkspaceLock.acquire(path: layout.serverLockFile(workspace: workspace.name))
            defer { serverLock.release() }
            let credentials = try ServerCredentials.loadOrCreate(path: layout.tokenFile)
            let options = ServerOptions(listen: address, credentials: credentials, workspace: workspace.name)
            let remote = context.makeRemoteHosts()
            let configPath = document.path
            let loader = context.loader
            // Hooks of agents on SSH hosts come back through a reverse forward per host (docs/remote.md).
            let forwarder = HookForwarder(remote: remote, workspace: { try? loader.load(file: configPath) })
            var dependencies = ServerDependencies.standard(
                configPath: document.path, loader: context.loader, layout: layout, engine: context.makeEngine(remote: remote),
                messenger: context.tmux, workspace: workspace.name,
                eventSettings: EventStoreSettings(maxFileBytes: eventsMaxSize, keptFiles: eventsKeep))
            // Session costs use integrations.prices as the server starts (a change needs a restart).
            dependencies.agents = AgentMonitor(prices: workspace.integrations.priceTable)
            dependencies.integrations = IntegrationHub(environment: context.environment)
            let watchdog = ShutdownWatchdog(timeout: .milliseconds(Int64(shutdownTimeout * 1000)))
            dependencies.shutdown = watchdog
            let output = context.output
            let code = credentials.makeLoginCode()
            if !address.isLoopback {
                output.warning("listening on \(address), beyond this machine: every route needs the token.")
            }
            let addressFile = layout.serverAddressFile(workspace: workspace.name)
            defer { try? FileManager.default.removeItem(atPath: addressFile) }
            do {
                try await serve(dependencies, options, forwarder: forwarder, addressFile: addressFile, output: output,
                                code: code, workspace: workspace.name, documentPath: document.path, layout: layout)
            } catch {
                await forwarder.stop()
                watchdog.disarm()
                throw error
            }
            await forwarder.stop()
            watchdog.step("hook forwards closed")
            // The locks are released by the defers above as this returns; the watchdog covered all until here.
            watchdog.disarm()
        }
    }

    private func serve(
        _ dependencies: ServerDependencies, _ options: ServerOptions, forwarder: HookForwarder, addressFile: String,
        output: Output, code: String, workspace: String, documentPath: String, layout: StateLayout
    ) async throws {
        try await ServerRunner.run(dependencies, options: options) { bound in
            // `csm hook` reads this to reach the server over loopback.
            let host = bound.isWildcard ? "127.0.0.1" : bound.host
            let json = #"{"host":"\#(host)","port":\#(bound.port)}"# + "\n"
            try? Data(json.utf8).write(to: URL(fileURLWithPath: addressFile), options: .atomic)
            Task { await forwarder.start(localPort: bound.port) }
            output.line("csm server for workspace '\(workspace)' (\(documentPath)) on \(bound.url())")
            output.line("Dashboard (one-time login link): \(bound.url(path: "/?login=\(code)"))")
            output.line("API token: \(layout.tokenFile)   Stop with Ctrl-C.")
        }
    }
}
