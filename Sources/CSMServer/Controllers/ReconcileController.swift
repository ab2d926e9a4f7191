import CSMEngine
import CSMModel
import Foundation
import Hummingbird

/// `GET /api/plan` (the latest reconcile pass and the sessions backing off) and `POST /api/apply`
/// (run a pass now and answer with it).
struct ReconcileController {
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/plan", use: plan)
        routes.on(.post, "/api/apply", use: apply)
    }

    struct PlanBody: Encodable {
        var pass: ReconcilePass?
        var failures: [SessionFailure]
    }

    func body() async -> PlanBody {
        let reconciler = dependencies.reconciler
        return PlanBody(
            pass: await reconciler.latest, failures: await reconciler.failures.values.sorted { $0.session < $1.session }
        )
    }

    @Sendable func plan(_ request: Request, _ context: ServerContext) async throws -> Response {
        JSONResponse.make(await body())
    }

    @Sendable func apply(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = await dependencies.reconciler.pass(reason: "api")
        return JSONResponse.make(await body())
    }
}

/// `GET /api/hosts` and `GET /api/repos`, as declared in csm.yaml.
struct InventoryController {
    let service: WorkspaceService

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/hosts", use: hosts)
        routes.on(.get, "/api/repos", use: repos)
    }

    struct HostBody: Encodable {
        var name: String
        var local: Bool
        var ssh: String?
        var port: Int?
        var worktreeBase: String
    }

    @Sendable func hosts(_ request: Request, _ context: ServerContext) async throws -> Response {
        let workspace = try await service.document().workspace
        let hosts = workspace.hosts.values.sorted { $0.name < $1.name }.map {
            HostBody(
                name: $0.name, local: $0.isLocal, ssh: $0.ssh, port: $0.port,
                worktreeBase: workspace.worktreeBase(forHost: $0.name))
        }
        return JSONResponse.make(["hosts": hosts])
    }

    @Sendable func repos(_ request: Request, _ context: ServerContext) async throws -> Response {
        let workspace = try await service.document().workspace
        return JSONResponse.make(["repos": workspace.repos.values.sorted { $0.name < $1.name }])
    }
}
