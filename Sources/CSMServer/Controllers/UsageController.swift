import CSMIntegrations
import CSMModel
import Foundation
import Hummingbird

/// `GET /api/claude-usage` (the subscription's limits, original tool's route) and `GET /api/usage`
/// (tokens and cost from the transcripts, offline).
struct UsageController {
    let service: WorkspaceService
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/claude-usage", use: claudeUsage)
        routes.on(.get, "/api/usage", use: usage)
    }

    @Sendable func claudeUsage(_ request: Request, _ context: ServerContext) async throws -> Response {
        let settings = try await service.document().workspace.integrations
        let client = await dependencies.integrations.claudeUsage(settings)
        do {
            return JSONResponse.make(try await client.usage())
        } catch let error as ClaudeUsageError {
            switch error {
            case .credentialsMissing: throw APIError(.serviceUnavailable, error.code, error.description)
            case .authenticationFailed, .unavailable: throw APIError(.badGateway, error.code, error.description)
            case .rateLimited(let retryAfter):
                throw APIError(
                    .tooManyRequests, error.code, error.description,
                    headers: retryAfter.map { [.retryAfter: "\($0)"] } ?? [:])
            }
        }
    }

    @Sendable func usage(_ request: Request, _ context: ServerContext) async throws -> Response {
        let grouping: UsageGrouping
        if let by = request.uri.queryParameters["by"].map(String.init), !by.isEmpty {
            guard let value = UsageGrouping(rawValue: by) else {
                throw APIError(.badRequest, "invalid_query", "by must be session, day or model, not '\(by)'")
            }
            grouping = value
        } else {
            grouping = .session
        }
        var since: String?
        if let value = request.uri.queryParameters["since"].map(String.init), !value.isEmpty {
            guard UsageDay.isValid(value) else {
                throw APIError(.badRequest, "invalid_query", "since must be a day written YYYY-MM-DD, not '\(value)'")
            }
            since = value
        }
        let workspace = try await service.document().workspace
        let ledger = UsageSources.ledger(workspace: workspace, prices: workspace.integrations.priceTable)
        return JSONResponse.make(ledger.report(by: grouping, since: since))
    }
}
