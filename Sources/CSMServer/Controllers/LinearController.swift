import CSMIntegrations
import CSMModel
import Foundation
import Hummingbird

/// `/api/linear/…`: issues (mine, search, detail, create), comments, workflow states and state changes,
/// through the cached Linear service of the current csm.yaml. Linear's failures become JSON errors with
/// stable codes (docs/integrations.md), never a 500.
struct LinearController {
    let service: WorkspaceService
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/linear/issues", use: list)
        routes.on(.post, "/api/linear/issues", use: create)
        routes.on(.get, "/api/linear/issues/:id", use: show)
        routes.on(.get, "/api/linear/issues/:id/comments", use: comments)
        routes.on(.post, "/api/linear/issues/:id/comments", use: addComment)
        routes.on(.post, "/api/linear/issues/:id/state", use: move)
        routes.on(.get, "/api/linear/states", use: states)
        routes.on(.get, "/api/linear/teams", use: teams)
    }

    /// The Linear service, or the matching API error.
    func linear() async throws -> CachingLinearService {
        let settings = try await service.document().workspace.integrations
        return try await Self.mapping { try await dependencies.integrations.linear(settings) }
    }

    /// Runs `body`, turning a `LinearError` into its API error.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LinearError {
            throw apiError(error)
        }
    }

    static func apiError(_ error: LinearError) -> APIError {
        switch error {
        case .notConfigured: APIError(.serviceUnavailable, error.code, error.description)
        case .authenticationFailed, .graphQL, .unreachable, .badResponse:
            APIError(.badGateway, error.code, error.description)
        case .notFound: APIError(.notFound, error.code, error.description)
        case .teamRequired: APIError(.badRequest, error.code, error.description)
        case .rateLimited(let retryAfter):
            APIError(
                .tooManyRequests, error.code, error.description,
                headers: retryAfter.map { [.retryAfter: "\($0)"] } ?? [:])
        }
    }

    static func issueID(_ context: ServerContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw APIError(
                .badRequest, "invalid_issue_id", "'\(id)' is not an issue identifier (ENG-123) or id")
        }
        return id
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    struct IssueListBody: Encodable {
        var issues: [LinearIssue]
        var groups: [Group]
        var pageInfo: PageInfo

        struct Group: Encodable {
            var state: LinearStateRef?
            var issueIds: [String]
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(state, forKey: .state)
                try container.encode(issueIds, forKey: .issueIds)
            }
            enum CodingKeys: String, CodingKey { case state, issueIds }
        }
        struct PageInfo: Encodable {
            var hasNextPage: Bool
            var endCursor: String?
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(hasNextPage, forKey: .hasNextPage)
                try container.encode(endCursor, forKey: .endCursor)
            }
            enum CodingKeys: String, CodingKey { case hasNextPage, endCursor }
        }
    }

    @Sendable func list(_ request: Request, _ context: ServerContext) async throws -> Response {
        var query = IssueQuery(text: Self.query(request, "query"), after: Self.query(request, "after"))
        if let state = Self.query(request, "state")?.lowercased() {
            guard IssueQuery.stateValues.contains(state) else {
                throw APIError(
                    .badRequest, "invalid_query",
                    "state must be one of \(IssueQuery.stateValues.joined(separator: ", ")), not '\(state)'")
            }
            query.state = state
        }
        if let team = Self.query(request, "team") {
            guard team.count <= 64, team.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw APIError(.badRequest, "invalid_query", "team must be a team key such as ENG")
            }
            query.team = team
        }
        if let assignee = Self.query(request, "assignee") {
            guard assignee == "me" else {
                throw APIError(.badRequest, "invalid_query", "assignee can only be 'me'")
            }
            query.assignedToMe = true
        }
        if let first = Self.query(request, "first") {
            guard let value = Int(first), (1...100).contains(value) else {
                throw APIError(.badRequest, "invalid_query", "first must be a number from 1 to 100")
            }
            query.first = value
        }
        let linear = try await linear()
        let page = try await Self.mapping { try await linear.issues(query) }
        return JSONResponse.make(
            IssueListBody(
                issues: page.issues,
                groups: page.groups.map { .init(state: $0.state, issueIds: $0.issues.map(\.id)) },
                pageInfo: .init(hasNextPage: page.hasNextPage, endCursor: page.endCursor)))
    }

    struct CreateBody: Decodable {
        var title: String
        var description: String?
        var team: String?
        var priority: Int?
        var labelIds: [String]?
        var stateId: String?
        var assignToMe: Bool?
    }

    @Sendable func create(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateBody.self)
        let title = body.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw APIError.invalidBody("the field 'title' must not be empty") }
        if let priority = body.priority, !(0...4).contains(priority) {
            throw APIError.invalidBody("the field 'priority' must be 0 (none) to 4 (low)")
        }
        let draft = IssueDraft(
            title: title, description: body.description, team: body.team?.isEmpty == true ? nil : body.team,
            priority: body.priority, labelIDs: body.labelIds ?? [], stateID: body.stateId,
            assignToMe: body.assignToMe ?? false)
        let linear = try await linear()
        let issue = try await Self.mapping { try await linear.createIssue(draft) }
        return JSONResponse.make(["issue": issue], status: .created)
    }

    @Sendable func show(_ request: Request, _ context: ServerContext) async throws -> Response {
        let id = try Self.issueID(context)
        let linear = try await linear()
        return JSONResponse.make(["issue": try await Self.mapping { try await linear.issue(id) }])
    }

    @Sendable func comments(_ request: Request, _ context: ServerContext) async throws -> Response {
        let id = try Self.issueID(context)
        let linear = try await linear()
        return JSONResponse.make(["comments": try await Self.mapping { try await linear.comments(issue: id) }])
    }

    struct CommentBody: Decodable { var body: String }

    @Sendable func addComment(_ request: Request, _ context: ServerContext) async throws -> Response {
        let id = try Self.issueID(context)
        let body = try await request.decodeJSON(CommentBody.self)
        guard !body.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalidBody("the field 'body' must not be empty")
        }
        let linear = try await linear()
        let comment = try await Self.mapping { try await linear.addComment(issue: id, body: body.body) }
        return JSONResponse.make(["comment": comment], status: .created)
    }

    struct MoveBody: Decodable {
        var stateId: String?
        var state: String?
    }

    @Sendable func move(_ request: Request, _ context: ServerContext) async throws -> Response {
        let id = try Self.issueID(context)
        let body = try await request.decodeJSON(MoveBody.self)
        guard let target = body.stateId ?? body.state, !target.isEmpty else {
            throw APIError.invalidBody("give 'stateId' (a state's id) or 'state' (a state's name or type)")
        }
        let linear = try await linear()
        let issue = try await Self.mapping {
            if let stateID = body.stateId { return try await linear.moveIssue(id, toStateID: stateID) }
            return try await linear.moveIssue(id, toState: target)
        }
        return JSONResponse.make(["issue": issue])
    }

    @Sendable func states(_ request: Request, _ context: ServerContext) async throws -> Response {
        let team = Self.query(request, "team")
        let issue = Self.query(request, "issue")
        if let value = team ?? issue,
            value.count > 64 || !value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        {
            throw APIError(.badRequest, "invalid_query", "'\(value)' is not a team key, team id or issue identifier")
        }
        let linear = try await linear()
        let states = try await Self.mapping {
            if let issue, team == nil { return try await linear.states(ofIssue: issue) }
            return try await linear.states(team: team)
        }
        return JSONResponse.make(["states": states])
    }

    @Sendable func teams(_ request: Request, _ context: ServerContext) async throws -> Response {
        let linear = try await linear()
        return JSONResponse.make(["teams": try await Self.mapping { try await linear.teams() }])
    }
}
