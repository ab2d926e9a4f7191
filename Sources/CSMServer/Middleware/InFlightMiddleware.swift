import Hummingbird

/// Lists each request in the `ShutdownWatchdog` while its handler runs, so a shutdown that does not
/// finish in time names the requests it waited for.
struct InFlightMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let watchdog: ShutdownWatchdog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        try await watchdog.tracking(request: request.head) {
            try await next(request, context)
        }
    }
}
