import Hummingbird
import Logging

/// Turns every failure into the API's JSON error body: `APIError`s as they are, Hummingbird's own
/// errors (404, 413, …) with a code, a known path asked with the wrong method into 405 with `Allow`, and
/// anything unexpected into a logged 500 with a generic message (details stay in the log).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch is CancellationError {
            // The server is stopping and ended the programs this request ran (see ShutdownStarter).
            return try APIError.serverStopping.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try translate(error.status, request: request, context: context)
        } catch {
            context.logger.error(
                "unexpected error", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return try APIError(
                .internalServerError, "internal", "an unexpected error happened; the server log has the details"
            )
            .response(from: request, context: context)
        }
    }

    private func translate(_ status: HTTPResponse.Status, request: Request, context: Context) throws -> Response {
        let error: APIError
        switch status {
        case .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            if allowed.isEmpty {
                error = APIError(.notFound, "route_not_found", "no route \(request.method) \(request.uri.path)")
            } else {
                error = APIError(
                    .methodNotAllowed, "method_not_allowed",
                    "\(request.uri.path) does not accept \(request.method); it accepts \(allowed.joined(separator: ", "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
        case .contentTooLarge:
            error = .bodyTooLarge
        default:
            error = APIError(status, "http_\(status.code)", status.reasonPhrase)
        }
        return try error.response(from: request, context: context)
    }
}
