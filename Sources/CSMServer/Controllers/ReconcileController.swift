import CSMEngine
import CSMModel
import CSMPlanner
import Foundation
import Hummingbird

/// `GET /api/plan` (the latest reconcile pass and the sessions backing off; with `?preview=true` also the
/// plan of this moment, observed and planned as the next pass would, without applying) and `POST /api/apply`
/// (run a pass now and answer with it).
struct ReconcileController {
    let dependencies: ServerDependencies
    let service: WorkspaceService

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/plan", use: plan)
        routes.on(.post, "/api/apply", use: apply)
    }

    struct PlanBody: Encodable {
        var pass: ReconcilePass?
        var failures: [SessionFailure]
        /// The plan now (`?preview=true`), with the options the reconciler uses (prune from csm.yaml).
        var preview: Plan?
    }

    func body() async -> PlanBody {
        let reconciler = dependencies.reconciler
        return PlanBody(
            pass: await reconciler.latest, failures: await reconciler.failures.values.sorted { $0.session < $1.session }
        )
    }

    @Sendable func plan(_ request: Request, _ context: ServerContext) async throws -> Response {
        var result = await body()
        if request.uri.queryParameters["preview"] == "true" {
            let workspace = try await service.document().workspace
            let options = PlanOptions(force: false, deleteBranch: false, prune: workspace.server.prune)
            result.preview = try await dependencies.engine.plan(workspace, options: options).plan
        }
        return JSONResponse.make(result)
    }

    @Sendable func apply(_ request: Request, _ context: ServerContext) async throws -> Response {
        _ = await dependencies.reconciler.pass(reason: "api")
        return JSONResponse.make(await body())
    }
}
