import CSMEngine
import Foundation
import Hummingbird

/// `GET /api/health`, `GET /api/openapi.json` and `GET /` (the one-time login that sets the cookie,
/// and a placeholder page until the dashboard exists).
struct SystemController {
    let dependencies: ServerDependencies
    let options: ServerOptions

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/health", use: health)
        routes.on(.get, "/api/openapi.json", use: openAPI)
        routes.on(.get, "/", use: home)
    }

    struct HealthBody: Encodable {
        var status: String
        var workspace: String
        var listen: String
        var lastEventId: UInt64
        var streams: Int
        var reconcile: ReconcileBody

        struct ReconcileBody: Encodable {
            var passes: Int
            var lastPassAt: Date?
            var lastError: String?
            var failingSessions: [String]
        }
    }

    @Sendable func health(_ request: Request, _ context: ServerContext) async throws -> Response {
        let reconciler = dependencies.reconciler
        let latest = await reconciler.latest
        let failing = await reconciler.failures.keys.sorted()
        return JSONResponse.make(
            HealthBody(
                status: "ok", workspace: options.workspace, listen: options.listen.description,
                lastEventId: await dependencies.events.lastID, streams: dependencies.events.publisher.subscriberCount,
                reconcile: .init(
                    passes: latest?.number ?? 0, lastPassAt: latest?.startedAt, lastError: latest?.error,
                    failingSessions: failing)))
    }

    @Sendable func openAPI(_ request: Request, _ context: ServerContext) async throws -> Response {
        let data = OpenAPIDocument.json
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(data.count)"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func home(_ request: Request, _ context: ServerContext) async throws -> Response {
        if let code = request.uri.queryParameters["login"] {
            guard options.credentials.redeem(String(code)) else {
                throw APIError(
                    .unauthorized, "invalid_login_code",
                    "this login link was already used or is not valid; restart 'csm server' for a new one")
            }
            let cookie = "\(GuardMiddleware.cookieName)=\(options.credentials.token); Path=/; HttpOnly; SameSite=Strict"
            return Response(
                status: .seeOther, headers: [.location: "/", .setCookie: cookie, .cacheControl: "no-store"])
        }
        let page = """
            <!doctype html><html><head><meta charset="utf-8"><title>csm</title></head><body>
            <h1>csm server</h1><p>Workspace <b>\(options.workspace)</b>. The web dashboard arrives in a later version;
            the API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
