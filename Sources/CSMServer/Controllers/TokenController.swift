import Foundation
import Hummingbird

/// The API token for the dashboard's Settings page: `GET /api/token` shows it (always authenticated, even
/// on loopback where other reads are open), `POST /api/token/rotate` replaces it (the token file is
/// rewritten; the old token and every cookie holding it stop working; the caller gets the new cookie), and
/// `POST /api/login` turns a pasted token into the login cookie (for a browser that did not get the
/// one-time link).
struct TokenController {
    let options: ServerOptions
    let listen: ListenAddress

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/token", use: show)
        routes.on(.post, "/api/token/rotate", use: rotate)
        routes.on(.post, "/api/login", use: login)
    }

    static func cookie(_ token: String) -> String {
        "\(GuardMiddleware.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
    }

    struct TokenBody: Encodable {
        var token: String
        var file: String?
    }

    @Sendable func show(_ request: Request, _ context: ServerContext) async throws -> Response {
        let guardian = GuardMiddleware(listen: listen, credentials: options.credentials, routes: RouteTable())
        guard guardian.isAuthenticated(request) else {
            throw APIError(
                .unauthorized, "unauthorized", "showing the API token needs the token or the login cookie",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        var response = JSONResponse.make(TokenBody(token: options.credentials.token, file: options.credentials.path))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func rotate(_ request: Request, _ context: ServerContext) async throws -> Response {
        let token: String
        do {
            token = try options.credentials.rotate()
        } catch {
            throw APIError(.internalServerError, "token_not_written", error.description)
        }
        var response = JSONResponse.make(TokenBody(token: token, file: options.credentials.path))
        response.headers[.setCookie] = Self.cookie(token)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct LoginBody: Decodable { var token: String }

    @Sendable func login(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(LoginBody.self)
        guard options.credentials.isValid(body.token.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw APIError(.unauthorized, "invalid_token", "that is not this server's API token (<state-dir>/token)")
        }
        var response = JSONResponse.make(["success": true])
        response.headers[.setCookie] = Self.cookie(options.credentials.token)
        return response
    }
}
