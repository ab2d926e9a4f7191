import CSMEngine
import Foundation
import Hummingbird

/// `GET /api/health` and `GET /api/openapi.json` (the dashboard and login are `DashboardController`).
struct SystemController {
    let dependencies: ServerDependencies
    let options: ServerOptions

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/health", use: health)
        routes.on(.get, "/api/openapi.json", use: openAPI)
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
}
