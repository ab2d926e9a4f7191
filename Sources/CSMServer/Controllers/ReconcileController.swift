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
