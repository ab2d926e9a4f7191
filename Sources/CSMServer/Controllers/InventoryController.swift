import CSMModel
import Foundation
import Hummingbird

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
